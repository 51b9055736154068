"""A generated Product7 workspace: members, ticket statuses, tickets with their activity timelines, feedback, a
clock and the mutations tests, the demo and the fault recipes apply (the HTTP side is `sandbox.product7.app`).

Contract: ../shared/VENDORS.md "Product7" (seed 000). What the docs leave open is fixed here, once:

- A ticket's `description` is its opening request and is NOT repeated as an activity; the timeline holds what
  happened afterwards (a brand-new ticket has no activities and `last_activity_at == created_at`).
- Ticket fields always agree with the timeline: `status` is the last `status_change`'s target (the workspace
  default "Open" before any), `stage` follows the last state change (a status change moves the stage to that
  status's stage, a `stage_change` sets it directly, so "In progress" + `waiting_on_customer` is possible),
  `assignees` the last `assignment`, `priority` the last `priority_change`, and `last_activity_at` (= `updated_at`)
  the last activity's timestamp.
- Hard cases a source must survive are always generated (a test asserts each): tickets no member ever answered,
  bot and system activities before the first human reply, bots posting `reply` as well as `comment` (the author
  decides, not the type), internal notes before the first reply, customer comments, closes and reopens with
  reopen chains, status changes by system authors (auto-close, reopen on a customer reply), a final stage the
  contract does not list (`on_hold`) and duplicate titles.
- Ids: uuids come from per-kind counters (md5 of kind and counter), so two workspaces generated the same way share
  ticket, activity and feedback uuids, deliberately (loaders must key on the account, as for Featurebase); only the
  workspace's own id (`/api/v1/me`) differs, derived from the account name.

Everything is deterministic for a seed: generation uses `random.Random(seed)` (feedback its own generator, see
`sandbox.product7.feedback`) and a clock that starts at a fixed instant and only moves on `advance` or a mutation
(each moves it >= 1 s, so its timestamps are strictly newer than anything before).
"""

from __future__ import annotations

import gc
import hashlib
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sandbox.framework.ids import from_ms, iso_ms, to_ms
from sandbox.product7.feedback import FeedbackStore

DEFAULT_NOW = datetime(2026, 11, 1, tzinfo=UTC)
SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

FIRST_NUMBER = 1001
STAGES = ("open", "in_progress", "waiting_on_customer", "resolved", "closed")
UNKNOWN_STAGE = "on_hold"  # not in the documented enum: sources must load it anyway
PRIORITIES = ("low", "medium", "high", "urgent")
ACTIVITY_TYPES = ("comment", "reply", "internal_note", "status_change", "stage_change", "assignment", "priority_change")
AUTHOR_KINDS = ("customer", "member", "bot", "system")
HARD_CASES = (
    "no_member_reply",
    "bot_before_first_reply",
    "system_before_first_reply",
    "bot_reply_type",
    "bot_comment_type",
    "member_comment_type",
    "note_before_first_reply",
    "customer_comment",
    "closed_and_reopened",
    "reopen_chain",
    "system_status_change",
    "unknown_stage",
    "duplicate_title",
)

# name, color_code, icon_name, closes_ticket, stage it puts the ticket in (the stage is not served on a status)
_STATUS_SPEC = [
    ("Open", "#3B82F6", "circle", False, "open"),
    ("In progress", "#F59E0B", "loader", False, "in_progress"),
    ("Waiting on customer", "#8B5CF6", "hourglass", False, "waiting_on_customer"),
    ("Escalated", "#EF4444", "alert-triangle", False, "in_progress"),
    ("Resolved", "#10B981", "check-circle", True, "resolved"),
    ("Closed", "#6B7280", "archive", True, "closed"),
]
_STATUS_STAGE = {name: stage for name, *_, stage in _STATUS_SPEC}
_CLOSING = {name for name, _, _, closes, _ in _STATUS_SPEC if closes}
_TYPES = ["Question", "Bug", "Billing", "Feature request"]

