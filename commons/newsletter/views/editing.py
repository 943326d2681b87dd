"""The editors' pages for issues. (Being written.)"""

from django.http import Http404


def issue_list(request):
    raise Http404


def issue_new(request):
    raise Http404


def issue_edit(request, pk: int):
    raise Http404


def issue_propose(request, pk: int):
    raise Http404


def issue_preview(request, pk: int):
    raise Http404


def issue_test(request, pk: int):
    raise Http404


def issue_schedule(request, pk: int):
    raise Http404


def issue_unschedule(request, pk: int):
    raise Http404


def issue_progress(request, pk: int):
    raise Http404


def issue_delete(request, pk: int):
    raise Http404


def entry_new(request, pk: int):
    raise Http404


def entry_edit(request, pk: int, item: int):
    raise Http404


def entry_move(request, pk: int, item: int):
    raise Http404


def entry_remove(request, pk: int, item: int):
    raise Http404
