"""Alert pages. Every response is private: never cached, never indexed."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.utils.cache import patch_cache_control


def private(view):
    """Mark the response of ``view`` as private: ``Cache-Control: private, no-store`` and
    ``X-Robots-Tag: noindex``, whoever asks and whatever the answer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except (Http404, PermissionDenied) as refusal:
            # Rendered here rather than by Django's handler, so the refusal is private too.
            response = response_for_exception(request, refusal)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
        return response

    return wrapped
