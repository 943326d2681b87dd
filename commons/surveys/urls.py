from django.urls import path

from commons.surveys.views import answer, manage, report

app_name = "surveys"

urlpatterns = [
    path("surveys/", manage.survey_list, name="list"),
    path("surveys/new/", manage.survey_new, name="new"),
    path("surveys/<slug:slug>/", manage.survey_manage, name="manage"),
    path("surveys/<slug:slug>/status/", manage.survey_status, name="status"),
    path("surveys/<slug:slug>/new-link/", manage.survey_new_link, name="new_link"),
    path("surveys/<slug:slug>/import/", manage.responses_import, name="import"),
    path(
        "surveys/<slug:slug>/import/<int:progress_id>/",
        manage.import_report,
        name="import_report",
    ),
    path("surveys/<slug:slug>/preview/", answer.preview, name="preview"),
    path("surveys/<slug:slug>/answer/", answer.answer, name="answer"),
    path("surveys/<slug:slug>/answer/<str:key>/", answer.answer, name="answer_link"),
    path("surveys/<slug:slug>/thanks/", answer.thanks, name="thanks"),
    path("surveys/<slug:slug>/report/", report.survey_report_page, name="report"),
    path("surveys/<slug:slug>/report.<str:fmt>", report.report_download, name="report_download"),
    path(
        "surveys/<slug:slug>/responses.<str:fmt>",
        report.responses_download,
        name="responses_download",
    ),
    path(
        "surveys/<slug:slug>/exports/<int:progress_id>/",
        report.export_file,
        name="export_file",
    ),
]
