from django.urls import path

from commons.accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile, name="profile"),
    path("me/tokens/", views.api_tokens, name="api_tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("language/", views.switch_language, name="switch_language"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/join/", views.organisation_join, name="organisation_join"),
    path("organisations/<slug:slug>/leave/", views.organisation_leave, name="organisation_leave"),
    path(
        "organisations/<slug:slug>/verify/", views.organisation_verify, name="organisation_verify"
    ),
    path("organisations/<slug:slug>/members/", views.members, name="members"),
    path(
        "organisations/<slug:slug>/members/<int:membership_id>/decide/",
        views.member_decide,
        name="member_decide",
    ),
    path(
        "organisations/<slug:slug>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "organisations/<slug:slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
