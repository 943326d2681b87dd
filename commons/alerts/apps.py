from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "commons.alerts"
    label = "alerts"
    verbose_name = _("Recruitment-fraud alerts")
    # Shown to everyone signed in: the list page tells those who may not read alerts why.
    navigation = [(31, _("Alerts"), "alerts:list", "signed_in")]
