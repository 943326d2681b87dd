"""Alert pages. Every response is private: never cached, never indexed."""

from functools import wraps

from django.utils.cache import patch_cache_control


def private(view):
    """Mark the response of ``view`` as private: ``Cache-Control: private, no-store`` and
    ``X-Robots-Tag: noindex``, whoever asks and whatever the answer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
        return response

    return wrapped
