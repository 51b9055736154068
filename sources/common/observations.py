"""The canonical rows every vendor writes for what it cannot fetch as history: vote observations and deletions.

No vendor API gives vote timestamps, so each run observes vote counts (and the voter set where the vendor lists
voters) and dbt's shared vote-history models turn consecutive observations into vote events. Deletions are
recorded when a complete scan no longer lists a record the source remembers (or a detail answers 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sources.common.quarantine import SideRecord
from sources.common.routing import side_table

VOTE_OBSERVATIONS_TABLE = "vote_observations"
DELETIONS_TABLE = "deletions"
VOTE_OBSERVATIONS_HINTS = side_table(
    VOTE_OBSERVATIONS_TABLE,
    ("source_account", "feedback_id", "observed_at"),
    {
        "source_account": "text",
        "feedback_id": "text",
        "observed_at": "timestamp",
        "vote_count": "bigint",
        "voter_ids": "json",
        "voters_complete": "bool",
        "status": "text",
        "status_type": "text",
        "feedback_updated_at": "timestamp",
        "mrr": "double",
    },
)
DELETIONS_HINTS = side_table(
    DELETIONS_TABLE,
    ("source_account", "entity", "id"),
    {"source_account": "text", "entity": "text", "id": "text", "deleted_at": "timestamp"},
)


def vote_observation(
    *,
    account: str,
    feedback_id: str,
    observed_at: datetime,
    vote_count: int | None,
    voter_ids: Iterable[str] | None = None,
    status: str | None = None,
    status_type: str | None = None,
    feedback_updated_at: datetime | None = None,
    mrr: float | None = None,
) -> dict[str, Any]:
    """One observed state of a feedback item: its vote count, its complete voter set when the vendor lists
    voters (None otherwise), its status, and the MRR behind it when the vendor reports one. Merged on (account,
    feedback, observed_at): re-running at the same logical time overwrites instead of adding."""
    return {
        "source_account": account,
        "feedback_id": str(feedback_id),
        "observed_at": observed_at,
        "vote_count": vote_count,
        "voter_ids": sorted(str(v) for v in voter_ids) if voter_ids is not None else None,
        "voters_complete": voter_ids is not None,
        "status": status,
        "status_type": status_type,
        "feedback_updated_at": feedback_updated_at,
        "mrr": mrr,
    }


def deletion(account: str, entity: str, record_id: str, as_of: datetime) -> SideRecord:
    """A record gone from the vendor: soft-deleted in the marts from `as_of` on (rows are never dropped)."""
    return SideRecord(source_account=account, entity=entity, id=str(record_id), deleted_at=as_of)
