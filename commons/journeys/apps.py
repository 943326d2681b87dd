from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "commons.journeys"
    label = "journeys"
    verbose_name = _("Journeys")
    navigation = [(20, _("Routes"), "journeys:map", "all")]
