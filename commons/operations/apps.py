from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What keeps the platform running: health, metrics, the worker's schedule, retention."""

    name = "commons.operations"
    label = "operations"
    verbose_name = _("Operations")
