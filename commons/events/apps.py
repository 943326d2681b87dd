from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "commons.events"
    label = "events"
    verbose_name = _("Events")
    navigation = [(25, _("Events"), "events:calendar", "all")]
