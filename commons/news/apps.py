from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "commons.news"
    label = "news"
    verbose_name = _("News")
    navigation = [(28, _("News"), "news:list", "all")]
