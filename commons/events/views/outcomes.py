"""Not written yet: every view answers 501 until it is."""

from django.http import HttpResponse


def event_outcomes(request, **kwargs):
    return HttpResponse(status=501)


def outcomes_edit(request, **kwargs):
    return HttpResponse(status=501)


def outcomes_import(request, **kwargs):
    return HttpResponse(status=501)


def outcomes_template(request, **kwargs):
    return HttpResponse(status=501)


def recommendation_list(request, **kwargs):
    return HttpResponse(status=501)


def matrix(request, **kwargs):
    return HttpResponse(status=501)


def recommendation_detail(request, **kwargs):
    return HttpResponse(status=501)


def commit(request, **kwargs):
    return HttpResponse(status=501)


def commitment_detail(request, **kwargs):
    return HttpResponse(status=501)


def theme_new(request, **kwargs):
    return HttpResponse(status=501)
