from django.urls import path

from commons.news.views import editing, feeds, reading

app_name = "news"

urlpatterns = [
    # reading (views/reading.py)
    path("news/", reading.post_list, name="list"),
    # feeds (views/feeds.py): all posts, or one kind, language or topic
    path("news/feed/", feeds.AllPosts(), name="feed"),
    path("news/feed/kind/<slug:kind>/", feeds.ByKind(), name="feed_kind"),
    path("news/feed/language/<str:language>/", feeds.ByLanguage(), name="feed_language"),
    path("news/feed/topic/<slug:topic>/", feeds.ByTopic(), name="feed_topic"),
    # writing and editing (views/editing.py)
    path("news/submit/", editing.submit, name="submit"),
    path("news/mine/", editing.mine, name="mine"),
    path("news/editors/", editing.queue, name="queue"),
    path("news/<slug:slug>/edit/", editing.edit, name="edit"),
    path("news/<slug:slug>/review/", editing.review, name="review"),
    # a post's page last: its slug would catch the paths above
    path("news/<slug:slug>/", reading.post_detail, name="post"),
]
