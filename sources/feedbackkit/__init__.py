"""FeedbackKit: every feedback of a project (vote counts, voter MRR, merges), their observed votes and comments."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from sources.common import scan, state
from sources.common.arrow import rows_to_table
from sources.common.http import RequestStats
from sources.common.observations import DELETIONS_HINTS, VOTE_OBSERVATIONS_HINTS, deletion
from sources.common.quarantine import parse_timestamp
from sources.common.routing import good, route, to_side_table
from sources.feedbackkit import helpers, settings

# What the source remembers per feedback id between runs (dlt source state, sources/common/state.py):
FEEDBACKS = "feedbacks"  # commentCount|updatedAt: which feedbacks' comments can have changed
VOTES = "feedback_votes"  # voteCount|totalMrr|stage: which feedbacks need a new vote observation
COMMENT_IDS = "feedback_comments"  # the comment ids loaded per feedback: which comments are gone


@dlt.source(name="feedbackkit", max_table_nesting=0)
def feedbackkit_source(
    api_key: str = dlt.secrets.value,
    base_url: str = settings.DEFAULT_BASE_URL,
    account: str = "default",
    detail_concurrency: int = settings.DETAIL_CONCURRENCY,
    rate_limit_per_minute: int = settings.RATE_LIMIT_PER_MINUTE,
    chunk_size: int = settings.CHUNK_SIZE,
    max_attempts: int = settings.MAX_ATTEMPTS,
    reconcile: bool = False,
    as_of: str | None = None,
    request_stats: Any = None,
) -> Sequence[DltResource]:
    """FeedbackKit feedback, vote observations and comments for one project (one API key = one `account`).

    Args:
        api_key: the project's API key (secret; sent as `X-API-Key`, never logged or stored).
        base_url: API root including `/api/v1`; the production URL by default, the sandbox in tests and the demo.
        account: the configured account name, written to every row as `source_account` and part of every key.
        detail_concurrency: parallel comment calls.
        rate_limit_per_minute: client-side ceiling (0 = none: FeedbackKit documents no limit; 429s still wait).
        chunk_size: rows per chunk the one list response is shaped and handed to dlt in.
        max_attempts: attempts per request before a transient failure (5xx, a cut-off body) fails the run.
        reconcile: also re-read the comments of every feedback that has any (count-neutral changes, e.g. one
            comment deleted and another added between runs, are invisible to the incremental signature).
        as_of: the run's logical time (ISO 8601), stamped on vote observations and deletions; default now.
        request_stats: a `RequestStats` to count requests into (the run summary reads it).

    Nested values (`mergedFeedbackIds`) land as JSON columns; new top-level fields become new columns.
    """
    stats = request_stats if isinstance(request_stats, RequestStats) else RequestStats()
    client = helpers.make_client(api_key, base_url, account, stats, rate_limit_per_minute, max_attempts)
    observed_at = parse_timestamp(as_of) if as_of else datetime.now(UTC)

    @dlt.resource(name="feedbacks", primary_key=("source_account", "id"), write_disposition="merge")
    def feedbacks() -> Iterator[Any]:
        """One row per feedback, merged ones included (`includeMerged=true`), from exactly one request per run.

        The list is complete every run (no pagination, no filter), so there is no cursor: every feedback is
        merged on (source_account, id) and one the list no longer holds is recorded as deleted. The array is
        shaped in chunks, each chunk's raw items released once shaped (one copy of the data at a time), and each
        chunk goes to dlt as one Arrow table.
        """
        if reconcile:  # forget the comment signatures: every feedback with comments has them re-read
            remembered = state.seen(FEEDBACKS)
            for feedback_id in remembered:
                remembered[feedback_id] = ""
        chunks = helpers.drain_chunks(helpers.fetch_feedbacks(client), chunk_size)
        check = lambda record: helpers.check_feedback(record, account)  # noqa: E731
        yield from scan.scan(
            chunks,
            check,
            kind=FEEDBACKS,
            entity="feedback",
            account=account,
            as_of=observed_at,
            complete=True,
            as_arrow=True,
            whole_list=True,  # an unchanged feedback is not written again (a reconcile run writes them all)
            rewrite=reconcile,
        )
        listed = state.seen(FEEDBACKS)  # after the scan: exactly the ids this run listed
        for kind in (VOTES, COMMENT_IDS):
            remembered = state.seen(kind)
            for feedback_id in [f for f in remembered if f not in listed]:
                del remembered[feedback_id]

    @dlt.transformer(name="feedback_votes", data_from=feedbacks)
    def feedback_votes(page: Any) -> Iterator[Any]:
        """Vote observations: one row per feedback whose voteCount, totalMrr or stage differs from what the last
        run observed (every feedback on the first run), stamped with the run's logical time.

        FeedbackKit has no vote history and no voter lists, and a vote does not move `updatedAt`: the counts are
        compared every run, and dbt's shared vote-history models turn consecutive observations into count
        changes. An unchanged feedback adds no row (its last observation still holds).
        """
        remembered = state.seen(VOTES)
        observations = []
        for feedback in helpers.page_fields(page, helpers.VOTE_FIELDS):
            feedback_id, current = str(feedback["id"]), helpers.votes_signature(feedback)
            if remembered.get(feedback_id) != current:
                remembered[feedback_id] = current
                observations.append(helpers.observation(feedback, account, observed_at))
        if observations:  # one Arrow table per chunk: the first run observes every feedback
            yield to_side_table(rows_to_table(observations)[0], VOTE_OBSERVATIONS_HINTS)

    @dlt.transformer(
        name="comments", data_from=feedbacks, primary_key=("source_account", "id"), write_disposition="merge"
    )
    def comments(page: Any) -> Iterator[Any]:
        """One row per comment (feedback_id, position), fetched only for feedbacks that are new or whose
        commentCount or updatedAt changed since the last run, concurrently.

        A feedback whose commentCount is 0 is never asked: its earlier comments, if any, are recorded as deleted,
        as are earlier comments a re-read no longer lists. A 404 means the feedback was deleted after the list
        was read. Merged on (source_account, id).
        """
        changed = scan.changed_details(
            client,
            helpers.page_fields(page, helpers.COMMENT_FIELDS),
            kind=FEEDBACKS,
            signature=helpers.comments_signature,
            fetch=lambda feedback: helpers.feedback_comments(client, feedback, account),
            concurrency=detail_concurrency,
            needs_detail=lambda feedback: bool(feedback.get("commentCount")),
        )
        remembered = state.seen(COMMENT_IDS)
        rows: list[Any] = []
        gone: list[str] = []
        for feedback, found in changed.found:
            rows.extend(found or [])
            gone.extend(helpers.forget_comments(remembered, str(feedback["id"]), good(found or [])))
        for feedback in changed.gone:
            remembered.pop(str(feedback["id"]), None)
        yield from route(rows, as_arrow=True)
        if gone:
            yield to_side_table([deletion(account, "comment", c, observed_at) for c in gone], DELETIONS_HINTS)
        yield from scan.deletions_of(FEEDBACKS, "feedback", [f["id"] for f in changed.gone], account, observed_at)

    return (feedbacks, feedback_votes, comments)
