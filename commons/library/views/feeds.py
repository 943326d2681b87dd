"""Atom feeds of newly published resources: all of them, one language's, one topic's.

The same for everyone: published versions only, the most recently approved first."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from commons.core.feeds import AtomFeed
from commons.core.queries import json_list_has
from commons.lib.languages import canonical_language, language_name
from commons.library import queries
from commons.library.models import Resource
from commons.library.topics import topic_choices

FEED_SIZE = 50


class AllResources(AtomFeed):
    def title(self, obj=None):
        return _("New in the library")

    def subtitle(self, obj=None):
        return _("Resources published in the library, the newest first.")

    def link(self, obj=None):
        return f"{reverse('library:search')}?all=1"

    def resources(self, obj):
        return queries.published()

    def items(self, obj=None):
        return (
            self.resources(obj).select_related("work").order_by("-approved_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Resource):
        return item.title

    def item_description(self, item: Resource):
        # Atom readers take the summary as HTML: a summary is plain text.
        return linebreaks(item.summary, autoescape=True)

    def item_link(self, item: Resource):
        return item.get_absolute_url()

    def item_guid(self, item: Resource):
        # Stable across edits of the title or the work's slug.
        return f"tag:library,resource:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Resource):
        return item.approved_at

    def item_updateddate(self, item: Resource):
        return item.approved_at

    def item_categories(self, item: Resource):
        return [item.work.type, *item.work.topics]

    def item_extra_kwargs(self, item: Resource):
        return {"language": item.language}


class ByLanguage(AllResources):
    def get_object(self, request, language: str):
        if canonical_language(language) != language:
            raise Http404
        return language

    def title(self, obj=None):
        return _("New in the library in %(language)s") % {"language": language_name(obj)}

    def link(self, obj=None):
        return f"{reverse('library:search')}?language={obj}"

    def resources(self, obj):
        return queries.published().filter(language=obj)


class ByTopic(AllResources):
    def get_object(self, request, topic: str):
        labels = dict(topic_choices())
        if topic not in labels:
            raise Http404
        return (topic, str(labels[topic]))

    def title(self, obj=None):
        return _("New in the library: %(topic)s") % {"topic": obj[1]}

    def link(self, obj=None):
        return f"{reverse('library:search')}?topic={obj[0]}&all=1"

    def resources(self, obj):
        # Topics are a JSON list of codes: the quoted code matches one element only
        # ("migration", not "safe-migration"), on SQLite and PostgreSQL alike.
        return queries.published().filter(json_list_has("work__topics", obj[0]))
