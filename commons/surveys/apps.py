from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "commons.surveys"
    label = "surveys"
    verbose_name = _("Surveys")
    navigation = [(30, _("Surveys"), "surveys:list", "all")]
