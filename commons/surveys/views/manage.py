"""The owner's survey pages, and the list of surveys a person may answer, run or read."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from commons.surveys.queries import surveys_for_user


@require_GET
def survey_list(request):
    return render(
        request,
        "surveys/list.html",
        {"surveys": surveys_for_user(request.user).select_related("owner")[:200]},
    )
