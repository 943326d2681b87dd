"""(Being written.)"""

from django.http import Http404


def new_thread(request, slug: str):
    raise Http404


def reply(request, pk: int):
    raise Http404


def watch(request, pk: int):
    raise Http404


def edit_message(request, pk: int):
    raise Http404


def flag(request, pk: int):
    raise Http404


def people(request):
    raise Http404
