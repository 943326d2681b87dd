from django.urls import path

from commons.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.subscribe, name="subscribe"),
    path("newsletter/preferences/", views.preferences, name="preferences"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/manage/<str:token>/", views.manage, name="manage"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
