"""What a source remembers between runs about each record it loaded: a signature per id, in dlt source state.

A signature is whatever changes when the record changes (`updatedAt`, `upvotes|updatedAt`, `commentCount|
updatedAt`). Signatures decide which detail calls a run needs (only records whose signature changed) and, after
a complete list scan, which records are gone (remembered but no longer listed). dlt commits source state with
the load package, so signatures advance exactly when the rows that justify them are loaded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dlt

#: the key under the source's dlt state that holds {kind: {id: signature}}; the runner's full refresh clears it
SEEN_STATE_KEY = "seen"


def seen(kind: str) -> dict[str, str]:
    """Signatures of the records of `kind` loaded so far (id -> signature), in the current source's state."""
    return dlt.current.source_state().setdefault(SEEN_STATE_KEY, {}).setdefault(kind, {})


def forget(source_state: dict[str, Any]) -> None:
    """Drop every remembered signature of a source (a full refresh re-reads and re-details everything)."""
    source_state.pop(SEEN_STATE_KEY, None)


def signature(*values: Any) -> str:
    """A compact signature of the values that change when a record changes (state is stored every run)."""
    return "|".join("" if v is None else (v.isoformat() if isinstance(v, datetime) else str(v)) for v in values)
