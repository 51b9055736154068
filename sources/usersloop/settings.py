"""UsersLoop API v2 constants: endpoints, page size, the documented rate limit; the vendor's declaration."""

from typing import NamedTuple

from sources.common.vendor import VendorSpec

NAME = "usersloop"
ENV_PREFIX = "SOURCES__USERSLOOP"
DEFAULT_BASE_URL = "https://usersloop.com/api/v2"

PAGE_SIZE = 100  # the documented maximum of `per_page` (more answers 422)
RATE_LIMIT_PER_MINUTE = 60  # per API key, documented; X-RateLimit-Limit / X-RateLimit-Remaining, no reset header
RATE_WINDOW_SECONDS = 60.0  # the vendor's window; tests and the demo scale it with the stand-in's
# Sequential by default: at 60 requests a minute one connection is never the bottleneck, and in-order requests
# keep the limiter's reading of X-RateLimit-Remaining exact.
DETAIL_CONCURRENCY = 1


class Listing(NamedTuple):
    """One list endpoint: the resource (and dlt table) it feeds, its path and the endpoint name used in request
    counts; for paginated lists also the detail path and endpoint, and the entity its deletions are recorded as."""

    resource: str
    path: str
    endpoint: str
    detail_path: str = ""
    detail_endpoint: str = ""
    entity: str = ""


# not paginated: `{"data": [...]}`
BOARDS = Listing("boards", "/boards", "GET /boards", entity="board")
CATEGORIES = Listing("helpdesk_categories", "/helpdesk/categories", "GET /helpdesk/categories", entity="category")
# paginated (Laravel, either shape), newest first
FEEDBACK = Listing("feedback", "/feedback", "GET /feedback", "/feedback/{id}", "GET /feedback/{id}", "feedback")
ROADMAP = Listing("roadmap", "/roadmap", "GET /roadmap", "/roadmap/{id}", "GET /roadmap/{id}", "roadmap")
UPDATES = Listing("updates", "/updates", "GET /updates", "/updates/{id}", "GET /updates/{id}", "update")
ARTICLES = Listing(
    "helpdesk_articles",
    "/helpdesk/articles",
    "GET /helpdesk/articles",
    "/helpdesk/articles/{id}",
    "GET /helpdesk/articles/{id}",
    "article",
)
PAGED_LISTS = (FEEDBACK, ROADMAP, UPDATES, ARTICLES)
UNPAGED_LISTS = (BOARDS, CATEGORIES)

TIMESTAMPS = ("created_at", "updated_at", "schedule_at", "published_at")
# what each detail adds to its list item (the rest of a detail is the list item again)
DETAIL_FIELDS = {
    FEEDBACK.resource: ("boards", "tags", "account", "account_user"),
    ROADMAP.resource: ("tags", "feedback"),
    UPDATES.resource: ("tags", "feedback", "roadmap"),
    ARTICLES.resource: ("content_json", "category", "tags"),
}
# the tables the details of roadmap items, updates and articles land in (feedback's are split, see the source)
DETAIL_TABLES = {
    ROADMAP.resource: "roadmap_details",
    UPDATES.resource: "update_details",
    ARTICLES.resource: "helpdesk_article_details",
}

VENDOR = VendorSpec(
    name=NAME,
    label="UsersLoop",
    env_prefix=ENV_PREFIX,
    default_base_url=DEFAULT_BASE_URL,
    source="sources.usersloop:usersloop_source",
    check_credentials="sources.usersloop.helpers:check_credentials",
    sandbox="sandbox.usersloop:SANDBOX",
    dbt_entities=("feedback", "vote_observations", "roadmap_items", "people", "deletions"),
    key_help="UsersLoop -> your product's Settings -> API",
)
