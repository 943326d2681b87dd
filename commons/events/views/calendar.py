"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def calendar(request, **kwargs):
    return HttpResponse(status=501)


def feed(request, **kwargs):
    return HttpResponse(status=501)


def confirm(request, **kwargs):
    return HttpResponse(status=501)


def registration(request, **kwargs):
    return HttpResponse(status=501)


def detail(request, **kwargs):
    return HttpResponse(status=501)


def event_ics(request, **kwargs):
    return HttpResponse(status=501)


def register(request, **kwargs):
    return HttpResponse(status=501)


def cancel(request, **kwargs):
    return HttpResponse(status=501)


def feedback(request, **kwargs):
    return HttpResponse(status=501)
