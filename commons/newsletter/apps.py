from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "commons.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from anymail.signals import tracking

        from commons.newsletter.signals import on_tracking

        # the provider's bounces and complaints come as anymail's signal: see signals.py
        tracking.connect(on_tracking, dispatch_uid="commons.newsletter.on_tracking")