_FIRST = ["Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Liam"]
_FIRST += ["Maya", "Nils", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Yara"]
_LAST = ["Ahmed", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski"]
_LAST += ["Larsen", "Moreau", "Novak", "Okafor", "Park", "Rossi", "Schmidt", "Tanaka", "Usman", "Weber", "Zhang"]
_DOMAINS = ["acme.example", "globex.example", "initech.example", "hooli.example", "wayne.example", "mail.example"]
_ISSUES = [
    "Cannot log in after password reset",
    "CSV export times out",
    "Invoice total is wrong",
    "Webhook deliveries failing",
    "SSO redirect loop",
    "Widget does not load on Safari",
    "Refund for duplicate charge",
    "How do I change my plan?",
    "Notification emails not arriving",
    "API returns 500 on ticket update",
    "Board page is blank",
    "Cannot invite teammates",
    "Slack integration disconnected",
    "Search returns no results",
    "Data import stuck at 99%",
    "Custom domain SSL error",
]
_QUALIFIERS = ["", "", "", " after update", " since yesterday", " for some users", " on mobile"]
_CUSTOMER_LINES = [
    "Any update on this?",
    "Still happening for us, screenshot attached.",
    "Thanks, that fixed it!",
    "I tried that but it did not help.",
    "Could you look into this today? Our team is blocked.",
    "Here are the steps to reproduce.",
    "It is back again, sorry to reopen this.",
]
_MEMBER_LINES = [
    "Thanks for reaching out! Let me look into this.",
    "Could you share the browser and version you are using?",
    "We shipped a fix, could you try again?",
    "I have escalated this to our engineering team.",
    "Glad it works now. Anything else I can help with?",
    "Sorry for the trouble, I have applied a credit to your account.",
]
_NOTES = [
    "Customer is on the Enterprise plan, prioritise.",
    "Linked to bug ENG-{n}.",
    "Checked the logs: token expired.",
]
_BOT_LINES = [
    "Hi! I'm Sevi, the Product7 assistant. While you wait, these articles might help.",
    "Thanks, we received your request. A teammate will reply soon.",
]
_TAGS = ["billing", "bug", "churn-risk", "onboarding", "vip", "integration", "sso"]
SYSTEM_AUTHOR: dict[str, Any] = {"id": None, "name": "Product7", "email": None, "kind": "system"}


def make_uuid(kind: str, key: int | str) -> str:
    """A random-looking but deterministic version-4-shaped uuid for (kind, key)."""
    h = hashlib.md5(f"{kind}:{key}".encode(), usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def slugify(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)


@dataclass
class _State:
    """Conversation state behind a ticket (never served), so generation and mutations continue it plausibly."""

    customer: int
    created_ms: int
    status: str = "Open"
    stage: str = "open"
    priority: str = "medium"
    assignees: tuple[str, ...] = ()
    member_replied: bool = False
    last_by: str = "customer"  # who spoke last: customer | member (bots and notes do not count)

    @property
    def closed(self) -> bool:
        return self.status in _CLOSING


class _Stop(Exception):
    """The timeline reached the workspace clock: the rest has not happened yet."""


# ------------------------------------------------------------------------------------------- workspace
class Product7Workspace:
    """One Product7 workspace: reference data, tickets, activities, feedback, a clock and mutation methods.

    Thread-safe: readers and mutations share one lock; ticket, activity and feedback dicts (and activity lists)
    are replaced, never mutated in place, so a response being serialised never sees half a mutation.
    """

    def __init__(self, workspace_id: str, seed: int, now: datetime) -> None:
        self.workspace_id = workspace_id
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._counters: Counter[str] = Counter()
        self._now_ms = to_ms(now)
        domain = slugify(workspace_id) or "workspace"
        self._info = {
            "id": make_uuid("workspace", workspace_id),
            "name": f"{domain.replace('-', ' ').title()} Inc.",
            "domain": domain,
        }
        self._members: list[dict[str, Any]] = []
        self._member_author: dict[str, dict[str, Any]] = {}
        self._member_ref: dict[str, dict[str, Any]] = {}
        self._statuses: list[dict[str, Any]] = []
        self._status_by_name: dict[str, dict[str, Any]] = {}
        self._status_ref: dict[str, dict[str, Any]] = {}
        self._types: list[dict[str, Any]] = []
        self.customers: list[dict[str, Any]] = []
        self.bot: dict[str, Any] = {}
        self._tickets: dict[str, dict[str, Any]] = {}  # uuid -> list item as served
        self._descriptions: dict[str, str] = {}
        self._activities: dict[str, list[dict[str, Any]]] = {}
        self._states: dict[str, _State] = {}
        self._deleted: dict[str, dict[str, Any]] = {}
        self._malformed: list[dict[str, Any]] = []
        self._malformed_info: list[dict[str, Any]] = []
        self._unknown_field: str | None = None
        self._order: list[dict[str, Any]] | None = None
        self._next_number = FIRST_NUMBER
        self.feedback = FeedbackStore(self)

    # -------------------------------------------------------------------------------------- helpers
    def _uuid(self, kind: str) -> str:
        self._counters[kind] += 1
        return make_uuid(kind, self._counters[kind])

    @property
    def now(self) -> datetime:
        """The workspace clock (never real time)."""
        return from_ms(self._now_ms)

    def advance(self, seconds: float) -> str:
        """Move the clock forward; returns the new time (ISO)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._now_ms += int(round(seconds * 1000))
            return iso_ms(self._now_ms)

    def _tick(self) -> int:
        """Every mutation moves the clock >= 1 s so its timestamps are strictly newer than anything before."""
        self._now_ms += SECOND
        return self._now_ms

    # ------------------------------------------------------------------------------------ public reads
    @property
    def workspace_info(self) -> dict[str, Any]:
        """`data.workspace` of `GET /api/v1/me`."""
        return self._info

    @property
    def members(self) -> list[dict[str, Any]]:
        """`data` of `GET /api/v1/workspace/members`."""
        return self._members

    @property
    def statuses(self) -> list[dict[str, Any]]:
        """`data` of `GET /api/v1/ticket-statuses` (by position)."""
        return self._statuses

    def list_tickets_all(self) -> list[dict[str, Any]]:
        """Every list item in served order (malformed records first, then `last_activity_at` desc, `uuid` desc)."""
        with self._lock:
            return list(self._sorted())

    def list_tickets_page(
        self, page: int, page_size: int, filters: dict[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """(items on page `page`, total matching) in served order, after the documented filters."""
        with self._lock:
            items = self._sorted()
            if filters:
                items = [t for t in items if _ticket_matches(t, filters)]
            start = (page - 1) * page_size
            return items[start : start + page_size], len(items)

    def ticket_detail(self, uuid: str) -> dict[str, Any] | None:
        """`data` of `GET /api/v1/tickets/{uuid}`: the list item plus description and activities; None if gone."""
        with self._lock:
            item = self._tickets.get(uuid)
            if item is not None:
                return {**item, "description": self._descriptions[uuid], "activities": self._activities[uuid]}
            for bad in self._malformed:
                if bad.get("uuid") == uuid:
                    return {**bad, "description": bad["title"], "activities": []}
            return None

    def feedback_items(self) -> list[dict[str, Any]]:
        """Every feedback item as served, newest first (the default sort)."""
        return self.feedback.items()

    def ticket_on_page(self, page: int, page_size: int = 50, index: int = 0) -> str | None:
        """The uuid of the `index`-th ticket on page `page` right now (for the mid-scan fault recipes)."""
        with self._lock:
            items, _ = self.list_tickets_page(int(page), int(page_size))
            return items[int(index)].get("uuid") if int(index) < len(items) else None

    def _sorted(self) -> list[dict[str, Any]]:
        if self._order is None:
            live = sorted(self._tickets.values(), key=lambda t: (t["last_activity_at"], t["uuid"]), reverse=True)
            self._order = [*self._malformed, *live]
        return self._order

    # ----------------------------------------------------------------------------------- reference data
    def _build_reference(self, n_customers: int) -> None:
        rng = self._rng
        domain = self._info["domain"]
        used: set[str] = set()
        while len(self._members) < 6:
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            if f"{first} {last}" in used:
                continue
            used.add(f"{first} {last}")
            mid = self._uuid("member")
            email = f"{first.lower()}.{last.lower()}@{domain}.example"
            member = {
                "id": mid,
                "full_name": f"{first} {last}",
                "email": email,
                "picture": f"https://cdn.product7.io/avatars/{mid}.png" if rng.random() < 0.8 else None,
            }
            self._members.append(member)
            self._member_author[mid] = {"id": mid, "name": member["full_name"], "email": email, "kind": "member"}
            self._member_ref[mid] = {"id": mid, "full_name": member["full_name"], "email": email}
        positions = list(range(1, len(_STATUS_SPEC) + 1))
        for position, (name, color, icon, closes, _) in zip(positions, _STATUS_SPEC, strict=True):
            status = {
                "id": self._uuid("ticket_status"),
                "name": name,
                "color_code": color,
                "icon_name": icon,
                "closes_ticket": closes,
                "position": position,
            }
            self._statuses.append(status)
            self._status_by_name[name] = status
            self._status_ref[name] = {"id": status["id"], "name": name, "closes_ticket": closes}
        self._types = [{"id": self._uuid("ticket_type"), "name": n} for n in _TYPES]
        self.bot = {"id": self._uuid("bot"), "name": "Sevi", "email": None, "kind": "bot"}
        for i in range(n_customers):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            self.customers.append(
                {
                    "id": self._uuid("customer"),
                    "name": f"{first} {last}",
                    "email": f"{first.lower()}.{last.lower()}{i}@{rng.choice(_DOMAINS)}",
                    "kind": "customer",
                }
            )

    def status_id(self, name: str) -> str:
        """The id of the status called `name` (tests and recipes name statuses, clients see ids)."""
        return self._status_by_name[name]["id"]

    # ------------------------------------------------------------------------------------------ tickets
    def _new_ticket(
        self, rng: random.Random, created_ms: int, title: str | None = None
    ) -> tuple[dict[str, Any], _State, str]:
        number = self._next_number
        self._next_number += 1
        cust = rng.randrange(len(self.customers))
        customer = self.customers[cust]
        title = title or rng.choice(_ISSUES) + rng.choice(_QUALIFIERS)
        priority = rng.choices(PRIORITIES, weights=(25, 45, 22, 8))[0]
        ticket_type = rng.choice(self._types) if rng.random() < 0.8 else None
        ts = iso_ms(created_ms)
        item = {
            "id": f"T-{number}",
            "uuid": self._uuid("ticket"),
            "number": number,
            "title": title,
            "stage": "open",
            "priority": priority,
            "type": dict(ticket_type) if ticket_type else None,
            "requester": {"name": customer["name"], "email": customer["email"]},
            "status": self._status_ref["Open"],
            "assignees": [],
            "tags": sorted(rng.sample(_TAGS, rng.choices([0, 1, 2], weights=(45, 40, 15))[0])),
            "created_at": ts,
            "updated_at": ts,
            "last_activity_at": ts,
        }
        description = f"{title}. Reported by {customer['name']} via {rng.choice(['email', 'widget', 'portal'])}."
        return item, _State(customer=cust, created_ms=created_ms, priority=priority), description

    def _finish(self, item: dict[str, Any], state: _State, acts: list[dict[str, Any]]) -> dict[str, Any]:
        """A new list item whose status/stage/priority/assignees/times agree with the timeline."""
        last = acts[-1]["timestamp"] if acts else item["created_at"]
        return {
            **item,
            "stage": state.stage,
            "priority": state.priority,
            "status": self._status_ref[state.status],
            "assignees": [self._member_ref[m] for m in state.assignees],
            "updated_at": max(item["updated_at"], last),
            "last_activity_at": last,
        }

    def _store(self, uuid: str, item: dict[str, Any], state: _State, acts: list[dict[str, Any]]) -> None:
        item = self._finish(item, state, acts)
        if self._unknown_field:
            item[self._unknown_field] = round(self._rng.uniform(-1, 1), 3)
        self._tickets[uuid] = item
        self._activities[uuid] = acts
        self._states[uuid] = state
        self._order = None

    def _generate(self, n_tickets: int, exchanges: float) -> None:
        rng = self._rng
        self._build_reference(max(20, n_tickets // 3))
        now = self._now_ms
        created = sorted(now - rng.randint(HOUR, 120 * DAY) for _ in range(n_tickets))
        # The hard cases are forced onto old tickets (their timelines finish before the clock); random ones follow.
        old = [i for i, c in enumerate(created) if c < now - 30 * DAY]
        forced = dict(zip(rng.sample(old, min(len(old), len(_FORCED))), _FORCED, strict=False))
        first_title: str | None = None
        for i, created_ms in enumerate(created):
            script = forced.get(i)
            title = first_title if script == "duplicate_title" else None
            item, state, description = self._new_ticket(rng, created_ms, title)
            first_title = first_title or item["title"]
            timeline = _Timeline(self, rng, state, created_ms, now, [])
            timeline.run_full(script, exchanges)
            uuid = item["uuid"]
            self._descriptions[uuid] = description
            self._tickets[uuid] = self._finish(item, state, timeline.acts)
            self._activities[uuid] = timeline.acts
            self._states[uuid] = state

    # ---------------------------------------------------------------------------------------- mutations
    def _live(self, uuid: str) -> tuple[dict[str, Any], _State, list[dict[str, Any]]]:
        if uuid not in self._tickets:
            raise KeyError(f"ticket {uuid} does not exist or was deleted")
        return self._tickets[uuid], replace(self._states[uuid]), list(self._activities[uuid])

    def _pick(self, rng: random.Random, n: int, weight: Callable[[_State], float]) -> list[str]:
        """`n` distinct live tickets drawn without replacement by `weight` (Efraimidis-Spirakis keys)."""
        keyed = []
        for uuid in sorted(self._tickets):
            keyed.append((rng.random() ** (1.0 / weight(self._states[uuid])), uuid))
        keyed.sort(reverse=True)
        return [uuid for _, uuid in keyed[: max(0, int(n))]]

    def _continue(self, uuids: Iterable[str], rng: random.Random, step: str) -> list[str]:
        uuids = list(uuids)
        missing = [u for u in uuids if u not in self._tickets]
        if missing:  # checked before anything changes: a mutation applies whole or not at all
            raise KeyError(f"unknown or deleted ticket(s): {', '.join(missing)}")
        now = self._tick()
        done = []
        for uuid in uuids:
            item, state, acts = self._live(uuid)
            start = len(acts)
            timeline = _Timeline(self, rng, state, now, 1 << 62, acts)
            getattr(timeline, step)()
            timeline.restamp(now, start)
            self._store(uuid, item, state, acts)
            done.append(uuid)
        return done

    def add_activity(self, n: int | None = None, uuids: list[str] | None = None, seed: int | None = None) -> list[str]:
        """The next plausible step on `n` live tickets (or on `uuids`): customer comments, member replies and
        notes, closes (never within an hour of creation) and reopens; returns the tickets' uuids.

        Each touched ticket's `last_activity_at`/`updated_at` becomes the clock, so it moves to page 1.
        """
        with self._lock:
            rng = random.Random(seed) if seed is not None else self._rng
            chosen = list(uuids) if uuids is not None else self._pick(rng, 1 if n is None else n, _queue_weight)
            return self._continue(chosen, rng, "continue_once")

    def touch_ticket(self, uuid: str) -> str:
        """One new activity on ticket `uuid` (a note if closed, else the next message), so it moves to page 1;
        returns the activity id."""
        with self._lock:
            self._continue([uuid], self._rng, "touch")
            return self._activities[uuid][-1]["id"]

    def change_ticket_status(self, n: int = 1, seed: int | None = None) -> list[str]:
        """Move `n` tickets to another status (auto-closes and reopens included); returns their uuids."""
        with self._lock:
            rng = random.Random(seed) if seed is not None else self._rng
            return self._continue(self._pick(rng, n, _status_weight), rng, "change_status")

    def add_tickets(self, n: int = 1) -> list[str]:
        """Create `n` tickets at the clock (status Open, no activity yet); returns their uuids."""
        with self._lock:
            now = self._tick()
            added = []
            for _ in range(int(n)):
                item, state, description = self._new_ticket(self._rng, now)
                self._descriptions[item["uuid"]] = description
                self._store(item["uuid"], item, state, [])
                added.append(item["uuid"])
            return added

    def delete_ticket(self, uuid: str) -> bool:
        """Delete a ticket: gone from the list, 404 on its detail, listed under truth()["deleted_tickets"]."""
        with self._lock:
            item = self._tickets.pop(uuid, None)
            if item is None:
                return False
            now = self._tick()
            self._deleted[uuid] = {"number": item["number"], "id": item["id"], "deleted_at": iso_ms(now)}
            for store in (self._descriptions, self._activities, self._states):
                store.pop(uuid, None)
            self._order = None
            return True

    def inject_malformed_tickets(self) -> list[int]:
        """Two broken list items served first: one without `uuid`, one whose `last_activity_at` does not parse;
        returns their numbers (they stay until the workspace is regenerated; truth() lists them as malformed)."""
        with self._lock:
            now = self._tick()
            batch, numbers = [], []
            for reason in ("missing_uuid", "invalid_last_activity_at"):
                item, _, _ = self._new_ticket(self._rng, now)
                if reason == "missing_uuid":
                    del item["uuid"]
                else:
                    item["last_activity_at"] = "not-a-timestamp"
                batch.append(item)
                self._malformed_info.append({"number": item["number"], "uuid": item.get("uuid"), "reason": reason})
                numbers.append(item["number"])
            self._malformed[:0] = batch
            self._order = None
            return numbers

    def add_unknown_field(self, name: str = "sentiment_score") -> str:
        """From now on, tickets touched by mutations carry an extra top-level field `name` (a float)."""
        with self._lock:
            self._tick()
            self._unknown_field = name
            return name

    # ------------------------------------------------------------------------------- feedback mutations
    # DECISION (VENDORS.md: no vote times): vote changes move `vote_count` only, never `updated_at`; a status
    # change, a new comment or a new item sets `updated_at` to the clock. Without `seed` they draw from the
    # feedback generator, never the tickets' one.
    def add_votes(self, n: int = 1, seed: int | None = None) -> list[str]:
        """Cast `n` votes (skewed to popular items); returns the item id per vote (repeats possible)."""
        return self.feedback.add_votes(n, seed)

    def remove_votes(self, n: int = 1, seed: int | None = None) -> list[str]:
        """Withdraw `n` votes from items that have some; returns the item id per vote withdrawn."""
        return self.feedback.remove_votes(n, seed)

    def change_feedback_status(self, n: int = 1, seed: int | None = None) -> list[str]:
        """Move `n` items to another status; returns their ids."""
        return self.feedback.change_status(n, seed)

    def add_feedback(self, n: int = 1, seed: int | None = None) -> list[str]:
        """Create `n` items at the clock (status open, no votes, no comments); returns their ids."""
        return self.feedback.add_items(n, seed)

    def add_feedback_comments(self, n: int = 1, seed: int | None = None) -> list[str]:
        """`n` new comments (comment_count + 1, updated_at = clock); returns the item id per comment."""
        return self.feedback.add_comments(n, seed)

    def delete_feedback(self, feedback_id: str) -> bool:
        """Delete an item (gone from every listing, in truth()["deleted_feedback"]); False if unknown."""
        return self.feedback.delete(feedback_id)

    # -------------------------------------------------------------------------------------------- truth
    def hard_cases(self) -> dict[str, list[str]]:
        """Ticket uuids per hard case (see HARD_CASES), found by scanning the served timelines."""
        with self._lock:
            found: dict[str, list[str]] = {case: [] for case in HARD_CASES}
            titles = Counter(t["title"] for t in self._tickets.values())
            for uuid in sorted(self._tickets):
                for case in _cases_of(self._tickets[uuid], self._activities[uuid], self._status_ref, titles):
                    found[case].append(uuid)
            return found

    def truth(self) -> dict[str, Any]:
        """Ground truth; deleted tickets and feedback are NOT in `tickets`/`feedback` but under `deleted_*`."""
        with self._lock:
            tickets: dict[str, Any] = {}
            types: Counter[str] = Counter()
            kinds: Counter[str] = Counter()
            for uuid in sorted(self._tickets):
                t = self._tickets[uuid]
                acts = self._activities[uuid]
                for a in acts:
                    types[a["type"]] += 1
                    kinds[a["author"]["kind"]] += 1
                tickets[uuid] = {
                    "number": t["number"],
                    "id": t["id"],
                    "title": t["title"],
                    "status_id": t["status"]["id"],
                    "status_name": t["status"]["name"],
                    "closes_ticket": t["status"]["closes_ticket"],
                    "stage": t["stage"],
                    "priority": t["priority"],
                    "assignee_ids": [a["id"] for a in t["assignees"]],
                    "activity_count": len(acts),
                    "created_at": t["created_at"],
                    "updated_at": t["updated_at"],
                    "last_activity_at": t["last_activity_at"],
                    "deleted": False,
                }
            return {
                "account": self.workspace_id,
                "workspace": dict(self._info),
                "seed": self.seed,
                "now": iso_ms(self._now_ms),
                "ticket_count": len(tickets),
                "tickets": tickets,
                "activity_count": sum(types.values()),
                "activity_types": dict(types),
                "author_kinds": dict(kinds),
                "deleted_tickets": {u: {**d, "deleted": True} for u, d in self._deleted.items()},
                "malformed": list(self._malformed_info),
                "unknown_field": self._unknown_field,
                "members": [m["id"] for m in self._members],
                "statuses": {s["id"]: {"name": s["name"], "closes_ticket": s["closes_ticket"]} for s in self._statuses},
                "hard_cases": {k: len(v) for k, v in self.hard_cases().items()},
                **self.feedback.truth(),
            }


_FORCED = (
    "unanswered",
    "bot_first",
    "bot_reply",
    "note_first",
    "member_comment",
    "reopen_chain",
    "reopen_chain",
    "on_hold",
    "duplicate_title",
)


def _queue_weight(state: _State) -> float:
    """How likely a ticket gets the next activity: support works its queue (unanswered first, then tickets where
    the customer spoke last); a closed ticket rarely hears from anyone again."""
    if state.closed:
        return 0.15
    if not state.member_replied:
        return 8.0
    return 5.0 if state.last_by == "customer" else 1.5


def _status_weight(state: _State) -> float:
    """Status changes land on open work and on resolved tickets (auto-close), almost never on closed ones."""
    if state.status == "Closed":
        return 0.05
    return 1.0 if state.closed else 2.0


def _ticket_matches(ticket: dict[str, Any], f: dict[str, Any]) -> bool:
    """The documented list filters (stage, priority, type name, tag, search in the title)."""
    if "stage" in f and ticket.get("stage") not in f["stage"]:
        return False
    if "priority" in f and ticket.get("priority") not in f["priority"]:
        return False
    if "type" in f and (ticket.get("type") or {}).get("name", "").lower() != f["type"]:
        return False
    if "tag" in f and f["tag"] not in ticket.get("tags", []):
        return False
    return not ("search" in f and f["search"] not in ticket.get("title", "").lower())


def _cases_of(
    ticket: dict[str, Any],
    acts: list[dict[str, Any]],
    status_ref: dict[str, dict[str, Any]],
    titles: Counter[str],
) -> list[str]:
    """Which hard cases one ticket exhibits (the author's kind decides who spoke, never the type)."""
    closing = {s["id"] for s in status_ref.values() if s["closes_ticket"]}
    cases = []
    human_reply = next(
        (i for i, a in enumerate(acts) if a["type"] in ("comment", "reply") and a["author"]["kind"] == "member"),
        None,
    )
    before = acts if human_reply is None else acts[:human_reply]
    if human_reply is None:
        cases.append("no_member_reply")
    else:
        if any(a["author"]["kind"] == "bot" for a in before):
            cases.append("bot_before_first_reply")
        if any(a["author"]["kind"] == "system" for a in before):
            cases.append("system_before_first_reply")
        if any(a["type"] == "internal_note" for a in before):
            cases.append("note_before_first_reply")
    kinds_types = {(a["author"]["kind"], a["type"]) for a in acts}
    if ("bot", "reply") in kinds_types:
        cases.append("bot_reply_type")
    if ("bot", "comment") in kinds_types:
        cases.append("bot_comment_type")
    if ("member", "comment") in kinds_types:
        cases.append("member_comment_type")
    if ("customer", "comment") in kinds_types:
        cases.append("customer_comment")
    if ("system", "status_change") in kinds_types:
        cases.append("system_status_change")
    moves = [a["changes"]["to_status_id"] in closing for a in acts if a["type"] == "status_change"]
    reopens = sum(1 for prev, cur in zip(moves, moves[1:], strict=False) if prev and not cur)
    if reopens >= 1:
        cases.append("closed_and_reopened")
    if reopens >= 2:
        cases.append("reopen_chain")
    if ticket["stage"] not in STAGES:
        cases.append("unknown_stage")
    if titles[ticket["title"]] > 1:
        cases.append("duplicate_title")
    return cases


# ------------------------------------------------------------------------------------------- timeline
class _Timeline:
    """Appends activities in time order and keeps the ticket state in step; stops (via _Stop) at the clock."""

    def __init__(
        self,
        ws: Product7Workspace,
        rng: random.Random,
        state: _State,
        start_ms: int,
        limit_ms: int,
        acts: list[dict[str, Any]],
    ) -> None:
        self.ws = ws
        self.rng = rng
        self.state = state
        self.t = start_ms
        self.limit = limit_ms
        self.acts = acts

    # ------------------------------------------------------------------ builders
    def _add(
        self,
        kind: str,
        delay_ms: int,
        author: dict[str, Any],
        content: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        t = self.t + max(SECOND, delay_ms)
        if t > self.limit:
            raise _Stop
        self.t = t
        act = {
            "id": self.ws._uuid("activity"),
            "type": kind,
            "content": content,
            "timestamp": iso_ms(t),
            "author": author,
            "changes": changes,
        }
        self.acts.append(act)
        return act

    def restamp(self, now: int, start: int) -> None:
        """Mutation activities (from index `start`): the last at the clock, earlier ones 1 ms apart before it."""
        new = self.acts[start:]
        for i, act in enumerate(new):
            self.acts[start + i] = {**act, "timestamp": iso_ms(now - (len(new) - 1 - i))}

    def _member(self) -> dict[str, Any]:
        """The assignee if any (support answers its own tickets), else any member."""
        ws = self.ws
        mid = self.state.assignees[0] if self.state.assignees else self.rng.choice(ws._members)["id"]
        return ws._member_author[mid]

    def customer_comment(self, delay: int) -> None:
        customer = self.ws.customers[self.state.customer]
        self._add("comment", delay, customer, self.rng.choice(_CUSTOMER_LINES))
        self.state.last_by = "customer"

    def member_message(self, delay: int, as_comment: bool = False) -> None:
        kind = "comment" if as_comment or self.rng.random() < 0.25 else "reply"
        self._add(kind, delay, self._member(), self.rng.choice(_MEMBER_LINES))
        self.state.member_replied = True
        self.state.last_by = "member"

    def bot_message(self, delay: int, kind: str) -> None:
        self._add(kind, delay, self.ws.bot, self.rng.choice(_BOT_LINES))

    def internal_note(self, delay: int) -> None:
        self._add("internal_note", delay, self._member(), self.rng.choice(_NOTES).format(n=self.rng.randint(100, 999)))

    def status(self, delay: int, name: str, author: dict[str, Any]) -> None:
        ws, st = self.ws, self.state
        changes = {"from_status_id": ws.status_id(st.status), "to_status_id": ws.status_id(name)}
        self._add("status_change", delay, author, None, changes)
        st.status = name
        st.stage = _STATUS_STAGE[name]

    def stage(self, delay: int, to: str, author: dict[str, Any]) -> None:
        self._add("stage_change", delay, author, None, {"from": self.state.stage, "to": to})
        self.state.stage = to

    def assign(self, delay: int, author: dict[str, Any]) -> None:
        chosen = [self.rng.choice(self.ws._members)["id"]]
        if self.rng.random() < 0.1:
            chosen.append(self.rng.choice([m["id"] for m in self.ws._members if m["id"] != chosen[0]]))
        self._add("assignment", delay, author, None, {"assignee_ids": chosen})
        self.state.assignees = tuple(chosen)

    def priority(self, delay: int) -> None:
        to = self.rng.choice([p for p in PRIORITIES if p != self.state.priority])
        self._add("priority_change", delay, self._member(), None, {"from": self.state.priority, "to": to})
        self.state.priority = to

    def _delay(self, lo_min: float, hi_min: float) -> int:
        """Log-uniform minutes: most steps quick, a long tail of slow ones."""
        lo, hi = lo_min * MINUTE, hi_min * MINUTE
        return int(lo * (hi / lo) ** self.rng.random())

    # ------------------------------------------------------------------- scripts
    def _close(self) -> None:
        name = "Closed" if self.rng.random() < 0.1 else "Resolved"
        self.status(self._delay(5, 24 * 60), name, self._member())
        if name == "Resolved" and self.rng.random() < 0.55:  # auto-close after a quiet few days
            self.status(self._delay(3 * 24 * 60, 7 * 24 * 60), "Closed", SYSTEM_AUTHOR)

    def _reopen(self) -> None:
        self.customer_comment(self._delay(60, 5 * 24 * 60))
        if self.rng.random() < 0.6:  # reopened on the customer's reply by the system, else by a member
            self.status(self.rng.randint(1, 5) * SECOND, "Open", SYSTEM_AUTHOR)
        else:
            self.status(self._delay(5, 120), "Open", self._member())

    def run_full(self, script: str | None, exchanges: float) -> None:
        """A whole life: bot/system triage, assignment, notes, replies, close, sometimes reopens."""
        rng = self.rng
        try:
            if script in ("bot_first", "bot_reply") or rng.random() < 0.4:
                kind = "reply" if script == "bot_reply" or (script is None and rng.random() < 0.1) else "comment"
                self.bot_message(rng.randint(3, 30) * SECOND, kind)
            if script == "bot_first" or rng.random() < 0.3:
                self.assign(rng.randint(1, 60) * SECOND, SYSTEM_AUTHOR)  # auto-routing
            if script == "unanswered" or (script is None and rng.random() < 0.07):
                if script == "unanswered" or rng.random() < 0.6:
                    self.customer_comment(self._delay(2 * 60, 48 * 60))
                return
            if not self.state.assignees:
                self.assign(self._delay(1, 180), self._member())
            if script == "note_first" or (script is None and rng.random() < 0.2):
                self.internal_note(self._delay(1, 30))
            if rng.random() < 0.12:
                self.priority(self._delay(1, 30))
            if rng.random() < 0.5:
                self.status(self._delay(1, 20), "In progress", self._member())
            pending = script is None and rng.random() < 0.18
            n_ex = max(1, round(rng.gauss(exchanges, exchanges / 2)))
            for i in range(n_ex):
                self.member_message(self._delay(5, 8 * 60), as_comment=script == "member_comment" and i == 0)
                if rng.random() < 0.2:
                    self.internal_note(self._delay(1, 30))
                if script == "on_hold" or (script is None and rng.random() < 0.03):
                    self.stage(self._delay(5, 60), UNKNOWN_STAGE, self._member())
                    if script == "on_hold":
                        return
                    self.stage(self._delay(60, 3 * 24 * 60), "in_progress", self._member())
                if pending and i == n_ex - 1:  # still going: waiting for the customer, or with engineering
                    r = rng.random()
                    if r < 0.3 and self.state.status == "In progress":
                        self.stage(MINUTE, "waiting_on_customer", self._member())
                    elif r < 0.7:
                        self.status(MINUTE, "Waiting on customer", self._member())
                    else:
                        busy = [name for name in ("In progress", "Escalated") if name != self.state.status]
                        self.status(MINUTE, rng.choice(busy), self._member())
                    return
                self.customer_comment(self._delay(10, 24 * 60))
            if rng.random() < 0.05:
                self.status(self._delay(5, 120), "Escalated", self._member())
                self.member_message(self._delay(60, 24 * 60))
            self._close()
            chain = script == "reopen_chain"
            if chain or rng.random() < 0.1:
                self._reopen()
                if chain or rng.random() < 0.6:
                    self.member_message(self._delay(5, 8 * 60))
                    self._close()
                    if chain or rng.random() < 0.3:
                        self._reopen()
                        if not chain and rng.random() < 0.5:
                            self.member_message(self._delay(5, 8 * 60))
                            self._close()
        except _Stop:
            pass

    def continue_once(self) -> None:
        """One plausible next step at the clock (timestamps are rewritten by restamp)."""
        rng, st = self.rng, self.state
        if st.closed:
            if rng.random() < 0.4:
                self.customer_comment(0)
                if rng.random() < 0.6:
                    self.status(0, "Open", SYSTEM_AUTHOR)  # reopened on the customer's reply
            else:
                self.internal_note(0)
        elif st.stage not in STAGES:
            self.stage(0, "in_progress", self._member())
            self.member_message(0)
        elif st.last_by == "member":
            self.customer_comment(0)
            if rng.random() < 0.35 and self._old_enough():  # "thanks, that fixed it": the member resolves
                self.status(0, "Resolved", self._member())
            elif st.status == "Waiting on customer":
                self.status(0, "In progress", SYSTEM_AUTHOR)
            elif st.stage == "waiting_on_customer":
                self.stage(0, "in_progress", SYSTEM_AUTHOR)
        else:
            if not st.assignees:
                self.assign(0, self._member())
            replied_before = st.member_replied
            self.member_message(0)
            if self._old_enough() and rng.random() < (0.5 if replied_before else 0.2):
                self.status(0, "Resolved", self._member())
            elif rng.random() < 0.2:
                self.status(0, "Waiting on customer", self._member())

    def touch(self) -> None:
        """Exactly one activity: a note on a closed ticket, otherwise the next message."""
        if self.state.closed:
            self.internal_note(0)
        elif self.state.last_by == "member":
            self.customer_comment(0)
        else:
            self.member_message(0)

    def change_status(self) -> None:
        """A status change: auto-close or reopen a closed ticket, else any other status (closing only after a
        member replied and at least an hour after creation)."""
        rng, st = self.rng, self.state
        if st.status == "Resolved" and rng.random() < 0.6:
            self.status(0, "Closed", SYSTEM_AUTHOR)
        elif st.closed:
            self.status(0, "Open", self._member())
        else:
            options = [n for n in _STATUS_STAGE if n not in _CLOSING and n != st.status]
            if st.member_replied and self._old_enough():
                options += ["Resolved", "Resolved"]
            self.status(0, rng.choice(options), self._member())

    def _old_enough(self) -> bool:
        return self.t - self.state.created_ms >= HOUR


# ----------------------------------------------------------------------------------------- generation
def generate_workspace(
    seed: int = 7,
    tickets: int = 300,
    feedback: int = 150,
    workspace_id: str = "acme",
    now: datetime | None = None,
    activities_per_ticket: float = 9.0,
) -> Product7Workspace:
    """Deterministic workspace: same arguments, same data.

    Feedback is generated after the tickets from its own generator, so ticket data does not depend on the
    feedback arguments. `activities_per_ticket` is roughly the mean timeline length of a finished ticket.
    """
    ws = Product7Workspace(workspace_id, seed, now or DEFAULT_NOW)
    # Tens of thousands of small dicts: cyclic GC passes would cost a good part of generation time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        ws._generate(int(tickets), max(0.5, (activities_per_ticket - 5.0) / 2.2))
        ws.feedback.generate(int(feedback))
    finally:
        if was_enabled:
            gc.enable()
    return ws
