from django.urls import path

from commons.directory import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/export.<str:fmt>", views.export, name="export"),
    path("numbers/", views.numbers, name="numbers"),
    path("directory/partners/", views.partners, name="partners"),
    path("organisations/<slug:slug>/edit/", views.edit, name="edit"),
    path("organisations/<slug:slug>/merge/", views.merge, name="merge"),
    path("people/", views.people, name="people"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("me/directory-profile/", views.edit_person, name="edit_person"),
]
