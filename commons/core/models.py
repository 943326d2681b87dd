from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    """Base for every model of the platform: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditQuerySet(models.QuerySet):
    """Audit lines cannot be changed or deleted in bulk either; only ``prune`` removes
    them, and only the retention command (``commons retention``) calls it."""

    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")

    def prune(self) -> int:
        """Delete these lines for good; returns how many. For retention only."""
        deleted, _detail = super().delete()
        return deleted


class AuditEvent(models.Model):
    """One line of the append-only audit log.

    Rows are written by ``services.record_audit`` and never changed or deleted by the
    application: ``save`` refuses updates, ``delete`` refuses outright, and so do the
    queryset's ``update`` and ``delete``; ``objects...prune()`` is kept for retention.
    """

    class Action(models.TextChoices):
        SIGN_IN = "auth.sign_in", _("Signed in")
        SIGN_IN_FAILED = "auth.sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "auth.sign_out", _("Signed out")
        PASSWORD_CHANGED = "auth.password_changed", _("Password changed")
        PASSWORD_RESET = "auth.password_reset", _("Password reset by e-mail")
        EMAIL_ADDED = "auth.email_added", _("E-mail address added")
        EMAIL_CONFIRMED = "auth.email_confirmed", _("E-mail address confirmed")
        EMAIL_CHANGED = "auth.email_changed", _("Primary e-mail address changed")
        EMAIL_REMOVED = "auth.email_removed", _("E-mail address removed")
        MFA_ADDED = "auth.mfa_added", _("Second factor added")
        MFA_REMOVED = "auth.mfa_removed", _("Second factor removed")
        # Kept for lines written before added and removed were told apart; now used
        # when recovery codes are generated again.
        MFA_CHANGED = "auth.mfa_changed", _("Second factor changed")
        MFA_FAILED = "auth.mfa_failed", _("Second-factor code refused")
        ACCESS_DENIED = "access.denied", _("Access denied")
        ROLE_CHANGED = "role.changed", _("Role changed")
        ORGANISATION_CREATED = "organisation.created", _("Organisation created")
        ORGANISATION_VERIFIED = "organisation.verified", _("Organisation verified")
        ORGANISATION_UPDATED = "organisation.updated", _("Organisation profile updated")
        ORGANISATIONS_MERGED = "organisation.merged", _("Organisations merged")
        MEMBERSHIP_REQUESTED = "membership.requested", _("Membership requested")
        MEMBERSHIP_APPROVED = "membership.approved", _("Membership approved")
        MEMBERSHIP_REJECTED = "membership.rejected", _("Membership rejected")
        MEMBERSHIP_REMOVED = "membership.removed", _("Membership removed")
        INVITATION_SENT = "invitation.sent", _("Invitation sent")
        INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
        TOKEN_CREATED = "token.created", _("API token created")
        TOKEN_REVOKED = "token.revoked", _("API token revoked")
        SENSITIVE_READ = "data.read", _("Sensitive data read")
        EXPORT = "data.export", _("Data exported")
        JOURNEYS_IMPORTED = "journeys.imported", _("Journey records contributed")
        JOURNEYS_WITHDRAWN = "journeys.withdrawn", _("Journey records withdrawn")
        JOURNEYS_CORRECTED = "journeys.corrected", _("Journey record corrected")
        RELEASE_BUILT = "journeys.release_built", _("Journey release built")
        RELEASE_PUBLISHED = "journeys.release_published", _("Journey release published")
        STEWARD_READ = "journeys.steward_read", _("Journey data read by a data steward")
        SURVEY_CREATED = "surveys.created", _("Survey created from a form")
        SURVEY_RESPONSES_IMPORTED = "surveys.responses_imported", _("Survey responses imported")
        SURVEY_UPDATED = "surveys.updated", _("Survey opened, closed or its settings changed")
        RESOURCE_SUBMITTED = "library.submitted", _("Library resource submitted")
        RESOURCE_APPROVED = "library.approved", _("Library resource approved")
        RESOURCE_REJECTED = "library.rejected", _("Library resource rejected")
        RESOURCE_EDITED = "library.edited", _("Library resource edited by a moderator")
        POST_PUBLISHED = "news.published", _("Post published")
        POST_REJECTED = "news.rejected", _("Post not published")
        POST_EDITED = "news.edited", _("Post edited by an editor")
        NEWSLETTER_SCHEDULED = "newsletter.scheduled", _("Newsletter issue scheduled or sent")
        DISCUSSION_MODERATED = "discussions.moderated", _("Discussion message moderated")
        DISCUSSION_THREAD_MODERATED = (
            "discussions.thread_moderated",
            _("Discussion thread locked, moved or hidden"),
        )
        DISCUSSION_FLAG_DISMISSED = "discussions.flag_dismissed", _("Discussion flag dismissed")
        ALERT_CHANGED = "alerts.changed", _("Recruitment-fraud alert written, reviewed or changed")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text as well so the log still names the actor after the account is deleted.
    actor_label = models.CharField(_("actor label"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class Progress(TimeStampedModel):
    """How far a long-running job has come; the page that started it polls this row."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("background task status", "Queued")
        RUNNING = "running", pgettext_lazy("background task status", "Running")
        DONE = "done", pgettext_lazy("background task status", "Done")
        FAILED = "failed", pgettext_lazy("background task status", "Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="progress_records",
    )
    label = models.CharField(_("job"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result_url = models.CharField(_("result link"), max_length=500, blank=True)
    # What a finished job leaves for the person who started it (an import's report of
    # rejected rows, say); cleared a day after the job ends (``start_progress``).
    result = models.JSONField(_("result"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="progress_done_within_total",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
