from django.urls import path

from commons.surveys.views import manage, report

app_name = "surveys"

urlpatterns = [
    path("surveys/", manage.survey_list, name="list"),
    path("surveys/<slug:slug>/report/", report.survey_report_page, name="report"),
]
