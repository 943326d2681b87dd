"""The library in Django's admin, for staff who need to look something up or fix it.
Submitting and moderating happen on the library's pages, which go through the services
(audited, submitters told by e-mail); the admin changes rows as they are."""

from django.contrib import admin
from django.db import models

from commons.lib.text import render_markdown
from commons.library.models import (
    Author,
    Collection,
    CollectionItem,
    Resource,
    TranslationRequest,
    Work,
)

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class AuthorInline(admin.TabularInline):
    model = Author
    extra = 0
    raw_id_fields = ["person", "organisation"]


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ["language", "title", "status", "approved_at"]
    readonly_fields = ["status", "approved_at"]
    show_change_link = True


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["slug", "type", "publisher_name", "published_on", "is_demo", "created_at"]
    list_filter = ["type", "is_demo"]
    search_fields = ["slug", "versions__title", "publisher_name", "publisher__name"]
    raw_id_fields = ["publisher"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]
    inlines = [AuthorInline, ResourceInline]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "language", "work", "status", "submitted_by", "created_at"]
    list_filter = ["status", "language", "extraction"]
    search_fields = ["title", "work__slug", "submitted_by__email"]
    date_hierarchy = "created_at"
    raw_id_fields = ["work", "submitted_by", "submitted_for", "reviewed_by"]
    readonly_fields = [
        "file_name",
        "file_type",
        "file_size",
        "extraction",
        "created_at",
        "updated_at",
    ]


@admin.register(TranslationRequest)
class TranslationRequestAdmin(admin.ModelAdmin):
    list_display = ["work", "language", "user", "created_at"]
    list_filter = ["language"]
    search_fields = ["work__slug", "user__email"]
    raw_id_fields = ["work", "user"]


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 0
    raw_id_fields = ["work"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "organisation", "is_published", "is_demo"]
    list_filter = ["is_published", "language", "is_demo"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["curator", "organisation"]
    readonly_fields = ["introduction_html", "is_demo", "created_at", "updated_at"]
    inlines = [CollectionItemInline]

    def save_model(self, request, obj, form, change):
        # The page shows the rendered introduction: keep it in step with the Markdown.
        obj.introduction_html = render_markdown(obj.introduction)
        super().save_model(request, obj, form, change)
