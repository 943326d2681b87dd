"""(Being written.)"""

from django.http import Http404


def index(request):
    raise Http404


def search(request):
    raise Http404


def tag(request, tag: str):
    raise Http404


def category(request, slug: str):
    raise Http404


def thread(request, pk: int):
    raise Http404


def attachment(request, pk: int):
    raise Http404
