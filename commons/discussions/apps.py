from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "commons.discussions"
    label = "discussions"
    verbose_name = _("Discussions")
    navigation = [(29, _("Discussions"), "discussions:index", "all")]

    def ready(self):
        from commons.discussions import search  # noqa: F401  (connects the index's receivers)
