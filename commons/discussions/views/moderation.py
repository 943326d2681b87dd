"""(Being written.)"""

from django.http import Http404


def queue(request):
    raise Http404


def moderate_message(request, pk: int):
    raise Http404


def moderate_thread(request, pk: int):
    raise Http404


def dismiss_flag(request, pk: int):
    raise Http404
