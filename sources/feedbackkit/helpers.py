"""FeedbackKit HTTP calls and record shaping; plain Python on top of sources/common, testable without dlt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pyarrow as pa

from sources.common.errors import ApiError
from sources.common.http import NotFoundError, RequestStats, VendorClient
from sources.common.observations import vote_observation
from sources.common.quarantine import QuarantineRecord, quarantine_record
from sources.common.records import check_children, record_checker
from sources.common.routing import good
from sources.common.state import signature
from sources.feedbackkit import settings

#: the fields each transformer reads from a feedback page
VOTE_FIELDS = ("id", "voteCount", "totalMrr", "status", "mergedIntoId", "updatedAt")
COMMENT_FIELDS = ("id", "commentCount", "updatedAt")
# A well-formed id no feedback has: asking for it costs one tiny answer (404 once the key is accepted).
_NO_SUCH_FEEDBACK = "00000000-0000-4000-8000-000000000000"


def error_detail(parsed: Any) -> str:
    """FeedbackKit errors are `{"error": true, "reason": "..."}`: the reason is the whole human message.

    The shared default parser would read `error` first and, it being a boolean, fall back to nothing useful
    for other shapes; FeedbackKit's own shape is parsed here so the one-line error carries the vendor's reason.
    """
    if isinstance(parsed, dict):
        reason = parsed.get("reason")
        if isinstance(reason, str) and reason.strip():
            return " ".join(reason.split())
        message = parsed.get("message")
        if isinstance(message, str):
            return " ".join(message.split())
    return ""


def make_client(
    api_key: str,
    base_url: str,
    account: str,
    stats: RequestStats | None,
    rate_limit_per_minute: int | None,
    max_attempts: int = 8,
) -> VendorClient:
    """The shared client with FeedbackKit's header auth and error body; the key is a redacted secret."""
    return VendorClient(
        vendor=settings.NAME,
        base_url=base_url,
        headers={settings.API_KEY_HEADER: api_key, "Accept": "application/json"},
        secrets=[api_key],
        env_prefix=settings.ENV_PREFIX,
        account=account,
        stats=stats,
        rate_limit_per_minute=rate_limit_per_minute or None,
        error_parser=error_detail,
        max_attempts=max_attempts,
    )


def _tier_limit(exc: ApiError) -> ApiError:
    """A 402 says what to do about it (a plan upgrade), not only that the request failed."""
    said = exc.message.split("HTTP 402", 1)[-1].strip() or "subscription tier limit exceeded"
    return ApiError(
        settings.NAME,
        f"the API refused the request: subscription tier limit (HTTP 402: {said}). "
        "Fix: upgrade the FeedbackKit plan of this project, or remove the account from the configuration.",
        status=402,
        code="tier_limit",
        account=exc.account,
    )


def fetch_feedbacks(client: VendorClient) -> list[Any]:
    """Every feedback of the project, merged ones included: the one request of a run.

    The client reads the body and parses it with orjson; the bytes are gone once it returns, so from here on
    the parsed list is the only copy. A body that is not a JSON array is an API change, not data.
    """
    try:
        body = client.get(settings.FEEDBACKS_PATH, settings.FEEDBACKS_PARAMS, endpoint=settings.FEEDBACKS_ENDPOINT)
    except ApiError as exc:
        if exc.status == 402:
            raise _tier_limit(exc) from None
        raise
    if not isinstance(body, list):
        raise ApiError(  # an API change, not a blip: status 200 keeps it from being retried as transient
            settings.NAME,
            f"{settings.FEEDBACKS_ENDPOINT} answered a JSON {type(body).__name__}, not the documented array",
            status=200,
            code="unexpected_body",
            account=client.account,
        )
    return body


def drain_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive chunks of `items`, each slot released (set to None) as its chunk is handed out.

    Why: the list is the only copy of a possibly very large response; shaping makes a new dict per record, and
    releasing the raw ones chunk by chunk keeps the run at one copy plus a chunk instead of two copies.
    """
    for start in range(0, len(items), size):
        end = min(start + size, len(items))
        chunk = items[start:end]
        items[start:end] = [None] * (end - start)
        yield chunk
    items.clear()


def page_fields(page: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The page's feedback rows with only `names`: a transformer reads a few fields, and converting the few
    columns it needs from the Arrow page is a fraction of converting all of them. Side rows give nothing."""
    if isinstance(page, pa.Table):
        return page.select([name for name in names if name in page.column_names]).to_pylist()
    return good(page)


_check_feedback_fields = record_checker(
    vendor=settings.NAME,
    endpoint=settings.FEEDBACKS_ENDPOINT,
    kind="feedback",
    timestamps=settings.FEEDBACK_TIMESTAMPS,
    cursor="updatedAt",
    integer_fields=("voteCount", "commentCount"),
)


