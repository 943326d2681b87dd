"""Posts in Django's admin, for staff who need to look something up or fix it. Writing
and publishing happen on the news pages, which go through the services (audited,
authors told by e-mail); the admin changes rows as they are."""

from django.contrib import admin
from django.db import models

from commons.lib.text import render_markdown
from commons.news.models import Post

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "kind", "language", "status", "audience", "published_at", "is_demo"]
    list_filter = ["kind", "status", "audience", "language", "is_demo"]
    search_fields = ["title", "slug", "author__email", "organisation__name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["author", "organisation", "reviewed_by"]
    readonly_fields = ["body_html", "is_demo", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # The page shows the rendered text: keep it in step with the Markdown.
        obj.body_html = render_markdown(obj.body)
        super().save_model(request, obj, form, change)
