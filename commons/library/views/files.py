"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def resource_file(request, **kwargs):
    return HttpResponse(status=501)


def resource_cover(request, **kwargs):
    return HttpResponse(status=501)