def check_feedback(record: Any, account: str) -> dict[str, Any] | QuarantineRecord:
    """A loadable feedback (id, parsed timestamps, integer counts) or a quarantine row saying why not.

    `totalMrr` is always a float (or null): the API may send `10` for one item and `9.99` for the next, and one
    chunk of whole numbers must not give the column an integer type the next chunk's decimals conflict with.
    """
    checked = _check_feedback_fields(record, account)
    if isinstance(checked, QuarantineRecord):
        return checked
    mrr = checked.get("totalMrr")
    if mrr is not None and not isinstance(mrr, float):
        if isinstance(mrr, int) and not isinstance(mrr, bool):
            checked["totalMrr"] = float(mrr)
        else:
            return quarantine_record(
                vendor=settings.NAME,
                account=account,
                endpoint=settings.FEEDBACKS_ENDPOINT,
                reason=f"totalMrr is not a number: {mrr!r}",
                payload=record,
                record_id=str(checked["id"]),
            )
    return checked


def comments_signature(feedback: dict[str, Any]) -> str:
    """What changes when a feedback's comments can have changed: its count, or its own fields (a merge)."""
    return signature(feedback.get("commentCount"), feedback.get("updatedAt"))


def votes_signature(feedback: dict[str, Any]) -> str:
    """What a vote observation records: votes, voter MRR and the stage (a status change or a merge)."""
    return signature(feedback.get("voteCount"), feedback.get("totalMrr"), status_type(feedback))


def status_type(feedback: dict[str, Any]) -> str | None:
    """The status the stage mapping reads: `merged` for a merged item (its own status is kept as status_name)."""
    return "merged" if feedback.get("mergedIntoId") else feedback.get("status")


def observation(feedback: dict[str, Any], account: str, as_of: datetime) -> dict[str, Any]:
    """The feedback's votes, voter MRR and stage as observed now, in the shared vote-observation shape.

    FeedbackKit cannot list voters, so there is no voter set: dbt turns consecutive counts into count changes.
    """
    return vote_observation(
        account=account,
        feedback_id=feedback["id"],
        observed_at=as_of,
        vote_count=feedback.get("voteCount"),
        status=feedback.get("status"),
        status_type=status_type(feedback),
        feedback_updated_at=feedback.get("updatedAt"),
        mrr=feedback.get("totalMrr"),
    )


def forget_comments(remembered: dict[str, str], feedback_id: str, served: list[dict[str, Any]]) -> list[str]:
    """Ids of the feedback's earlier comments that are no longer served; the served ones are remembered.

    `remembered` maps feedback id -> its loaded comment ids (space-separated, in source state): the only way
    to know which comments to mark deleted when a feedback's comments shrink or its commentCount drops to 0,
    since the API lists no deletions and a feedback without comments is never asked for them.
    """
    earlier = set(remembered.get(feedback_id, "").split())
    now = {str(comment["id"]) for comment in served}
    if now:
        remembered[feedback_id] = " ".join(sorted(now))
    else:
        remembered.pop(feedback_id, None)
    return sorted(earlier - now)


def feedback_comments(
    client: VendorClient, feedback: dict[str, Any], account: str
) -> list[dict[str, Any] | QuarantineRecord] | None:
    """The feedback's comments, oldest first, each tagged with its feedback and position; None when the
    feedback is gone (404 between the list and this call)."""
    feedback_id = str(feedback["id"])
    try:
        comments = client.get(
            settings.COMMENTS_PATH.format(feedback_id=feedback_id), endpoint=settings.COMMENTS_ENDPOINT
        )
    except NotFoundError:
        return None
    return check_children(
        comments if isinstance(comments, list) else [],
        vendor=settings.NAME,
        account=account,
        endpoint=settings.COMMENTS_ENDPOINT,
        kind="comment",
        timestamps=settings.COMMENT_TIMESTAMPS,
        parent={"feedback_id": feedback_id},
    )


def check_credentials(api_key: str, base_url: str, account: str) -> None:
    """One tiny authenticated call (at most 2 attempts); raises a one-line, key-free SourceError.

    The list would be the whole project, so a detail of an id that cannot exist is asked instead: the API
    checks the key (401/402/403) before it looks the id up, so a 404 means the key and the URL are right.
    """
    client = make_client(api_key, base_url, account, None, None, max_attempts=2)
    try:
        client.get(settings.FEEDBACK_PATH.format(feedback_id=_NO_SUCH_FEEDBACK), endpoint=settings.FEEDBACK_ENDPOINT)
    except NotFoundError:
        return
    except ApiError as exc:
        if exc.status == 402:
            raise _tier_limit(exc) from None
        raise
    finally:
        client.close()
