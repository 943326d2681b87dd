"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def submit(request, **kwargs):
    return HttpResponse(status=501)


def mine(request, **kwargs):
    return HttpResponse(status=501)


def queue(request, **kwargs):
    return HttpResponse(status=501)


def edit(request, **kwargs):
    return HttpResponse(status=501)


def review(request, **kwargs):
    return HttpResponse(status=501)
