from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "commons.directory"
    label = "directory"
    verbose_name = _("Directory")
    navigation = [
        (10, _("Directory"), "directory:search", "all"),
        (11, _("Partner finder"), "directory:partners", "all"),
        (12, _("People"), "directory:people", "signed_in"),
    ]

    def ready(self):
        from commons.directory import signals  # noqa: F401  (marks the search index stale)
