"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def event_new(request, **kwargs):
    return HttpResponse(status=501)


def mine(request, **kwargs):
    return HttpResponse(status=501)


def event_edit(request, **kwargs):
    return HttpResponse(status=501)


def programme(request, **kwargs):
    return HttpResponse(status=501)


def event_status(request, **kwargs):
    return HttpResponse(status=501)


def participants(request, **kwargs):
    return HttpResponse(status=501)


def participants_download(request, **kwargs):
    return HttpResponse(status=501)


def feedback_results(request, **kwargs):
    return HttpResponse(status=501)
