from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language_bidi

from commons.lib.languages import interface_languages


def navigation(user) -> list[dict]:
    """Navigation grows as modules land: each app's config lists its entries.

    An entry is ``(order, label, url_name, who)`` where ``who`` is ``"all"`` or
    ``"signed_in"``.
    """
    items = []
    for config in apps.get_app_configs():
        for order, label, url_name, who in getattr(config, "navigation", ()):
            if who == "signed_in" and not user.is_authenticated:
                continue
            items.append((order, {"label": label, "url": reverse(url_name), "name": url_name}))
    return [item for _order, item in sorted(items, key=lambda pair: pair[0])]


def platform(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "LANGUAGE_BIDI": get_language_bidi(),
        # each language by its own name (ខ្មែរ, not Khmer), with its name for the reader
        "language_choices": interface_languages(),
        "nav_items": navigation(request.user) if hasattr(request, "user") else [],
    }
