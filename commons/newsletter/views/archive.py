"""The public archive of sent issues. (Being written.)"""

from django.http import Http404


def archive(request):
    raise Http404


def archived_issue(request, pk: int):
    raise Http404
