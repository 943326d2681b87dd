from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from commons.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from commons.accounts.services import ROLE_FIELDS
from commons.core.models import AuditEvent
from commons.core.services import record_audit


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_moderator", "is_data_steward", "is_active"]
    list_filter = ["is_staff", "is_moderator", "is_data_steward", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name", "language"]}),
        (
            _("Platform roles"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_moderator",
                    "is_data_steward",
                    "is_superuser",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        # Role changes made here are audited like those made through services.
        before = (
            User.objects.filter(pk=obj.pk).values(*ROLE_FIELDS.values()).first() if change else None
        )
        super().save_model(request, obj, form, change)
        for role, field in ROLE_FIELDS.items():
            previous = before[field] if before else False
            if previous != getattr(obj, field):
                record_audit(
                    action=AuditEvent.Action.ROLE_CHANGED,
                    request=request,
                    target=obj,
                    data={"role": role, "from": previous, "to": getattr(obj, field)},
                )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "decided_by"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "type", "verified_at", "is_demo"]
    list_filter = ["type", "country", "is_demo"]
    search_fields = ["name", "acronym", "slug"]
    readonly_fields = ["verified_at", "verified_by"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "expires_at", "accepted_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_prefix", "last_used_at"]
