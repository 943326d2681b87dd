"""The project's URLs plus a minimal view, the baseline the home page is compared with."""

from django.http import HttpResponse
from django.urls import path

from commons.urls import handler500  # noqa: F401 - the project's error page, here too
from commons.urls import urlpatterns as project_urlpatterns


def minimal(request):
    """As little as a Django view can do: the cost of the server, middleware and routing."""
    return HttpResponse("ok")


# First, so that no project pattern can shadow it.
urlpatterns = [path("__bench__/minimal", minimal), *project_urlpatterns]
