"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def post_list(request, **kwargs):
    return HttpResponse(status=501)


def post_detail(request, **kwargs):
    return HttpResponse(status=501)
