"""Alerts in the admin: read-only for staff, to look things up. Every change goes through
the pages, which keep the history and the audit."""

from django.contrib import admin

from commons.alerts.models import Alert, AlertEvent, AlertSubscription, RightOfReply
from commons.core.admin import ReadOnlyAdmin


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "text", "by", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["actor_name", "licence_number", "actor_country", "status", "organisation"]
    list_filter = ["status", "actor_kind", "source_kind", "is_demo"]
    search_fields = ["actor_name", "licence_number"]
    inlines = [AlertEventInline]


@admin.register(RightOfReply)
class RightOfReplyAdmin(ReadOnlyAdmin):
    list_display = ["represents", "actor_name", "status", "created_at"]
    list_filter = ["status"]


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "members_too", "updated_at"]
