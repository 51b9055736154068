"""A generated Featurebase organisation: tickets with their conversation parts, reference data, a clock and the
mutations tests and the demo apply (the HTTP side is `sandbox.featurebase.app`).

Feedback boards (posts, voters, comments, boards) live in `sandbox.featurebase.feedback`, in the same
workspace; they are generated after the tickets with their own random generator, so ticket data is identical
with or without them.

Everything is deterministic for a seed: generation uses `random.Random(seed)` and a workspace clock that
starts at a fixed instant and only moves when a mutation (or `advance`) moves it.
"""

from __future__ import annotations

import gc
import random
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from sandbox.featurebase.feedback import FeedbackStore
from sandbox.framework.ids import from_ms, iso_ms, object_id, to_ms

DEFAULT_NOW = datetime(2026, 11, 1, tzinfo=UTC)
SUPPORTED_VERSIONS = ("2026-01-01.nova", "2025-12-12.clover")
SORT_FIELDS = {"date": "createdAt", "recent": "updatedAt", "ticketNumber": "ticketNumber"}
PART_TYPES = (
    "user_msg",
    "admin_msg",
    "admin_note",
    "email_msg",
    "bot_msg",
    "quick_reply_opts",
    "quick_reply_resp",
    "rating_requested",
    "rating_submitted",
    "attr_prompt",
    "attr_complete",
    "assign",
    "status",
    "tags",
    "workflow_wait",
    "priority",
    "part_add",
)

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

