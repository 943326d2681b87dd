from django.urls import path

from commons.journeys import views

app_name = "journeys"

urlpatterns = [
    path("journeys/", views.flow_map, name="map"),
    path("journeys/map.<str:fmt>", views.map_download, name="map_download"),
    path("journeys/countries/<str:code>/", views.country, name="country"),
    path("journeys/releases/", views.releases, name="releases"),
    path("journeys/steward/", views.steward, name="steward"),
    path("journeys/steward/drafts/<int:release_id>/", views.draft, name="draft"),
    path(
        "journeys/releases/<int:release_id>.<str:fmt>",
        views.release_download,
        name="release_download",
    ),
    path("journeys/contribute/", views.contribute, name="contribute"),
    path("journeys/contribute/record/", views.record_new, name="record_new"),
    path("journeys/contribute/layout/", views.file_layout, name="file_layout"),
    path("journeys/contribute/template.<str:fmt>", views.file_template, name="file_template"),
    path(
        "journeys/contribute/imports/<int:progress_id>/",
        views.import_report,
        name="import_report",
    ),
    path("journeys/mine/", views.batches, name="batches"),
    path("journeys/mine/<int:batch_id>/", views.batch, name="batch"),
    path("journeys/mine/<int:batch_id>/withdraw/", views.withdraw, name="withdraw"),
    path("journeys/mine/records/<int:record_id>/", views.record_edit, name="record_edit"),
    path("journeys/mine/records.<str:fmt>", views.export_mine, name="export_mine"),
]
