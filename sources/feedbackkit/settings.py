"""FeedbackKit API constants: endpoints, the list query, chunk sizes; the vendor's declaration for the registry."""

from sources.common.vendor import VendorSpec

NAME = "feedbackkit"
ENV_PREFIX = "SOURCES__FEEDBACKKIT"
DEFAULT_BASE_URL = "https://api.feedbackkit.app/api/v1"
API_KEY_HEADER = "X-API-Key"

# `GET /feedbacks` has no pagination: one plain array of every feedback. Merged items are hidden by default,
# and the warehouse needs them (merge links, frozen counts), so the list is always read with includeMerged.
FEEDBACKS_PATH = "/feedbacks"
FEEDBACKS_PARAMS = {"includeMerged": True}
FEEDBACK_PATH = "/feedbacks/{feedback_id}"
COMMENTS_PATH = "/feedbacks/{feedback_id}/comments"

FEEDBACKS_ENDPOINT = "GET /feedbacks"
FEEDBACK_ENDPOINT = "GET /feedbacks/{id}"
COMMENTS_ENDPOINT = "GET /feedbacks/{id}/comments"

# The one array is shaped and handed to dlt in chunks of this many rows (one Arrow table each): the raw items
# of a chunk are released as soon as it is shaped, so the run never holds the array twice.
CHUNK_SIZE = 2_000
# Comment calls overlap their waits on the network; the documented API names no rate limit (a 429 still waits
# what its Retry-After says).
DETAIL_CONCURRENCY = 8
RATE_LIMIT_PER_MINUTE = 0  # 0 = no client-side ceiling (none documented)
# Attempts per request for transient failures (429, 5xx, a body cut off mid-array), with backoff in between.
MAX_ATTEMPTS = 8

FEEDBACK_TIMESTAMPS = ("createdAt", "updatedAt", "mergedAt")
COMMENT_TIMESTAMPS = ("createdAt",)

VENDOR = VendorSpec(
    name=NAME,
    label="FeedbackKit",
    env_prefix=ENV_PREFIX,
    default_base_url=DEFAULT_BASE_URL,
    source="sources.feedbackkit:feedbackkit_source",
    check_credentials="sources.feedbackkit.helpers:check_credentials",
    sandbox="sandbox.feedbackkit:SANDBOX",
    dbt_entities=("feedback", "vote_observations", "feedback_comments", "people", "deletions"),
    key_help="FeedbackKit dashboard -> Project Settings -> API key",
)
