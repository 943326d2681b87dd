from django.urls import path

from commons.discussions.views import moderation, notifications, reading, writing

app_name = "discussions"

urlpatterns = [
    # reading (views/reading.py)
    path("discussions/", reading.index, name="index"),
    path("discussions/search/", reading.search, name="search"),
    path("discussions/tag/<slug:tag>/", reading.tag, name="tag"),
    path("discussions/c/<slug:slug>/", reading.category, name="category"),
    path("discussions/t/<int:pk>/", reading.thread, name="thread"),
    path("discussions/attachments/<int:pk>/", reading.attachment, name="attachment"),
    # writing (views/writing.py)
    path("discussions/c/<slug:slug>/new/", writing.new_thread, name="new_thread"),
    path("discussions/t/<int:pk>/reply/", writing.reply, name="reply"),
    path("discussions/t/<int:pk>/watch/", writing.watch, name="watch"),
    path("discussions/m/<int:pk>/edit/", writing.edit_message, name="edit_message"),
    path("discussions/m/<int:pk>/flag/", writing.flag, name="flag"),
    path("discussions/people/", writing.people, name="people"),
    # moderation (views/moderation.py)
    path("discussions/moderation/", moderation.queue, name="moderation"),
    path("discussions/m/<int:pk>/moderate/", moderation.moderate_message, name="moderate_message"),
    path("discussions/t/<int:pk>/moderate/", moderation.moderate_thread, name="moderate_thread"),
    path("discussions/flags/<int:pk>/dismiss/", moderation.dismiss_flag, name="dismiss_flag"),
    # notifications and e-mail preferences (views/notifications.py)
    path("discussions/notifications/", notifications.inbox, name="notifications"),
    path("discussions/settings/", notifications.settings, name="settings"),
    path("discussions/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]
