from django.urls import path

from commons.newsletter.views import archive, editing, subscription

app_name = "newsletter"

urlpatterns = [
    # subscribing (views/subscription.py)
    path("newsletter/", subscription.subscribe, name="subscribe"),
    path("newsletter/preferences/", subscription.preferences, name="preferences"),
    path("newsletter/confirm/<str:token>/", subscription.confirm, name="confirm"),
    path("newsletter/manage/<str:token>/", subscription.manage, name="manage"),
    path("newsletter/unsubscribe/<str:token>/", subscription.unsubscribe, name="unsubscribe"),
    # the public archive of sent issues (views/archive.py)
    path("newsletter/archive/", archive.archive, name="archive"),
    path("newsletter/archive/<int:pk>/", archive.archived_issue, name="archived_issue"),
    # the editors' pages (views/editing.py)
    path("newsletter/issues/", editing.issue_list, name="issues"),
    path("newsletter/issues/new/", editing.issue_new, name="issue_new"),
    path("newsletter/issues/<int:pk>/", editing.issue_edit, name="issue"),
    path("newsletter/issues/<int:pk>/propose/", editing.issue_propose, name="issue_propose"),
    path("newsletter/issues/<int:pk>/preview/", editing.issue_preview, name="issue_preview"),
    path("newsletter/issues/<int:pk>/test/", editing.issue_test, name="issue_test"),
    path("newsletter/issues/<int:pk>/schedule/", editing.issue_schedule, name="issue_schedule"),
    path(
        "newsletter/issues/<int:pk>/unschedule/",
        editing.issue_unschedule,
        name="issue_unschedule",
    ),
    path("newsletter/issues/<int:pk>/progress/", editing.issue_progress, name="issue_progress"),
    path("newsletter/issues/<int:pk>/delete/", editing.issue_delete, name="issue_delete"),
    path("newsletter/issues/<int:pk>/entries/new/", editing.entry_new, name="entry_new"),
    path("newsletter/issues/<int:pk>/entries/<int:item>/", editing.entry_edit, name="entry_edit"),
    path(
        "newsletter/issues/<int:pk>/entries/<int:item>/move/",
        editing.entry_move,
        name="entry_move",
    ),
    path(
        "newsletter/issues/<int:pk>/entries/<int:item>/remove/",
        editing.entry_remove,
        name="entry_remove",
    ),
]
