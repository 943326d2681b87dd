"""Subscribers in Django's admin, for staff who need to look one up: the evidence of the
opt-in is shown and cannot be edited; subscribing and unsubscribing go through the
services (the public pages and the account)."""

from django.contrib import admin

from commons.newsletter.models import Subscriber

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
