"""Atom feeds of published posts: all of them, one kind's, one language's, one topic's.

The same for everyone: public posts only (members-only ones are for signed-in readers,
and a feed reader does not sign in), without opportunities past their deadline."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from commons.core.feeds import AtomFeed
from commons.core.queries import json_list_has
from commons.lib.languages import canonical_language, language_name
from commons.library.topics import topic_choices
from commons.news import queries
from commons.news.models import Post

FEED_SIZE = 50


class AllPosts(AtomFeed):
    def title(self, obj=None):
        return _("News, field reports and opportunities")

    def subtitle(self, obj=None):
        return _("Posts published on the platform, the newest first.")

    def link(self, obj=None):
        return reverse("news:list")

    def posts(self, obj):
        # As an anonymous reader sees them: never members-only or unpublished posts.
        return queries.published_posts(AnonymousUser())

    def items(self, obj=None):
        return self.posts(obj).select_related("author")[:FEED_SIZE]

    def item_title(self, item: Post):
        return item.title

    def item_description(self, item: Post):
        # Atom readers take the summary as HTML: a post's summary is plain text.
        return linebreaks(item.summary, autoescape=True)

    def item_link(self, item: Post):
        return item.get_absolute_url()

    def item_guid(self, item: Post):
        # Stable across edits of the title and slug.
        return f"tag:news,post:{item.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, item: Post):
        # the author's name, never the address of one who gave none
        return (item.author.name if item.author else "") or None

    def item_pubdate(self, item: Post):
        return item.published_at

    def item_updateddate(self, item: Post):
        return item.published_at

    def item_categories(self, item: Post):
        extra = [item.opportunity_type] if item.opportunity_type else []
        return [item.kind, *extra, *item.topics]

    def item_extra_kwargs(self, item: Post):
        return {"language": item.language}


class ByKind(AllPosts):
    def get_object(self, request, kind: str):
        if kind not in Post.Kind.values:
            raise Http404
        return kind

    def title(self, obj=None):
        return _("News: %(kind)s") % {"kind": Post.Kind(obj).label}

    def link(self, obj=None):
        return f"{reverse('news:list')}?kind={obj}"

    def posts(self, obj):
        return super().posts(obj).filter(kind=obj)


class ByLanguage(AllPosts):
    def get_object(self, request, language: str):
        if canonical_language(language) != language:
            raise Http404
        return language

    def title(self, obj=None):
        return _("News in %(language)s") % {"language": language_name(obj)}

    def link(self, obj=None):
        return f"{reverse('news:list')}?language={obj}"

    def posts(self, obj):
        return super().posts(obj).filter(language=obj)


class ByTopic(AllPosts):
    def get_object(self, request, topic: str):
        labels = dict(topic_choices())
        if topic not in labels:
            raise Http404
        return (topic, str(labels[topic]))

    def title(self, obj=None):
        return _("News on %(topic)s") % {"topic": obj[1]}

    def link(self, obj=None):
        return f"{reverse('news:list')}?topic={obj[0]}"

    def posts(self, obj):
        return super().posts(obj).filter(json_list_has("topics", obj[0]))
