from django.urls import path

from commons.alerts.views import moderation, public, reading, subscriptions, writing

app_name = "alerts"

urlpatterns = [
    # reading (views/reading.py): readers only; the list explains to others who reads
    path("alerts/", reading.alert_list, name="list"),
    path("alerts/export/", reading.export, name="export"),
    path("alerts/<int:pk>/", reading.alert_detail, name="detail"),
    # writing (views/writing.py)
    path("alerts/new/", writing.new, name="new"),
    path("alerts/mine/", writing.mine, name="mine"),
    path("alerts/<int:pk>/edit/", writing.edit, name="edit"),
    path("alerts/<int:pk>/correct/", writing.correct, name="correct"),
    path("alerts/<int:pk>/retract/", writing.retract, name="retract"),
    path("alerts/<int:pk>/renew/", writing.renew, name="renew"),
    # moderators (views/moderation.py)
    path("alerts/review/", moderation.queue, name="queue"),
    path("alerts/<int:pk>/review/", moderation.review, name="review"),
    path("alerts/replies/", moderation.replies, name="replies"),
    path("alerts/replies/<int:pk>/", moderation.reply, name="reply"),
    # the public right-of-reply form (views/public.py)
    path("alerts/right-of-reply/", public.reply_form, name="reply_form"),
    path("alerts/right-of-reply/sent/", public.reply_sent, name="reply_sent"),
    # organisations' subscriptions (views/subscriptions.py)
    path("alerts/subscriptions/", subscriptions.subscriptions, name="subscriptions"),
]
