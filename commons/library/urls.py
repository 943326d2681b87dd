from django.urls import path

from commons.library.views import browse, contribute, feeds, files

app_name = "library"

urlpatterns = [
    # finding things (views/browse.py)
    path("library/", browse.search, name="search"),
    path("library/collections/", browse.collection_list, name="collections"),
    # before the collection's slug, which would catch "new"
    path("library/collections/new/", contribute.collection_new, name="collection_new"),
    path("library/collections/<slug:slug>/", browse.collection_detail, name="collection"),
    # feeds (views/feeds.py)
    path("library/feed/", feeds.AllResources(), name="feed"),
    path("library/feed/language/<str:language>/", feeds.ByLanguage(), name="feed_language"),
    path("library/feed/topic/<slug:topic>/", feeds.ByTopic(), name="feed_topic"),
    # submitting and moderating (views/contribute.py)
    path("library/submit/", contribute.submit, name="submit"),
    path("library/mine/", contribute.mine, name="mine"),
    path("library/moderation/", contribute.moderation, name="moderation"),
    path("library/moderation/<int:pk>/", contribute.review, name="review"),
    path(
        "library/collections/<slug:slug>/edit/",
        contribute.collection_edit,
        name="collection_edit",
    ),
    # a work and its language versions: last, their slug would catch the paths above
    path("library/<slug:slug>/", browse.work, name="work"),
    path("library/<slug:slug>/request/", browse.request_translation, name="request_translation"),
    path("library/<slug:slug>/add-version/", contribute.add_version, name="add_version"),
    path("library/<slug:slug>/<str:language>/", browse.resource, name="resource"),
    path("library/<slug:slug>/<str:language>/file", files.resource_file, name="file"),
    path("library/<slug:slug>/<str:language>/cover", files.resource_cover, name="cover"),
    path("library/<slug:slug>/<str:language>/edit/", contribute.edit, name="edit"),
]
