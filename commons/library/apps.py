from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "commons.library"
    label = "library"
    verbose_name = _("Library")
    navigation = [(27, _("Library"), "library:search", "all")]

    def ready(self):
        from commons.library import signals  # noqa: F401  (connects the receivers)
