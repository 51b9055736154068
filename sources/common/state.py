"""What a source remembers between runs about each record it loaded: a signature per id, in dlt source state.

A signature is whatever changes when the record changes (`updatedAt`, `upvotes|updatedAt`, `commentCount|
updatedAt`). Signatures decide which detail calls a run needs (only records whose signature changed) and, after
a complete list scan, which records are gone (remembered but no longer listed). dlt commits source state with
the load package, so signatures advance exactly when the rows that justify them are loaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import dlt
import orjson

#: the key under the source's dlt state that holds {kind: {id: signature}}; the runner's full refresh clears it
SEEN_STATE_KEY = "seen"
#: {kind: {id: digest of the record as last written}}: lists a vendor serves whole every run (lookups, FeedbackKit's
#: one array) write only the records that changed, so an hourly run with nothing new loads no rows and rebuilds
#: nothing (pipelines/build_plan.py)
WRITTEN_STATE_KEY = "written"


def seen(kind: str) -> dict[str, str]:
    """Signatures of the records of `kind` loaded so far (id -> signature), in the current source's state."""
    return dlt.current.source_state().setdefault(SEEN_STATE_KEY, {}).setdefault(kind, {})


def forget(source_state: dict[str, Any]) -> None:
    """Drop every remembered signature of a source (a full refresh re-reads and re-details everything)."""
    source_state.pop(SEEN_STATE_KEY, None)
    source_state.pop(WRITTEN_STATE_KEY, None)


def written(kind: str) -> dict[str, str]:
    """Digests of the records of `kind` as last written (id -> digest), in the current source's state."""
    return dlt.current.source_state().setdefault(WRITTEN_STATE_KEY, {}).setdefault(kind, {})


def digest(record: Any) -> str:
    """A short stable digest of a record's content (16 hex characters: 2^-64 odds that a change goes unseen)."""
    return hashlib.blake2b(orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS), digest_size=8).hexdigest()


def unwritten(
    kind: str, records: Iterable[Any], record_id: Callable[[Any], Any], *, keep_all: bool = False
) -> list[Any]:
    """The records whose content differs from what was last written for their id (new ones included), or all
    of them with `keep_all` (a reconcile run writes everything it lists); every digest is remembered (dlt
    commits them with the load, so a failed load writes them again next run). A record without an id always
    counts as changed."""
    remembered = written(kind)
    out = []
    for record in records:
        key = record_id(record)
        if key is None:
            out.append(record)
            continue
        key, value = str(key), digest(record)
        if remembered.get(key) != value or keep_all:
            remembered[key] = value
            out.append(record)
    return out


def signature(*values: Any) -> str:
    """A compact signature of the values that change when a record changes (state is stored every run)."""
    return "|".join("" if v is None else (v.isoformat() if isinstance(v, datetime) else str(v)) for v in values)
