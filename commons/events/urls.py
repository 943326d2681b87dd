from django.urls import path

from commons.events.views import calendar, organise, outcomes

app_name = "events"

urlpatterns = [
    # the public calendar, event pages, feeds and registration (views/calendar.py)
    path("events/", calendar.calendar, name="calendar"),
    path("events/feed.ics", calendar.feed, name="feed"),
    path("events/feed/<slug:region>.ics", calendar.feed, name="feed_region"),
    path("events/confirm/<str:token>/", calendar.confirm, name="confirm"),
    path("events/registration/<str:token>/", calendar.registration, name="registration"),
    # the organisers' side (views/organise.py)
    path("events/new/", organise.event_new, name="new"),
    path("events/mine/", organise.mine, name="mine"),
    path("events/<slug:slug>/edit/", organise.event_edit, name="edit"),
    path("events/<slug:slug>/programme/", organise.programme, name="programme"),
    path("events/<slug:slug>/status/", organise.event_status, name="status"),
    path("events/<slug:slug>/participants/", organise.participants, name="participants"),
    path(
        "events/<slug:slug>/participants.<str:fmt>",
        organise.participants_download,
        name="participants_download",
    ),
    path(
        "events/<slug:slug>/feedback/results/", organise.feedback_results, name="feedback_results"
    ),
    # forum outcomes and their follow-up (views/outcomes.py)
    path("events/<slug:slug>/outcomes/", outcomes.event_outcomes, name="outcomes"),
    path("events/<slug:slug>/outcomes/edit/", outcomes.outcomes_edit, name="outcomes_edit"),
    path("events/<slug:slug>/outcomes/import/", outcomes.outcomes_import, name="outcomes_import"),
    path(
        "events/outcomes-template.<str:fmt>", outcomes.outcomes_template, name="outcomes_template"
    ),
    path("recommendations/", outcomes.recommendation_list, name="recommendations"),
    path("recommendations/matrix/", outcomes.matrix, name="matrix"),
    path("recommendations/<int:pk>/", outcomes.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/commit/", outcomes.commit, name="commit"),
    path("commitments/<int:pk>/", outcomes.commitment_detail, name="commitment"),
    path("themes/new/", outcomes.theme_new, name="theme_new"),
    # event pages last: their slug would otherwise catch the paths above
    path("events/<slug:slug>/", calendar.detail, name="detail"),
    path("events/<slug:slug>/event.ics", calendar.event_ics, name="event_ics"),
    path("events/<slug:slug>/register/", calendar.register, name="register"),
    path("events/<slug:slug>/cancel/", calendar.cancel, name="cancel"),
    path("events/<slug:slug>/feedback/", calendar.feedback, name="feedback"),
]
