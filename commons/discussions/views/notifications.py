"""(Being written.)"""

from django.http import Http404


def inbox(request):
    raise Http404


def settings(request):
    raise Http404


def unsubscribe(request, token: str):
    raise Http404
