"""The events in Django's admin, for staff who need to look something up or fix it.
Organisers work on the event pages, which go through the services."""

from django.contrib import admin
from django.db import models

from commons.events.models import (
    Commitment,
    Event,
    Feedback,
    Material,
    Priority,
    Recommendation,
    Registration,
    Session,
    Speaker,
    Theme,
)

# Links typed without a scheme are https (Django 6's default, and no warning until then).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0
    raw_id_fields = ["person", "organisation", "session"]


class MaterialInline(admin.TabularInline):
    model = Material
    formfield_overrides = HTTPS_URLS
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "kind", "status", "starts_at", "time_zone", "region", "is_demo"]
    list_filter = ["status", "kind", "region", "is_demo"]
    search_fields = ["title", "slug", "external_organiser"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["organisers", "themes"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["summary_html", "is_demo", "created_at", "updated_at"]
    inlines = [SessionInline, SpeakerInline, MaterialInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "event", "status", "created_at", "attended"]
    list_filter = ["status", "attended"]
    search_fields = ["name", "email", "event__title"]
    raw_id_fields = ["event", "user"]
    readonly_fields = ["token_hash", "created_at", "updated_at"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["registration", "rating", "created_at"]
    list_filter = ["rating"]
    raw_id_fields = ["registration"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "created_by"]
    search_fields = ["code", "name"]
    raw_id_fields = ["created_by"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "region", "order"]
    list_filter = ["region"]
    search_fields = ["title", "event__title"]
    raw_id_fields = ["event"]
    filter_horizontal = ["themes"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "region", "audience"]
    list_filter = ["region", "audience"]
    search_fields = ["text", "event__title"]
    raw_id_fields = ["event", "created_by"]
    filter_horizontal = ["themes"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "recommendation", "status", "due", "updated_at"]
    list_filter = ["status"]
    search_fields = ["action", "organisation__name"]
    raw_id_fields = ["recommendation", "organisation", "created_by"]
