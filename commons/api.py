"""The versioned JSON API at /api/v1/. Each app adds its router here."""

from ninja import NinjaAPI

from commons import __version__
from commons.accounts.auth import ANYONE

api = NinjaAPI(
    title="Freedom Commons API",
    version=__version__,
    description=(
        "Read the platform's public and member data. Authenticate with a personal API token."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=ANYONE,
)

from commons.accounts.api import router as accounts_router  # noqa: E402
from commons.alerts.api import router as alerts_router  # noqa: E402
from commons.directory.api import router as directory_router  # noqa: E402
from commons.discussions.api import router as discussions_router  # noqa: E402
from commons.events.api import router as events_router  # noqa: E402
from commons.journeys.api import router as journeys_router  # noqa: E402
from commons.library.api import router as library_router  # noqa: E402
from commons.news.api import router as news_router  # noqa: E402
from commons.newsletter.api import router as newsletter_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", directory_router)
api.add_router("/", journeys_router)
api.add_router("/", events_router)
api.add_router("/", library_router)
api.add_router("/", news_router)
api.add_router("/", newsletter_router)
api.add_router("/", discussions_router)
api.add_router("/", alerts_router)
