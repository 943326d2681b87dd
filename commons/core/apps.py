from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "commons.core"
    label = "core"
    navigation = [(0, _("Home"), "home", "all")]
    verbose_name = _("Core")

    def ready(self):
        from commons.core import signals  # noqa: F401  (connects audit receivers)
