"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def submit(request, **kwargs):
    return HttpResponse(status=501)


def mine(request, **kwargs):
    return HttpResponse(status=501)


def moderation(request, **kwargs):
    return HttpResponse(status=501)


def review(request, **kwargs):
    return HttpResponse(status=501)


def collection_new(request, **kwargs):
    return HttpResponse(status=501)


def collection_edit(request, **kwargs):
    return HttpResponse(status=501)


def add_version(request, **kwargs):
    return HttpResponse(status=501)


def edit(request, **kwargs):
    return HttpResponse(status=501)
