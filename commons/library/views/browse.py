"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def search(request, **kwargs):
    return HttpResponse(status=501)


def collection_list(request, **kwargs):
    return HttpResponse(status=501)


def collection_detail(request, **kwargs):
    return HttpResponse(status=501)


def work(request, **kwargs):
    return HttpResponse(status=501)


def request_translation(request, **kwargs):
    return HttpResponse(status=501)


def resource(request, **kwargs):
    return HttpResponse(status=501)
