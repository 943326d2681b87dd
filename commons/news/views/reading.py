"""Reading posts: the news listing with its filters, and a post's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from commons.lib.geo import COUNTRY_CHOICES
from commons.lib.languages import canonical_language, language_name
from commons.library.topics import topic_choices, topic_label
from commons.news import queries, rules
from commons.news.models import Post
from commons.news.queries import PostFilters

PAGE_SIZE = 20


@require_GET
def post_list(request):
    """Published posts this person may read, filtered by kind, language, topic, country
    and words; a plain GET form."""
    filters = PostFilters.from_query(request.GET)
    page = Paginator(queries.posts_for(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    posts = list(page.object_list)
    languages, countries = _codes_in_use(request.user)
    languages.update(code for code in [filters.language] if code)
    countries.update(code for code in [filters.country] if code)
    language_names = {code: language_name(code) for code in languages}
    topics = dict(topic_choices())
    context = {
        "page": page,
        "posts": posts,
        "filters": filters,
        "kinds": Post.Kind.choices,
        "kind_label": dict(Post.Kind.choices).get(filters.kind, ""),
        "languages": sorted(language_names.items(), key=lambda pair: pair[1]),
        "language_names": language_names,
        "language_label": language_names[filters.language]
        if canonical_language(filters.language) == filters.language
        else "",
        "topics": list(topics.items()),
        "topic_label": str(topics.get(filters.topic, "")),
        "countries": [(code, name) for code, name in COUNTRY_CHOICES if code in countries],
        "query": filters.as_query(),
        "today": timezone.localdate(),
        "can_submit": rules.can_submit_post(request.user),
        "is_editor": rules.can_edit_news(request.user),
    }
    return render(request, "news/list.html", context)


def _codes_in_use(user) -> tuple[set[str], set[str]]:
    """The languages and countries of the posts this person may read: the filters offer
    only those."""
    languages: set[str] = set()
    countries: set[str] = set()
    for language, codes in queries.published_posts(user).values_list("language", "countries"):
        languages.add(language)
        countries.update(codes or [])
    return languages, countries


@require_GET
def post_detail(request, slug: str):
    post = queries.get_post_for_user(request, slug)
    user = request.user
    context = {
        "post": post,
        "language": language_name(post.language),
        "topics": [topic_label(code) for code in post.topics],
        "countries": [name for code, name in COUNTRY_CHOICES if code in set(post.countries)],
        "deadline_passed": bool(post.deadline and post.deadline < timezone.localdate()),
        "is_author": user.is_authenticated and post.author_id == user.pk,
        "can_edit": rules.can_edit_post(user, post),
        "can_review": rules.can_edit_news(user) and post.status == Post.Status.SUBMITTED,
    }
    return render(request, "news/post.html", context)