_FIRST = ["Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Liam"]
_FIRST += ["Maya", "Nils", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Yara"]
_LAST = ["Ahmed", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski"]
_LAST += ["Larsen", "Moreau", "Novak", "Okafor", "Park", "Rossi", "Schmidt", "Tanaka", "Usman", "Weber", "Zhang"]
_COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne"]
_COMPANIES += ["Soylent", "Aperture", "Massive", "Vandelay", "Pied Piper", "Dunder", "Oceanic", "Gringotts"]
_ISSUES = [
    "Cannot login to dashboard",
    "Export to CSV fails",
    "Invoice shows wrong amount",
    "Webhook not firing",
    "SSO redirect loop",
    "Widget not loading on Safari",
    "Refund request",
    "How do I change my plan?",
    "Email notifications missing",
    "API returns 500 on update",
    "Roadmap page is blank",
    "Cannot invite teammates",
    "Duplicate charges on card",
    "Slack integration disconnected",
    "Search gives no results",
    "Feature request: dark mode",
    "Password reset link expired",
    "Data import stuck at 99%",
    "Changelog emails sent twice",
    "Custom domain SSL error",
]
_QUALIFIERS = ["", "", " after update", " since yesterday", " for some users", " on mobile", " (urgent)"]
_USER_LINES = [
    "Hi, I have a problem: {t}.",
    "Any update on this?",
    "Still happening for us, see attached screenshot.",
    "Thanks, that worked!",
    "I tried that but it did not help.",
    "Could you look into this today? Our team is blocked.",
    "Here are the steps to reproduce.",
]
_ADMIN_LINES = [
    "Thanks for reaching out! Let me look into this.",
    "Could you share the browser and version you are using?",
    "We shipped a fix, can you try again?",
    "I have escalated this to our engineering team.",
    "Glad it works now. Anything else I can help with?",
    "Sorry for the trouble, I have applied a credit to your account.",
]
_NOTES = ["Customer is on Enterprise, prioritise.", "Linked to bug ENG-{n}.", "Checked logs, token expired."]
_BOT_LINES = [
    "Hi! I'm Fibi, the AI assistant. While you wait, these articles might help.",
    "A teammate will reply soon.",
]
# a remark agrees with its score (a "Super fast, thanks!" with a 1 reads as broken data in a demo)
_REMARKS = {
    1: ["Took too long.", "Nobody answered my actual question."],
    2: ["Meh.", "Slow, and I had to explain it twice."],
    3: ["Fixed in the end.", "Okay."],
    4: ["Solved my issue.", "Good help, thanks."],
    5: ["Super fast, thanks!", "Great support as always."],
}
# Authors of agent-type messages that are not human agents (the hard cases of first-response metrics): an AI
# agent answering as a bot, and an auto-reply sent through an integration.
_AI_AGENT = {"type": "bot", "name": "Fibi AI agent"}
_INTEGRATION = {"type": "integration", "name": "Helpdesk auto-reply"}
_TAGS = ["Bug", "Billing", "Churn risk", "Onboarding", "Feature request", "VIP"]


# ------------------------------------------------------------------------------------------ workspace
@dataclass
class _Meta:
    """Conversation state behind a ticket, so mutations continue it plausibly."""

    state: str = "open"  # open | closed | snoozed
    admin_replied: bool = False
    last_by: str = "customer"  # customer | admin
    assignee: str | None = None
    customer: int = 0
    csat_pending: str | None = None  # requestId of a rating_requested without submission


class _Stop(Exception):
    """The conversation reached the workspace clock: the rest has not happened yet."""


class FeaturebaseWorkspace:
    """One Featurebase organisation: reference data, tickets, parts, a clock and mutation methods.

    Thread-safe: readers and mutations share one lock; ticket dicts are replaced, never mutated in place,
    so a response being serialised never sees half a mutation.
    """

    def __init__(self, org_id: str, seed: int, now: datetime) -> None:
        self.org_id = org_id
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._counters: Counter[str] = Counter()
        self._now_ms = to_ms(now)
        self._tickets: dict[int, dict[str, Any]] = {}
        self._parts: dict[int, list[dict[str, Any]]] = {}
        self._meta: dict[int, _Meta] = {}
        self._deleted: dict[int, dict[str, Any]] = {}
        self._malformed: list[dict[str, Any]] = []
        self._malformed_info: list[dict[str, Any]] = []
        self._unknown_field: str | None = None
        self._indexes: dict[str, tuple[list[tuple[Any, str]], list[int]]] = {}
        self._next_number = 1
        self.statuses: list[dict[str, Any]] = []
        self.categories: list[dict[str, Any]] = []
        self.custom_fields: list[dict[str, Any]] = []
        self.agents: list[dict[str, Any]] = []
        self.teams: list[str] = []
        self.customers: list[dict[str, Any]] = []
        self.companies: list[dict[str, Any]] = []
        self.bot: dict[str, Any] = {}
        self.feedback = FeedbackStore(self)

    # ---------------------------------------------------------------------------------- helpers
    def _id(self, kind: str) -> str:
        self._counters[kind] += 1
        return object_id(kind, self._counters[kind])

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

    def _status(self, name: str) -> dict[str, Any]:
        return next(s for s in self.statuses if s["name"] == name)

    # ------------------------------------------------------------------------------ reference data
    def _build_reference(self, n_customers: int) -> None:
        rng = self._rng
        created = iso_ms(self._now_ms - 400 * DAY)
        spec = [
            ("New", "Gray", "reviewing", True),
            ("Open", "Blue", "unstarted", False),
            ("In Progress", "Yellow", "active", False),
            ("Waiting on customer", "Purple", "active", False),
            ("Resolved", "Green", "completed", False),
            ("Closed", "Green", "completed", False),
            ("Won't fix", "Red", "canceled", False),
        ]
        self.statuses = [
            {"id": self._id("post_status"), "color": c, "isDefault": d, "name": n, "object": "post_status", "type": t}
            for n, c, t, d in spec
        ]
        fields = [
            ("Plan", "select", ["Free", "Pro", "Enterprise"]),
            ("Browser", "text", []),
            ("Affected users", "number", []),
            ("Regression", "checkbox", []),
            ("Due date", "date", []),
            ("Areas", "multi-select", ["Billing", "Dashboard", "API", "Widget", "Integrations"]),
            ("Screenshot", "file", []),
        ]
        for label, ftype, options in fields:
            cf: dict[str, Any] = {
                "id": self._id("custom_field"),
                "label": label,
                "object": "custom_field",
                "type": ftype,
                "allowMultiple": False,
                "createdAt": created,
                "internal": label in ("Regression", "Due date"),
                "options": [{"id": self._id("custom_field_option"), "label": o} for o in options],
                "placeholder": f"Enter {label.lower()}" if ftype in ("text", "number") else "",
                "public": label in ("Plan", "Browser"),
                "required": label == "Plan",
                "updatedAt": created,
            }
            self.custom_fields.append(cf)
        boards = [
            ("Support", "customer", "emoji", "💬"),
            ("Billing", "customer", "icon", "gift"),
            ("Bug reports", "tracker", "icon", "bug"),
            ("Back office", "back-office", "emoji", "🗂️"),
        ]
        for i, (name, ctype, icon_type, icon) in enumerate(boards):
            self.categories.append(
                {
                    "id": self._id("board"),
                    "access": {
                        "adminOnly": ctype == "back-office",
                        "allowedRoles": [],
                        "deniedRoles": [],
                        "segments": [],
                    },
                    "createdAt": created,
                    "customFields": [cf["id"] for cf in self.custom_fields[: 3 + i]],
                    "features": {"commentsEnabled": True, "createdDatesVisible": True, "postingEnabled": True},
                    "icon": {"type": icon_type, "value": icon},
                    "localization": {
                        "description": {"en": f"{name} tickets"},
                        "formPlaceholder": {"en": "Describe your issue..."},
                        "heroDescription": {"en": "We usually reply within a few hours"},
                        "heroTitle": {"en": f"{name}"},
                        "name": {"en": name},
                        "submitButtonText": {"en": "Send"},
                    },
                    "name": name,
                    "object": "board",
                    "postDefaults": {"visibility": "authorOnly" if ctype == "customer" else "companyOnly"},
                    # Not in the field list but named by the docs as how to recognise ticket categories.
                    "supportBoard": True,
                    "supportBoardType": ctype,
                }
            )
        for _ in range(6):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            aid = self._id("admin")
            self.agents.append(
                {
                    "id": aid,
                    "type": "admin",
                    "email": f"{first.lower()}.{last.lower()}@support.{self.org_id}.example",
                    "name": f"{first} {last}",
                    "profilePicture": f"https://cdn.featurebase.example/avatars/{aid}.png",
                }
            )
        self.teams = [self._id("team") for _ in range(2)]
        self.bot = {"id": self._id("bot"), "type": "bot", "name": "Fibi"}
        self.ai_agent = {"id": self._id("bot"), **_AI_AGENT}
        self.integration = {"id": self._id("integration"), **_INTEGRATION}
        for name in _COMPANIES:
            self.companies.append({"id": self._id("company"), "name": name, "domain": f"{name.lower()}.example"})
        for i in range(n_customers):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            company = rng.choice(self.companies) if rng.random() < 0.8 else None
            domain = company["domain"] if company else "mail.example"
            cid = self._id("contact")
            self.customers.append(
                {
                    "id": cid,
                    "email": f"{first.lower()}.{last.lower()}{i}@{domain.replace(' ', '')}",
                    "name": f"{first} {last}",
                    "profilePicture": f"https://cdn.featurebase.example/avatars/{cid}.png",
                    "type": "lead" if rng.random() < 0.07 else "customer",
                    "companyId": company["id"] if company else None,
                }
            )

    def _custom_values(self, rng: random.Random, number: int) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for cf in self.custom_fields:
            if rng.random() < 0.45:
                continue
            t = cf["type"]
            if t == "select":
                values[cf["id"]] = rng.choice(cf["options"])["id"]
            elif t == "multi-select":
                values[cf["id"]] = [o["id"] for o in rng.sample(cf["options"], rng.randint(1, 2))]
            elif t == "text":
                values[cf["id"]] = rng.choice(["Chrome 131", "Firefox 133", "Safari 18", "Edge 131"])
            elif t == "number":
                values[cf["id"]] = rng.randint(1, 500)
            elif t == "checkbox":
                values[cf["id"]] = rng.random() < 0.3
            elif t == "date":
                values[cf["id"]] = iso_ms(self._now_ms + rng.randint(1, 30) * DAY)
            elif t == "file":
                key = f"{self.org_id}/tickets/{number}/screenshot.png"
                url = f"https://files.featurebase.example/{key}?X-Amz-Expires=3600&X-Amz-Signature=sandbox"
                values[cf["id"]] = orjson.dumps({"key": key, "name": "screenshot.png", "url": url}).decode()
        return values

    # ---------------------------------------------------------------------------------- tickets
    def _new_ticket(self, rng: random.Random, number: int, created_ms: int) -> tuple[dict[str, Any], _Meta]:
        cust_idx = rng.randrange(len(self.customers))
        customer = self.customers[cust_idx]
        category = rng.choices(self.categories, weights=(60, 20, 15, 5))[0]
        title = rng.choice(_ISSUES) + rng.choice(_QUALIFIERS)
        integrations: dict[str, list[Any]] = {k: [] for k in ("linear", "jira", "clickup", "github", "devops")}
        integrations["hubspot"] = []
        if rng.random() < 0.05:
            n = rng.randint(100, 999)
            integrations["linear"].append({"issueId": f"ENG-{n}", "issueUrl": f"https://linear.app/acme/issue/ENG-{n}"})
        if rng.random() < 0.03:
            n = rng.randint(1, 4000)
            integrations["github"].append(
                {
                    "id": str(1_000_000 + n),
                    "number": str(n),
                    "repositoryFullName": "acme/app",
                    "repositoryName": "app",
                    "title": title,
                    "url": f"https://github.com/acme/app/issues/{n}",
                }
            )
        ticket = {
            "id": self._id("ticket"),
            "object": "ticket",
            "ticketNumber": number,
            "title": title,
            "content": f"<p>{title}. Reported by {customer['name']}.</p>",
            "categoryType": category["supportBoardType"],
            "ticketCategoryId": category["id"],
            "ticketUrl": f"https://{self.org_id.replace('_', '-')}.featurebase.example/dashboard/tickets/{number}",
            "author": {k: customer[k] for k in ("id", "email", "name", "profilePicture", "type")},
            "assigneeId": None,
            "teamAssigneeId": None,
            "companyId": customer["companyId"],
            "customFields": self._custom_values(rng, number),
            "integrations": integrations,
            "linkedConversations": [{"id": self._id("conversation"), "role": category["supportBoardType"]}],
            "open": True,
            "snoozedUntil": None,
            "status": self._status("New"),
            "createdAt": iso_ms(created_ms),
            "updatedAt": iso_ms(created_ms),
        }
        return ticket, _Meta(customer=cust_idx)

    def _finish_ticket(
        self, ticket: dict[str, Any], meta: _Meta, parts: list[dict[str, Any]], rng: random.Random
    ) -> None:
        """Derive status/open/assignee/updatedAt from the conversation so they always agree with it."""
        current = ticket["status"]
        if meta.state == "closed":
            if current["type"] not in ("completed", "canceled"):
                if meta.admin_replied:
                    name = rng.choices(["Resolved", "Closed", "Won't fix"], weights=(60, 30, 10))[0]
                else:
                    name = rng.choice(["Closed", "Won't fix"])
                ticket["status"] = self._status(name)
            ticket["open"] = False
            ticket["snoozedUntil"] = None
        else:
            if meta.state == "snoozed" or (meta.admin_replied and meta.last_by == "admin"):
                name = "Waiting on customer"
            elif meta.admin_replied:
                name = "In Progress"
            elif meta.assignee:
                name = "Open"
            else:
                name = "New"
            ticket["status"] = self._status(name)
            ticket["open"] = True
            if meta.state != "snoozed":
                ticket["snoozedUntil"] = None
        ticket["assigneeId"] = meta.assignee
        if parts:
            ticket["updatedAt"] = max(ticket["updatedAt"], parts[-1]["createdAt"])

    def _generate(self, n_tickets: int, parts_per_ticket: int) -> None:
        rng = self._rng
        self._build_reference(max(20, n_tickets // 3))
        created = sorted(self._now_ms - rng.randint(0, 90 * DAY) for _ in range(n_tickets))
        exchanges = max(0.3, (parts_per_ticket - 5.2) / 2.45)
        for created_ms in created:
            number = self._next_number
            self._next_number += 1
            ticket, meta = self._new_ticket(rng, number, created_ms)
            conv = _Conversation(self, rng, ticket, meta, created_ms, self._now_ms)
            conv.run_full(exchanges)
            self._finish_ticket(ticket, meta, conv.parts, rng)
            self._tickets[number] = ticket
            self._parts[number] = conv.parts
            self._meta[number] = meta

    # -------------------------------------------------------------------------------- mutations
    def _store(self, number: int, ticket: dict[str, Any], parts: list[dict[str, Any]], meta: _Meta) -> None:
        ticket["updatedAt"] = iso_ms(self._now_ms)
        if self._unknown_field:
            ticket[self._unknown_field] = round(self._rng.uniform(-1, 1), 3)
        self._tickets[number] = ticket
        self._parts[number] = parts
        self._meta[number] = meta
        self._indexes.clear()

    def _live(self, number: int) -> tuple[dict[str, Any], list[dict[str, Any]], _Meta]:
        if number not in self._tickets:
            raise KeyError(f"ticket {number} does not exist or was deleted")
        meta = self._meta[number]
        return dict(self._tickets[number]), list(self._parts[number]), _Meta(**vars(meta))

    def mutate_tickets(self, fraction: float | None = None, n: int | None = None, seed: int | None = None) -> list[int]:
        """Change some live tickets (reply, close, reopen, rate...); returns their ticket numbers (sorted)."""
        with self._lock:
            rng = random.Random(seed) if seed is not None else self._rng
            live = sorted(self._tickets)
            if n is None:
                n = max(1, round(len(live) * (fraction if fraction is not None else 0.1)))
            chosen = sorted(rng.sample(live, min(n, len(live))))
            now = self._tick()
            for number in chosen:
                ticket, parts, meta = self._live(number)
                start = len(parts)
                conv = _Conversation(self, rng, ticket, meta, now, now, parts=parts)
                conv.continue_once()
                conv.restamp(now, start)
                self._finish_ticket(ticket, meta, conv.parts, rng)
                self._store(number, ticket, conv.parts, meta)
            return chosen

    def add_parts(self, ticket_number: int, n: int = 1) -> list[str]:
        """Append `n` messages (or internal notes on closed tickets); returns the new part ids."""
        with self._lock:
            ticket, parts, meta = self._live(int(ticket_number))
            start = len(parts)
            now = self._tick()
            conv = _Conversation(self, self._rng, ticket, meta, now, now, parts=parts)
            for _ in range(int(n)):
                if meta.state == "closed":
                    conv.admin_note(0)
                elif meta.last_by == "admin":
                    conv.user_msg(0)
                else:
                    conv.admin_msg(0)
            conv.restamp(now, start)
            self._finish_ticket(ticket, meta, conv.parts, self._rng)
            self._store(int(ticket_number), ticket, conv.parts, meta)
            return [p["id"] for p in conv.parts[start:]]

    def add_tickets(self, n: int) -> list[int]:
        """Create `n` new open tickets at the clock, each with its opening message; returns their numbers."""
        with self._lock:
            now = self._tick()
            numbers = []
            for _ in range(int(n)):
                number = self._next_number
                self._next_number += 1
                ticket, meta = self._new_ticket(self._rng, number, now)
                conv = _Conversation(self, self._rng, ticket, meta, now, now)
                conv.opening()
                self._finish_ticket(ticket, meta, conv.parts, self._rng)
                self._store(number, ticket, conv.parts, meta)
                numbers.append(number)
            return numbers

    def _continue(self, numbers: list[int], step: Any, rng: random.Random) -> list[int]:
        """Apply `step(conversation)` to each ticket at the clock; returns the numbers it changed."""
        now = self._tick()
        changed = []
        for number in numbers:
            ticket, parts, meta = self._live(number)
            start = len(parts)
            conv = _Conversation(self, rng, ticket, meta, now, now, parts=parts)
            conv.limit = 1 << 62
            step(conv)
            if len(conv.parts) == start:
                continue
            conv.restamp(now, start)
            self._finish_ticket(ticket, meta, conv.parts, rng)
            self._store(number, ticket, conv.parts, meta)
            changed.append(number)
        return changed

    def close_tickets(self, n: int, seed: int | None = None) -> list[int]:
        """Agents resolve `n` open tickets they have answered (a CSAT request follows on most); returns them."""
        with self._lock:
            rng = random.Random(seed) if seed is not None else self._rng
            answered = [
                number
                for number in sorted(self._tickets)
                if self._meta[number].state != "closed" and self._meta[number].admin_replied
            ]
            chosen = sorted(rng.sample(answered, min(int(n), len(answered))))

            def close(conv: _Conversation) -> None:
                conv.status(0, "closed")
                if rng.random() < 0.65:
                    conv.rating_requested(0)

            return self._continue(chosen, close, rng)

    def submit_pending_ratings(self, fraction: float = 0.3, seed: int | None = None) -> list[int]:
        """Customers answer a share of the CSAT requests still pending (remarks agree with the score)."""
        with self._lock:
            rng = random.Random(seed) if seed is not None else self._rng
            pending = [number for number in sorted(self._tickets) if self._meta[number].csat_pending]
            chosen = sorted(rng.sample(pending, round(len(pending) * float(fraction))))

            def rate(conv: _Conversation) -> None:
                request = next(
                    p for p in reversed(conv.parts) if p.get("csat", {}).get("requestId") == conv.meta.csat_pending
                )
                conv.rating_submitted(0, request)

            return self._continue(chosen, rate, rng)

    def set_status_type(self, name: str, status_type: str) -> str:
        """Give a ticket status a type the mapping seeds do not know (an admin renamed a workflow stage); tickets
        in that status carry the new type from now on. Returns the status id."""
        with self._lock:
            self._tick()
            status = self._status(name)
            renamed = {**status, "type": status_type}
            self.statuses = [renamed if s["id"] == status["id"] else s for s in self.statuses]
            # the statuses endpoint says what a status is now; tickets embed a copy, which is replaced too but
            # does not count as an update of the ticket
            for number, ticket in list(self._tickets.items()):
                if ticket["status"]["id"] == status["id"]:
                    self._tickets[number] = {**ticket, "status": renamed}
            self._indexes.clear()
            return status["id"]

    def delete_ticket(self, ticket_number: int) -> bool:
        """Delete a ticket (gone from lists, 404 on detail, moved to truth()["deleted"])."""
        with self._lock:
            number = int(ticket_number)
            ticket = self._tickets.pop(number, None)
            if ticket is None:
                return False
            now = self._tick()
            self._deleted[number] = {"ticketNumber": number, "deletedAt": iso_ms(now), "id": ticket["id"]}
            self._parts.pop(number, None)
            self._meta.pop(number, None)
            self._indexes.clear()
            return True

    # ------------------------------------------------------------------------ feedback mutations
    # DECISION: any change to a post (vote cast or withdrawn, status change, new comment) sets its `updatedAt`
    # to the workspace clock, so `GET /v2/posts?sortBy=recent` surfaces it. Each call first moves the clock
    # >= 1 s (like the ticket mutations); `advance` moves it for feedback too. Without `seed` they draw from
    # the feedback generator, never the tickets' one.
    def add_votes(self, n: int, seed: int | None = None) -> list[tuple[str, str]]:
        """Cast `n` new votes on random posts (skewed to popular ones) by users not yet voting on them.

        Returns (post_id, user_id) pairs; each post's upvotes += 1 and updatedAt = clock.
        """
        return self.feedback.add_votes(n, seed)

    def remove_votes(self, n: int, seed: int | None = None) -> list[tuple[str, str]]:
        """Withdraw `n` existing votes (uniformly among all votes); returns (post_id, user_id) pairs."""
        return self.feedback.remove_votes(n, seed)

    def change_post_status(self, n: int = 1, seed: int | None = None) -> list[str]:
        """Move `n` random posts to another post status; returns their ids."""
        return self.feedback.change_post_status(n, seed)

    def add_comments(self, n: int, seed: int | None = None) -> list[str]:
        """Add `n` comments (createdAt = clock; some replies, some private); returns the comment ids."""
        return self.feedback.add_comments(n, seed)

    def add_posts(self, n: int, seed: int | None = None) -> list[str]:
        """Create `n` posts at the clock with no votes and no comments; returns their ids."""
        return self.feedback.add_posts(n, seed)

    def set_post_status_type(self, name: str, status_type: str) -> list[str]:
        """Give a post status a type the mapping seeds do not know; its posts are touched. Returns their ids."""
        return self.feedback.set_status_type(name, status_type)

    def delete_post(self, post_id: str) -> bool:
        """Delete a post with its votes and comments (gone everywhere, voters 404); False if unknown."""
        return self.feedback.delete_post(post_id)

    def inject_malformed_tickets(self) -> list[int]:
        """Two broken records served first for sortBy=recent desc: one without "id", one with a bad updatedAt."""
        with self._lock:
            now = self._tick()
            numbers: list[int] = []
            batch: list[dict[str, Any]] = []
            for reason in ("missing_id", "invalid_updatedAt"):
                number = self._next_number
                self._next_number += 1
                ticket, _ = self._new_ticket(self._rng, number, now)
                if reason == "missing_id":
                    del ticket["id"]
                else:
                    ticket["updatedAt"] = "not-a-timestamp"
                batch.append(ticket)
                self._malformed_info.append({"ticketNumber": number, "id": ticket.get("id"), "reason": reason})
                numbers.append(number)
            # Newest batch first, like the real list would put the most recently touched records.
            self._malformed[:0] = batch
            return numbers

    def add_unknown_field(self, name: str = "sentimentScore") -> str:
        """From now on, tickets touched by mutations carry an extra top-level field `name`."""
        with self._lock:
            self._tick()
            self._unknown_field = name
            return name

    # ------------------------------------------------------------------------------------ reads
    def _index(self, sort_by: str) -> tuple[list[tuple[Any, str]], list[int]]:
        idx = self._indexes.get(sort_by)
        if idx is None:
            field = SORT_FIELDS[sort_by]
            rows = sorted((t[field], t["id"], n) for n, t in self._tickets.items())
            idx = ([(r[0], r[1]) for r in rows], [r[2] for r in rows])
            self._indexes[sort_by] = idx
        return idx

    def list_page(
        self,
        limit: int,
        sort_by: str,
        order: str,
        cursor: dict[str, Any] | None,
        filters: dict[str, Any],
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One keyset page: (tickets, cursor payload of the last one if more follow)."""
        with self._lock:
            items: list[dict[str, Any]] = []
            last: dict[str, Any] | None = None
            for pos, ticket in self._iter_sorted(sort_by, order, cursor, filters):
                if len(items) == limit:
                    return items, last
                items.append(ticket)
                last = pos
            return items, None

    def _iter_sorted(
        self, sort_by: str, order: str, cursor: dict[str, Any] | None, filters: dict[str, Any]
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        if sort_by == "recent" and order == "desc" and not filters and self._malformed:
            if cursor is None:
                start = 0
            elif "m" in cursor:
                start = int(cursor["m"]) + 1
            else:
                start = len(self._malformed)
            for i in range(start, len(self._malformed)):
                yield {"m": i}, self._malformed[i]
        keys, numbers = self._index(sort_by)
        has_key = cursor is not None and "k" in cursor
        key = (cursor["k"], cursor["id"]) if has_key and cursor else None
        if order == "asc":
            rng_ = range(bisect_right(keys, key) if key else 0, len(keys))
        else:
            rng_ = range((bisect_left(keys, key) if key else len(keys)) - 1, -1, -1)
        tickets = self._tickets
        for j in rng_:
            ticket = tickets[numbers[j]]
            if filters and not _matches(ticket, filters):
                continue
            yield {"k": keys[j][0], "id": keys[j][1]}, ticket

    def get_ticket(self, number: int) -> dict[str, Any] | None:
        """The ticket with conversationParts, or None when unknown/deleted."""
        with self._lock:
            ticket = self._tickets.get(number)
            if ticket is not None:
                return {**ticket, "conversationParts": self._parts[number]}
            for bad in self._malformed:
                if bad["ticketNumber"] == number:
                    return {**bad, "conversationParts": []}
            return None

    def truth(self) -> dict[str, Any]:
        """Ground truth; deleted tickets are NOT in `tickets` (they are listed under `deleted`)."""
        with self._lock:
            tickets: dict[str, Any] = {}
            csat: list[dict[str, Any]] = []
            part_types: Counter[str] = Counter()
            part_count = 0
            csat_requests = 0
            for number in sorted(self._tickets):
                t = self._tickets[number]
                parts = self._parts[number]
                part_count += len(parts)
                for p in parts:
                    part_types[p["partType"]] += 1
                    if p["partType"] == "rating_submitted":
                        c = p["csat"]
                        csat.append(
                            {
                                "ticket_id": t["id"],
                                "requestId": c["requestId"],
                                "score": c["score"],
                                "remark": c.get("remark"),
                            }
                        )
                    elif p["partType"] == "rating_requested":
                        csat_requests += 1
                tickets[t["id"]] = {
                    "ticketNumber": number,
                    "status_id": t["status"]["id"],
                    "status_name": t["status"]["name"],
                    "status_type": t["status"]["type"],
                    "open": t["open"],
                    "part_count": len(parts),
                    "createdAt": t["createdAt"],
                    "updatedAt": t["updatedAt"],
                    "assigneeId": t["assigneeId"],
                    "ticketCategoryId": t["ticketCategoryId"],
                    "deleted": False,
                }
            return {
                "org_id": self.org_id,
                "seed": self.seed,
                "now": iso_ms(self._now_ms),
                "ticket_count": len(tickets),
                "tickets": tickets,
                "part_count": part_count,
                "part_types": dict(part_types),
                "csat": csat,
                "csat_requests": csat_requests,
                "statuses": len(self.statuses),
                "categories": len(self.categories),
                "custom_fields": len(self.custom_fields),
                "agents": len(self.agents),
                "deleted": {d["id"]: {**d, "deleted": True} for d in self._deleted.values()},
                "malformed": list(self._malformed_info),
                "unknown_field": self._unknown_field,
                "feedback": self.feedback.truth(),
            }


def _matches(ticket: dict[str, Any], f: dict[str, Any]) -> bool:
    if "statusIds" in f and ticket["status"]["id"] not in f["statusIds"]:
        return False
    if "ticketCategoryIds" in f and ticket["ticketCategoryId"] not in f["ticketCategoryIds"]:
        return False
    if "assigneeId" in f and ticket["assigneeId"] != f["assigneeId"]:
        return False
    if "categoryType" in f and ticket["categoryType"] != f["categoryType"]:
        return False
    return not ("q" in f and f["q"] not in ticket["title"].lower())


# ------------------------------------------------------------------------------------- conversation
class _Conversation:
    """Builds conversation parts in time order; stops (via _Stop) at the workspace clock."""

    def __init__(
        self,
        ws: FeaturebaseWorkspace,
        rng: random.Random,
        ticket: dict[str, Any],
        meta: _Meta,
        start_ms: int,
        limit_ms: int,
        parts: list[dict[str, Any]] | None = None,
    ) -> None:
        self.ws = ws
        self.rng = rng
        self.ticket = ticket
        self.meta = meta
        self.t = start_ms
        self.limit = limit_ms
        self.parts: list[dict[str, Any]] = parts if parts is not None else []
        self.customer = ws.customers[meta.customer]
        # hard cases draw from their own generator, so the rest of the conversation is what it always was
        self.hard = random.Random(f"{ws.seed}-hard-{ticket.get('ticketNumber')}-{len(self.parts)}")

    # ------------------------------------------------------------------ part builders
    def _part(self, part_type: str, delay_ms: int, **fields: Any) -> dict[str, Any]:
        t = self.t + delay_ms
        if t > self.limit:
            raise _Stop
        self.t = t
        ts = iso_ms(t)
        part = {"id": self.ws._id("part"), "object": "conversation_part", "partType": part_type, **fields}
        part["createdAt"] = ts
        part["updatedAt"] = ts
        self.parts.append(part)
        return part

    def restamp(self, now: int, start: int) -> None:
        """Mutation parts (from index `start`): the last at the clock, earlier ones 1 ms apart before it."""
        new = self.parts[start:]
        for i, p in enumerate(new):
            ts = iso_ms(now - (len(new) - 1 - i))
            p["createdAt"] = p["updatedAt"] = ts
            if "csat" in p:
                p["csat"]["ratedAt" if p["partType"] == "rating_submitted" else "requestedAt"] = ts

    def _agent(self) -> dict[str, Any]:
        if self.meta.assignee:
            return next(a for a in self.ws.agents if a["id"] == self.meta.assignee)
        return self.rng.choice(self.ws.agents)

    def _msg_fields(self, html: str) -> dict[str, Any]:
        text = html
        return {"bodyHtml": f"<p>{text}</p>", "bodyMarkdown": text, "redacted": False, "tagApplications": []}

    def user_msg(self, delay: int, channel: str | None = None) -> dict[str, Any]:
        line = self.rng.choice(_USER_LINES).format(t=self.ticket["title"])
        channel = channel or self.rng.choices(["desktop", "ios", "android", "unknown"], weights=(80, 8, 7, 5))[0]
        part = self._part("user_msg", delay, author=dict(self.customer), channel=channel, **self._msg_fields(line))
        part["author"].pop("companyId", None)
        self.meta.last_by = "customer"
        return part

    def email_msg(self, delay: int) -> dict[str, Any]:
        line = self.rng.choice(_USER_LINES).format(t=self.ticket["title"])
        part = self._part("email_msg", delay, author=dict(self.customer), channel="email", **self._msg_fields(line))
        part["author"].pop("companyId", None)
        self.meta.last_by = "customer"
        return part

    def admin_msg(self, delay: int) -> dict[str, Any]:
        agent = self._agent()
        by_email = bool(self.parts) and self.parts[0]["partType"] == "email_msg"
        channel = "email" if by_email else "desktop"
        line = self.rng.choice(_ADMIN_LINES)
        # an agent answering an email conversation sometimes writes an email_msg (an admin-written email)
        part_type = "email_msg" if by_email and self.hard.random() < 0.5 else "admin_msg"
        part = self._part(part_type, delay, author=dict(agent), channel=channel, **self._msg_fields(line))
        self.meta.admin_replied = True
        self.meta.last_by = "admin"
        return part

    def automated_reply(self, delay: int, author: dict[str, Any]) -> dict[str, Any]:
        """An agent-type message (`admin_msg`) written by an AI agent or an integration: not a human reply."""
        line = "Thanks for your message! Here is what usually helps: clearing the cache and signing in again."
        channel = "email" if self.parts and self.parts[0]["partType"] == "email_msg" else "desktop"
        return self._part("admin_msg", delay, author=dict(author), channel=channel, **self._msg_fields(line))

    def admin_note(self, delay: int) -> dict[str, Any]:
        line = self.rng.choice(_NOTES).format(n=self.rng.randint(100, 999))
        return self._part("admin_note", delay, author=dict(self._agent()), **self._msg_fields(line))

    def status(self, delay: int, state: str, snoozed_until: int | None = None) -> dict[str, Any]:
        fields: dict[str, Any] = {"status": state}
        if snoozed_until is not None:
            fields["snoozedUntil"] = iso_ms(snoozed_until)
        part = self._part("status", delay, **fields)
        self.meta.state = state
        self.ticket["snoozedUntil"] = fields.get("snoozedUntil")
        return part

    def rating_requested(self, delay: int) -> dict[str, Any]:
        agent_id = self.meta.assignee or self._agent()["id"]
        request_id = self.ws._id("csat_request")
        part = self._part(
            "rating_requested",
            delay,
            csat={
                "channel": "email" if self.parts[0]["partType"] == "email_msg" else "desktop",
                "requestedAt": "",
                "requestId": request_id,
                "requestSource": "workflow",
                "status": "pending",
                "ratedAgent": {"type": "teammate", "id": agent_id},
                "workflow": {"workflowId": object_id("workflow", 1), "workflowRunId": self.ws._id("workflow_run")},
            },
        )
        part["csat"]["requestedAt"] = part["createdAt"]
        part["csat"]["lateSubmitWindowEndsAt"] = iso_ms(self.t + 7 * DAY)
        self.meta.csat_pending = request_id
        return part

    def rating_submitted(self, delay: int, request: dict[str, Any]) -> dict[str, Any]:
        score = self.rng.choices([1, 2, 3, 4, 5], weights=(5, 7, 13, 30, 45))[0]
        csat = {k: request["csat"][k] for k in ("channel", "requestId", "requestSource", "ratedAgent", "workflow")}
        csat.update({"score": score, "status": "rated", "requestedAt": request["csat"]["requestedAt"], "ratedAt": ""})
        if self.rng.random() < 0.4:
            csat["remark"] = self.rng.choice(_REMARKS[score])
        part = self._part("rating_submitted", delay, csat=csat)
        csat["ratedAt"] = part["createdAt"]
        csat["changeLockWindowEndsAt"] = iso_ms(self.t + DAY)
        # The persisted request part reflects its final state (the real API updates it in place).
        idx = self.parts.index(request)
        new_req = {**request, "csat": {**request["csat"], "status": "rated"}, "updatedAt": part["createdAt"]}
        self.parts[idx] = new_req
        self.meta.csat_pending = None
        return part

    # ------------------------------------------------------------------------ scripts
    def opening(self) -> None:
        if self.rng.random() < 0.25:
            self.email_msg(0)
        else:
            self.user_msg(0)

    def _bot(self) -> None:
        rng = self.rng
        self._part("bot_msg", rng.randint(2, 10) * SECOND, author=dict(self.ws.bot), **self._msg_fields(_BOT_LINES[0]))
        if rng.random() < 0.5:
            opts = [{"id": self.ws._id("reply_option"), "text": t} for t in ("Billing", "Technical issue", "Other")]
            self._part("quick_reply_opts", SECOND, author=dict(self.ws.bot), replyOptions=opts)
            choice = rng.choice(opts)
            part = self._part(
                "quick_reply_resp",
                rng.randint(20, 180) * SECOND,
                author={k: self.customer[k] for k in ("id", "type", "email", "name")},
                selectedOptionId=choice["id"],
                **self._msg_fields(choice["text"]),
            )
            part["bodyHtml"] = choice["text"]
        if rng.random() < 0.25:
            form = {
                "id": object_id("form", 1),
                "attributes": [
                    {"identifier": "email", "name": "Email", "type": "string"},
                    {"identifier": "company_size", "name": "Company size", "type": "number"},
                ],
            }
            self._part("attr_prompt", 2 * SECOND, author=dict(self.ws.bot), form=form)
            self._part("attr_complete", rng.randint(30, 300) * SECOND)
        if rng.random() < 0.2:
            wf = {"workflowId": object_id("workflow", 2), "workflowName": "Wait for teammate"}
            self._part(
                "workflow_wait",
                SECOND,
                workflowWait={
                    "eventType": "started",
                    "occurredAt": iso_ms(self.t + SECOND),
                    "waitLabel": "5 minutes",
                    **wf,
                },
            )
            interrupted = rng.random() < 0.4
            payload: dict[str, Any] = {
                "eventType": "interrupted" if interrupted else "finished",
                "occurredAt": "",
                "waitLabel": "5 minutes",
                **wf,
            }
            if interrupted:
                payload["interruptedByUserType"] = "customer"
            part = self._part("workflow_wait", rng.randint(60, 300) * SECOND, workflowWait=payload)
            payload["occurredAt"] = part["createdAt"]

    def _assign(self, delay: int) -> None:
        agent = self.rng.choice(self.ws.agents)
        assigner = self.rng.choice(self.ws.agents)
        team = self.rng.choice(self.ws.teams)
        self._part("assign", delay, adminAssigneeId=agent["id"], adminAssignerId=assigner["id"], teamAssigneeId=team)
        self.meta.assignee = agent["id"]
        self.ticket["teamAssigneeId"] = team

    def _extras(self) -> None:
        rng = self.rng
        if rng.random() < 0.12:
            other = rng.choice(self.ws.agents)
            self._part("part_add", rng.randint(1, 60) * MINUTE, participant={"id": other["id"], "type": "admin"})
        if rng.random() < 0.3:
            agent = self._agent()
            target = self.parts[0]
            tag_name = rng.choice(_TAGS)
            tag_id = object_id("tag", _TAGS.index(tag_name) + 1)
            actor = {"type": "admin", "id": agent["id"], "name": agent["name"]}
            part = self._part(
                "tags",
                rng.randint(1, 30) * MINUTE,
                action="added",
                occurredAt="",
                actor=actor,
                tagName=tag_name,
                targetPartId=target["id"],
            )
            part["occurredAt"] = part["createdAt"]
            application = {
                "appliedAt": part["createdAt"],
                "tagId": tag_id,
                "appliedBy": actor,
                "tag": {"id": tag_id, "name": tag_name, "type": "tag"},
            }
            self.parts[0] = {**target, "tagApplications": [*target.get("tagApplications", []), application]}
        if rng.random() < 0.15:
            self._part("priority", rng.randint(1, 30) * MINUTE, isPriority=True)

    def _delay(self, lo_min: float, hi_min: float) -> int:
        """Log-uniform minutes: most replies quick, a long tail of slow ones."""
        lo, hi = lo_min * MINUTE, hi_min * MINUTE
        return int(lo * (hi / lo) ** self.rng.random())

    def _close_and_rate(self) -> None:
        rng = self.rng
        self.status(self._delay(5, 24 * 60), "closed")
        if rng.random() < 0.65:
            req = self.rating_requested(rng.randint(1, 5) * MINUTE)
            if rng.random() < 0.75:
                self.rating_submitted(self._delay(10, 2 * 24 * 60), req)

    def run_full(self, exchanges: float) -> None:
        """A whole life: opening, bot triage, assignment, replies, close, CSAT, sometimes reopen."""
        rng = self.rng
        try:
            self.opening()
            if rng.random() < 0.45:
                self._bot()
            chance = self.hard.random()
            if chance < 0.08:
                self.automated_reply(self.hard.randint(1, 20) * SECOND, self.ws.ai_agent)
            elif chance < 0.12:
                self.automated_reply(self.hard.randint(1, 5) * SECOND, self.ws.integration)
            outcome = rng.random()
            if outcome < 0.07:
                return  # unanswered
            self._assign(self._delay(1, 180))
            self._extras()
            n_ex = max(1, round(rng.gauss(exchanges, exchanges / 2)))
            for i in range(n_ex):
                self.admin_msg(self._delay(5, 8 * 60))
                if rng.random() < 0.3:
                    self.admin_note(self._delay(1, 30))
                if i == n_ex - 1 and outcome < 0.27 and rng.random() < 0.5:
                    return  # waiting on customer
                if rng.random() < 0.06:
                    self.status(MINUTE, "snoozed", snoozed_until=self.t + 2 * DAY)
                self.user_msg(self._delay(10, 24 * 60))
                if self.meta.state == "snoozed":
                    self.status(SECOND, "open")
            if outcome < 0.27:
                if rng.random() < 0.2:
                    self.status(MINUTE, "snoozed", snoozed_until=self.t + 3 * DAY)
                return
            self._close_and_rate()
            if rng.random() < 0.1:  # reopened
                self.user_msg(self._delay(60, 5 * 24 * 60))
                self.status(SECOND, "open")
                if rng.random() < 0.6:
                    self.admin_msg(self._delay(5, 8 * 60))
                    self._close_and_rate()
        except _Stop:
            pass

    def continue_once(self) -> None:
        """One plausible next step for a mutation; new parts are stamped at the clock afterwards."""
        rng = self.rng
        meta = self.meta
        self.limit = 1 << 62  # timestamps are rewritten by restamp()
        if meta.state == "closed":
            if meta.csat_pending and rng.random() < 0.6:
                req = next(p for p in reversed(self.parts) if p.get("csat", {}).get("requestId") == meta.csat_pending)
                self.rating_submitted(0, req)
            elif rng.random() < 0.5:
                self.user_msg(0)
                self.status(0, "open")
            else:
                self.admin_note(0)
        elif meta.state == "snoozed" or meta.last_by == "admin":
            self.user_msg(0)
            if meta.state == "snoozed":
                self.status(0, "open")
        else:
            if not meta.assignee:
                self._assign(0)
            self.admin_msg(0)
            if rng.random() < 0.4:
                self.status(0, "closed")
                if rng.random() < 0.5:
                    self.rating_requested(0)


# --------------------------------------------------------------------------------------- generation
def generate_workspace(
    seed: int = 7,
    tickets: int = 500,
    org_id: str = "org_a",
    parts_per_ticket: int = 12,
    now: datetime | None = None,
    posts: int = 150,
    users: int = 600,
    companies: int = 120,
) -> FeaturebaseWorkspace:
    """Deterministic workspace: same arguments, same data (ids come from per-kind counters).

    Feedback (4 boards, 6 post statuses, `companies`, `users` who vote, `posts` with comments) is generated
    after the tickets from its own generator: ticket data does not depend on the feedback arguments.
    """
    ws = FeaturebaseWorkspace(org_id, seed, now or DEFAULT_NOW)
    # Hundreds of thousands of small dicts: cyclic GC passes would cost ~30 % of generation time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        ws._generate(tickets, parts_per_ticket)
        ws.feedback.generate(posts, users, companies)
    finally:
        if was_enabled:
            gc.enable()
    return ws
