"""Product7 API constants: endpoints, page sizes, timestamp fields, client limits; the vendor's registry entry."""

from sources.common.vendor import VendorSpec

NAME = "product7"
ENV_PREFIX = "SOURCES__PRODUCT7"
# Product7 serves each workspace from its own subdomain, so there is no one production URL: the default is the
# template itself, which the source refuses with a one-line fix (set WORKSPACE or BASE_URL) instead of calling it.
WORKSPACE_URL = "https://{workspace}.api.product7.io"
DEFAULT_BASE_URL = WORKSPACE_URL

TICKETS_PAGE_SIZE = 100  # `page_size`: documented default 50, maximum 100 (more is a 400)
FEEDBACK_PAGE_SIZE = 100  # `limit`: documented default 20, maximum 100
# Product7 documents no rate limit. 20 requests/s is a polite ceiling of our own that still backfills 10,000
# tickets in under 9 minutes; 429 + Retry-After is honoured either way. 0 = no client-side limit.
RATE_LIMIT_PER_MINUTE = 1200
DETAIL_CONCURRENCY = 8

ME_PATH = "/api/v1/me"
MEMBERS_PATH = "/api/v1/workspace/members"
TICKET_STATUSES_PATH = "/api/v1/ticket-statuses"
TICKETS_PATH = "/api/v1/tickets"
TICKET_DETAIL_PATH = "/api/v1/tickets/{uuid}"
FEEDBACK_PATH = "/api/v1/feedback"

# endpoint names as request counts, logs and quarantine rows show them (templates, never a record's id)
ME_ENDPOINT = f"GET {ME_PATH}"
TICKETS_ENDPOINT = f"GET {TICKETS_PATH}"
TICKET_DETAIL_ENDPOINT = f"GET {TICKET_DETAIL_PATH}"
FEEDBACK_ENDPOINT = f"GET {FEEDBACK_PATH}"

# the small reference lists read whole on every run: (resource and table name, path); neither is paginated
LOOKUPS = (
    ("members", MEMBERS_PATH),
    ("ticket_statuses", TICKET_STATUSES_PATH),
)

TICKET_CURSOR = "last_activity_at"  # the list's sort key: newest activity first, then uuid desc
TICKET_TIMESTAMPS = ("created_at", "updated_at", "last_activity_at")
ACTIVITY_TIMESTAMPS = ("timestamp",)
FEEDBACK_TIMESTAMPS = ("created_at", "updated_at")

VENDOR = VendorSpec(
    name=NAME,
    label="Product7",
    env_prefix=ENV_PREFIX,
    default_base_url=DEFAULT_BASE_URL,
    workspace_url=WORKSPACE_URL,
    source="sources.product7:product7_source",
    check_credentials="sources.product7.helpers:check_credentials",
    sandbox="sandbox.product7:SANDBOX",
    dbt_entities=("tickets", "ticket_events", "feedback", "vote_observations", "people", "deletions"),
    key_help="Product7 workspace -> Settings -> Developers -> generate a token",
)
