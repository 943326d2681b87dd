from django.urls import path

from commons.surveys import views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/<slug:slug>/report/", views.survey_report_page, name="report"),
]
