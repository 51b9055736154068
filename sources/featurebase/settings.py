"""Featurebase API constants: endpoints, page size, version header, documented rate limit; the vendor's
declaration for the registry."""

from sources.common.vendor import VendorSpec

NAME = "featurebase"
ENV_PREFIX = "SOURCES__FEATUREBASE"
DEFAULT_BASE_URL = "https://do.featurebase.app"
API_VERSION = "2026-01-01.nova"
VERSION_HEADER = "Featurebase-Version"

PAGE_SIZE = 100  # the documented maximum of `limit`
RATE_LIMIT_PER_MINUTE = 2000  # per API key, documented with X-RateLimit-Remaining / X-RateLimit-Reset
DETAIL_CONCURRENCY = 8

TICKETS_PATH = "/v2/tickets"
TICKET_DETAIL_PATH = "/v2/tickets/{ticket_number}"
TICKET_STATUSES_PATH = "/v2/tickets/statuses"
TICKET_CATEGORIES_PATH = "/v2/tickets/categories"
TICKET_CUSTOM_FIELDS_PATH = "/v2/tickets/custom_fields"

TICKETS_ENDPOINT = "GET /v2/tickets"
TICKET_DETAIL_ENDPOINT = "GET /v2/tickets/{ticketNumber}"

TICKET_TIMESTAMPS = ("createdAt", "updatedAt", "snoozedUntil")
PART_TIMESTAMPS = ("createdAt", "updatedAt", "snoozedUntil", "occurredAt")

POSTS_PATH = "/v2/posts"
POST_VOTERS_PATH = "/v2/posts/{post_id}/voters"
COMMENTS_PATH = "/v2/comments"
BOARDS_PATH = "/v2/boards"

POSTS_ENDPOINT = "GET /v2/posts"
POST_VOTERS_ENDPOINT = "GET /v2/posts/{id}/voters"
COMMENTS_ENDPOINT = "GET /v2/comments"

POST_TIMESTAMPS = ("createdAt", "updatedAt")
COMMENT_TIMESTAMPS = ("createdAt", "updatedAt")

VENDOR = VendorSpec(
    name=NAME,
    label="Featurebase",
    env_prefix=ENV_PREFIX,
    default_base_url=DEFAULT_BASE_URL,
    source="sources.featurebase:featurebase_source",
    check_credentials="sources.featurebase.helpers:check_credentials",
    sandbox="sandbox.featurebase:SANDBOX",
    dbt_entities=(
        "tickets",
        "ticket_events",
        "feedback",
        "vote_observations",
        "voters",
        "voter_companies",
        "feedback_comments",
        "people",
        "deletions",
    ),
    key_help="Featurebase dashboard -> Settings -> API",
)
