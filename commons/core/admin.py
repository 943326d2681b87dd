"""The audit log in the admin: staff may read it, nobody may add, change or delete a
line, superusers included (retention is the only way out; see ``commons retention``)."""

from django.contrib import admin

from commons.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to look up and never to edit here: nobody, superusers included, may add,
    change or delete one through the admin (the pages and services do, with their checks
    and audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor_label", "target_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
