from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from commons.api import api
from commons.core import views as core_views

# The database or the disk failing gets a 503 that says so (commons.core.outage).
handler500 = "commons.core.outage.server_error"
handler404 = "commons.api.not_found"  # JSON under /api/

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("progress/<int:progress_id>/", core_views.progress, name="progress"),
    path("languages/", core_views.languages, name="languages"),
    path("accounts/", include("allauth.urls")),
    path("", include("commons.accounts.urls")),
    path("", include("commons.directory.urls")),
    path("", include("commons.journeys.urls")),
    path("", include("commons.surveys.urls")),
    path("", include("commons.events.urls")),
    path("", include("commons.library.urls")),
    path("", include("commons.news.urls")),
    path("", include("commons.newsletter.urls")),
    path("", include("commons.discussions.urls")),
    path("", include("commons.alerts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# The mail provider's webhooks (bounces, complaints), only when one is configured: the
# tests run without ANYMAIL_ESP, so the access matrix needs no rows for anymail's URLs.
if settings.ANYMAIL_ESP:
    urlpatterns.append(path("anymail/", include("anymail.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
