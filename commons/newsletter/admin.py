"""Subscribers, issues and deliveries in Django's admin, for staff who need to look one
up. Nothing here is edited: a subscriber's evidence of the opt-in is shown as it is,
subscribing and unsubscribing go through the services (the public pages and the
account), issues through the editor's pages, deliveries through the sender."""

from django.contrib import admin

from commons.core.admin import ReadOnlyAdmin
from commons.newsletter.models import Delivery, Issue, IssueItem, Subscriber

EVIDENCE = [
    "status",
    "user",
    "subscribed_at",
    "subscribe_ip",
    "confirmation_sent_at",
    "confirmed_at",
    "confirm_ip",
    "confirmed_by",
    "unsubscribed_at",
    "unsubscribed_how",
    "suppression_reason",
]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "frequency", "language", "confirmed_at"]
    list_filter = ["status", "frequency", "language", "confirmed_by", "unsubscribed_how"]
    search_fields = ["email"]
    fields = ["email", "language", "frequency", "topics", "regions", *EVIDENCE]
    readonly_fields = ["email", *EVIDENCE]

    def has_add_permission(self, request):
        return False


class IssueItemInline(admin.TabularInline):
    """An issue's entries, to read: the editor's pages edit them."""

    model = IssueItem
    fields = ["order", "section", "title", "url", "languages", "topics", "regions"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    """Issues to look at; they are written, scheduled and sent on the editor's pages."""

    list_display = ["subject", "status", "period_start", "period_end", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    date_hierarchy = "sent_at"
    fields = [
        "subject",
        "status",
        "period_start",
        "period_end",
        "scheduled_for",
        "sent_at",
        "created_by",
        "introduction",
    ]
    readonly_fields = fields
    inlines = [IssueItemInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """What happened to each copy of an issue: staff look it up, nobody edits it (the
    sender's claims and retries depend on these rows)."""

    list_display = ["subscriber", "issue", "status", "sent_at", "attempts"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["subscriber", "issue"]
    fields = [
        "issue",
        "subscriber",
        "status",
        "message_id",
        "sent_at",
        "attempts",
        "error",
        "claimed_at",
    ]
    readonly_fields = fields
