"""A generated UsersLoop product: boards, feedback, roadmap items, product updates and a helpdesk, with the
accounts and account users who asked for things, a clock, and the mutations tests and the demo apply (the HTTP
side is `sandbox.usersloop.app`).

Contract: the public docs (shared/seeds/004) and VENDORS.md "UsersLoop". Where they are silent this module fixes
one natural choice and says so:

- Ids are integers from per-kind counters starting at 1 in every product (a Laravel auto-increment seen from one
  tenant). Products generated separately therefore share ids, deliberately: loaders must key on the account.
  Ids grow with creation time, so `id` desc (the lists' order) is also newest first.
- Timestamps are whole seconds rendered with microseconds, `2026-01-15T10:30:00.000000Z`, like a Laravel model
  read back from a DATETIME column (the docs' examples always end in `.000000Z`).
- `open_feedbacks_count` of a board counts its feedback in new | discussing | planned | in_progress.
- Helpdesk categories carry no `updated_at` (the docs' example has none); an article's `category` (detail only)
  is `{id, name, slug}`; `content_json` is a string holding a JSON document ("Article content as JSON").
- Not-paginated lists: boards in `id` order, helpdesk categories in `position` order.

updated_at DECISIONS (the docs say nothing about when `updated_at` moves):
- A vote cast or withdrawn does NOT move a feedback's `updated_at`, and neither does a new comment: the docs
  expose only `votes_count` / `comments_count`, Laravel's `withCount()` names, i.e. aggregates of related rows
  computed at read time; writing a vote row does not save the feedback row. VENDORS.md: "Votes are observed from
  `votes_count`" - a client that syncs incrementally by `updated_at` must rescan for votes.
- A status change, a board move (`PUT /feedback/{id}` with `board_ids`) and any roadmap item or update change
  DO move `updated_at`: they are edits saved on the record itself.
- Deleting feedback removes its links from roadmap items and updates (pivot rows cascade) without moving their
  `updated_at`.

Every mutation moves the clock >= 1 s first, so what it writes is strictly newer than anything before; all its
changes share that instant. Payload dicts are replaced, never changed in place, so a response being serialised
outside the lock never sees half a mutation.
"""

from __future__ import annotations

import random
import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

import orjson

DEFAULT_NOW = datetime(2026, 11, 1, tzinfo=UTC)
FEEDBACK_STATUSES = ("new", "discussing", "planned", "in_progress", "completed", "not_planned")
OPEN_FEEDBACK_STATUSES = ("new", "discussing", "planned", "in_progress")
ROADMAP_STATUSES = ("planned", "progress", "complete")
UPDATE_STATUSES = ("draft", "scheduled", "published")
ARTICLE_STATUSES = ("draft", "published")
#: MySQL's zero date: what a Laravel API really sends when a row holds one, and no ISO parser accepts.
INVALID_TIMESTAMP = "0000-00-00 00:00:00"

#: Public methods reachable through `POST /_sandbox/mutate` ({"action": name, **kwargs}).
MUTATIONS = (
    "advance",
    "add_votes",
    "remove_votes",
    "add_comments",
    "change_status",
    "move_board",
    "add_feedback",
    "delete_feedback",
    "change_roadmap",
    "add_roadmap",
    "delete_roadmap",
    "add_update",
    "publish_update",
    "delete_update",
    "delete_article",
    "inject_malformed_feedback",
    "add_unknown_field",
)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

_BOARDS = [  # name, description, color, visibility, weight for generated feedback
    ("Feature Requests", "Ideas for new features", "#4a6cf7", "public", 45),
    ("Integrations", "Connect UsersLoop with your tools", "#16a34a", "public", 20),
    ("Bugs", "Something is not working", "#dc2626", "public", 22),
    ("Mobile", "iOS and Android apps", "#9333ea", "public", 8),
    ("Internal", "Ideas from the team", "#64748b", "private", 5),
]
_STATUS_WEIGHTS = (35, 12, 15, 8, 18, 12)  # FEEDBACK_STATUSES
_TAGS = ["ux", "api", "performance", "enterprise", "billing", "security", "reporting", "onboarding"]
_FEATURES = [
    "dark mode",
    "SSO with Okta",
    "CSV export",
    "custom domains",
    "two-factor authentication",
    "bulk editing",
    "webhooks",
    "saved filters",
    "audit log",
    "keyboard shortcuts",
    "recurring reports",
    "multi-language widget",
]
_INTEGRATIONS = ["Slack", "Jira", "Linear", "HubSpot", "Salesforce", "Zapier", "GitHub", "Intercom", "Notion"]
_BUGS = ["Widget does not load", "Emails arrive twice", "Search misses new items", "Dates in the wrong timezone"]
_BUGS += ["Upvote button unresponsive", "Images fail to upload"]
_MOBILE = ["iOS app", "Android app", "tablet layout"]
_TEMPLATES = {
    "Feature Requests": ["Add {f}", "Support {f}", "Please add {f}", "{F} for teams"],
    "Integrations": ["{i} integration", "Two-way sync with {i}", "Send feedback to {i}"],
    "Bugs": ["{b}", "{b} on Safari", "{b} since the last update"],
    "Mobile": ["Offline mode in the {m}", "Push notifications in the {m}", "{F} in the {m}"],
    "Internal": ["Clean up {f} settings", "Document {f}"],
}
_DETAILS = [
    "Our team needs this for the rollout next quarter.",
    "We currently work around it with a spreadsheet.",
    "This is the main blocker for our renewal.",
    "Several customers asked for this in calls.",
    "Would save us hours every week.",
]
_CO_A = ["North", "Blue", "Bright", "Silver", "Green", "Red", "Quantum", "Iron", "Swift", "Polar", "Lunar", "Solar"]
_CO_B = ["Labs", "Works", "Systems", "Analytics", "Logistics", "Health", "Retail", "Media", "Capital", "Foods"]
_FIRST = ["Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Liam"]
_FIRST += ["Maya", "Nils", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Yara"]
_LAST = ["Ahmed", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski"]
_LAST += ["Larsen", "Moreau", "Novak", "Okafor", "Park", "Rossi", "Schmidt", "Tanaka", "Usman", "Weber", "Zhang"]
_ROADMAP_NAMES = ["{F}", "{F} v2", "Rework {f}", "{I} integration", "Faster {f}", "{F} (beta)"]
_UPDATE_TITLES = ["New: {F}", "Shipped: {F}", "{F} is here", "Improvements to {f}", "{I} integration is live"]
_CATEGORIES = [  # name, description, is_public
    ("Getting Started", "Onboarding guides", True),
    ("Boards & Feedback", "Collecting and organising feedback", True),
    ("Roadmap & Updates", "Sharing what you build", True),
    ("Integrations", "Connecting your tools", True),
    ("Billing", "Plans, invoices and payments", False),
]
_ARTICLE_TITLES = ["How to set up {f}", "Using {f}", "Troubleshooting {f}", "{F}: frequently asked questions"]
_ARTICLE_TITLES += ["Connect {I}", "Getting the most out of {f}"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY_PREFIX: dict[int, str] = {}


def iso_us(seconds: int) -> str:
    """Epoch seconds -> `2026-01-15T10:30:00.000000Z` (hand-rolled with a per-day cache: generation speed)."""
    day, rem = divmod(int(seconds), DAY)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = _DAY_PREFIX[day] = f"{_EPOCH + timedelta(days=day):%Y-%m-%d}T"
    hour, rem = divmod(rem, HOUR)
    minute, second = divmod(rem, MINUTE)
    return f"{prefix}{hour:02d}:{minute:02d}:{second:02d}.000000Z"


def _slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)


def _words(rng: random.Random) -> dict[str, str]:
    feature = rng.choice(_FEATURES)
    integration = rng.choice(_INTEGRATIONS)
    return {
        "f": feature,
        "F": feature[0].upper() + feature[1:],
        "i": integration,
        "I": integration,
        "b": rng.choice(_BUGS),
        "m": rng.choice(_MOBILE),
    }


def _rating(rng: random.Random) -> int | None:
    """Difficulty / impact: 1-5, or null when nobody rated it (both are optional on POST /feedback)."""
    return rng.randint(1, 5) if rng.random() < 0.7 else None


@dataclass
class _FeedbackLinks:
    """What the detail adds to a feedback: board ids, tag ids, account and account user (ids)."""

    boards: list[int] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    account: int | None = None
    account_user: int | None = None


@dataclass
class _Links:
    """Relations of a roadmap item or an update (feedback ids; roadmap ids for updates)."""

    tags: list[int] = field(default_factory=list)
    feedback: list[int] = field(default_factory=list)
    roadmap: list[int] = field(default_factory=list)


class UsersLoopWorkspace:
    """One UsersLoop product: its records, a clock and the mutation methods; thread-safe with one lock.

    Read with the public accessors (`list_*` / `get_*` return exactly what the API serves) or `truth()`.
    """

    def __init__(self, product_id: str, seed: int, now: datetime) -> None:
        self.product_id = product_id
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._now = int(now.timestamp())
        self._counters: Counter[str] = Counter()
        self._tags: dict[int, dict[str, Any]] = {}
        self._boards: dict[int, dict[str, Any]] = {}
        self._accounts: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._user_account: dict[int, int] = {}
        self._account_users: dict[int, list[int]] = {}
        self._feedback: dict[int, dict[str, Any]] = {}
        self._fb_links: dict[int, _FeedbackLinks] = {}
        self._roadmap: dict[int, dict[str, Any]] = {}
        self._rm_links: dict[int, _Links] = {}
        self._updates: dict[int, dict[str, Any]] = {}
        self._up_links: dict[int, _Links] = {}
        self._categories: dict[int, dict[str, Any]] = {}
        self._articles: dict[int, dict[str, Any]] = {}
        self._article_extra: dict[int, tuple[str, list[int]]] = {}  # content_json, tag ids
        self._deleted: dict[str, dict[int, str]] = {"feedback": {}, "roadmap": {}, "updates": {}, "articles": {}}
        self._malformed: list[dict[str, Any]] = []
        self._malformed_ids: set[int] = set()
        self._hidden_ids: set[int] = set()  # served without "id": unreachable by detail
        self._unknown_field: str | None = None
        self._cache: dict[tuple[Any, ...], Any] = {}

    # ---------------------------------------------------------------------------------- clock
    @property
    def now(self) -> datetime:
        """The workspace clock (never real time)."""
        return _EPOCH + timedelta(seconds=self._now)

    def advance(self, seconds: float) -> str:
        """Move the clock forward by whole seconds (rounded); returns the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._now += int(round(seconds))
            return iso_us(self._now)

    def _begin(self, seed: int | None) -> tuple[random.Random, int]:
        """Start a mutation: the clock moves >= 1 s, caches go, and the random source is chosen."""
        self._now += 1
        self._cache.clear()
        return (random.Random(seed) if seed is not None else self._rng), self._now

    def _id(self, kind: str) -> int:
        self._counters[kind] += 1
        return self._counters[kind]

    # ----------------------------------------------------------------------------- generation
    def _generate(self, n_feedback: int) -> None:
        rng, now = self._rng, self._now
        for name in _TAGS:
            tid = self._id("tag")
            self._tags[tid] = {"id": tid, "name": name}
        for name, description, color, visibility, _ in _BOARDS:
            bid = self._id("board")
            created = now - 500 * DAY + bid * HOUR
            self._boards[bid] = {
                "id": bid,
                "name": name,
                "description": description,
                "color": color,
                "visibility": visibility,
                "created_at": iso_us(created),
                "updated_at": iso_us(created + rng.randint(0, 300) * DAY),
            }
        self._generate_accounts(max(8, n_feedback // 5))
        self._generate_feedback(n_feedback)
        self._generate_roadmap(max(4, n_feedback // 10))
        self._generate_updates(max(3, len(self._roadmap) * 3 // 4))
        self._generate_helpdesk(12 + n_feedback // 25)

    def _generate_accounts(self, n: int) -> None:
        rng = self._rng
        seen: Counter[str] = Counter()
        for _ in range(n):
            aid = self._id("account")
            base = f"{rng.choice(_CO_A)} {rng.choice(_CO_B)}"
            seen[base] += 1
            name = base if seen[base] == 1 else f"{base} {seen[base]}"
            self._accounts[aid] = {"id": aid, "name": name}
            domain = _slug(name).replace("-", "") + ".example"
            self._account_users[aid] = []
            for _ in range(rng.choices([1, 2, 3, 4, 6, 8], weights=(30, 25, 18, 12, 10, 5))[0]):
                uid = self._id("account_user")
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                email = f"{first}.{last}{uid}@{domain}".lower()
                self._users[uid] = {"id": uid, "name": f"{first} {last}", "email": email}
                self._user_account[uid] = aid
                self._account_users[aid].append(uid)

    def _new_feedback(self, rng: random.Random, created: int, updated: int, votes: int, comments: int) -> int:
        """Store one feedback item (ids grow with creation time); returns its id."""
        fid = self._id("feedback")
        r = rng.random()
        n_boards = 0 if r < 0.1 else 1 if r < 0.8 else 2 if r < 0.97 else 3
        weights = [b[4] for b in _BOARDS]
        boards: list[int] = []
        while len(boards) < n_boards:
            bid = rng.choices(list(self._boards), weights=weights)[0]
            if bid not in boards:
                boards.append(bid)
        kind = _BOARDS[boards[0] - 1][0] if boards else "Feature Requests"
        title = rng.choice(_TEMPLATES[kind]).format(**_words(rng))
        account = rng.choice(list(self._accounts)) if self._accounts and rng.random() < 0.75 else None
        user = rng.choice(self._account_users[account]) if account is not None and rng.random() < 0.85 else None
        payload: dict[str, Any] = {
            "id": fid,
            "title": title,
            "details": rng.choice(_DETAILS) if rng.random() < 0.8 else None,
            "status": rng.choices(FEEDBACK_STATUSES, weights=_STATUS_WEIGHTS)[0],
            "difficulty": _rating(rng),
            "impact": _rating(rng),
            "votes_count": votes,
            "comments_count": comments,
            "created_at": iso_us(created),
            "updated_at": iso_us(updated),
        }
        if self._unknown_field:
            payload[self._unknown_field] = round(rng.uniform(-1, 1), 3)
        self._feedback[fid] = payload
        tags = sorted(rng.sample(list(self._tags), rng.choices([0, 1, 2], weights=(45, 40, 15))[0]))
        self._fb_links[fid] = _FeedbackLinks(boards=boards, tags=tags, account=account, account_user=user)
        return fid

    def _generate_feedback(self, n: int) -> None:
        rng, now = self._rng, self._now
        created = sorted(now - rng.randint(HOUR, 365 * DAY) for _ in range(n))
        ranks = list(range(1, n + 1))
        rng.shuffle(ranks)
        top = max(40.0, n * 1.5)
        for c, rank in zip(created, ranks, strict=True):
            # Zipf-like: a few items with hundreds of votes, most with a handful, some with none.
            votes = max(0, int(top / rank**1.1 * rng.uniform(0.6, 1.4)) - (rng.random() < 0.3))
            comments = int(rng.expovariate(1 / 2.5)) + votes // 40
            updated = c + int((now - c) * rng.random() ** 2)
            self._new_feedback(rng, c, updated, votes, comments)

    def _feedback_pool(self) -> tuple[list[int], list[str], list[int]]:
        """Live feedback ids in id (= creation) order, their `created_at` and cumulative popularity weights."""
        ids = sorted(self._live_feedback())
        created = [self._feedback[i]["created_at"] for i in ids]
        cum = list(accumulate(self._feedback[i]["votes_count"] + 1 for i in ids))
        return ids, created, cum

    def _pick_feedback(
        self,
        rng: random.Random,
        before: int,
        k: int,
        pool: tuple[list[int], list[str], list[int]] | None = None,
    ) -> list[int]:
        """`k` distinct feedback ids created by `before`, popular ones more likely (what gets on a roadmap)."""
        ids, created, cum = pool or self._feedback_pool()
        limit = bisect_right(created, iso_us(before))
        if limit == 0:
            return []
        chosen: list[int] = []
        for _ in range(k * 3):
            fid = ids[bisect_right(cum, rng.random() * cum[limit - 1], 0, limit)]
            if fid not in chosen:
                chosen.append(fid)
            if len(chosen) == k:
                break
        return sorted(chosen)

    def _generate_roadmap(self, n: int) -> None:
        rng, now = self._rng, self._now
        created = sorted(now - rng.randint(DAY, 300 * DAY) for _ in range(n))
        follows = {"planned": "planned", "progress": "in_progress", "complete": "completed"}
        pool = self._feedback_pool()  # votes do not change while the roadmap is generated
        for c in created:
            rid = self._id("roadmap")
            status = rng.choices(ROADMAP_STATUSES, weights=(35, 25, 40))[0]
            updated = c + int((now - c) * rng.random())
            self._roadmap[rid] = {
                "id": rid,
                "name": rng.choice(_ROADMAP_NAMES).format(**_words(rng)),
                "details": rng.choice(_DETAILS) if rng.random() < 0.7 else None,
                "status": status,
                "difficulty": _rating(rng),
                "impact": _rating(rng),
                "created_at": iso_us(c),
                "updated_at": iso_us(updated),
            }
            linked = self._pick_feedback(rng, updated, rng.randint(1, 6), pool)
            self._rm_links[rid] = _Links(tags=sorted(rng.sample(list(self._tags), rng.randint(0, 2))), feedback=linked)
            # Linked feedback mostly follows the item's stage (the team moves both together).
            for fid in linked:
                if rng.random() < 0.85:
                    self._feedback[fid] = {**self._feedback[fid], "status": follows[status]}

    def _generate_updates(self, n: int) -> None:
        rng, now = self._rng, self._now
        created = sorted(now - rng.randint(2 * DAY, 280 * DAY) for _ in range(n))
        complete = [rid for rid, r in self._roadmap.items() if r["status"] == "complete"]
        in_progress = [rid for rid, r in self._roadmap.items() if r["status"] == "progress"]
        for i, c in enumerate(created):
            if i >= n - 2:
                status = "scheduled" if i == n - 1 else "draft"
            else:
                status = "published" if rng.random() < 0.85 else "draft"
            roadmap: list[int] = []
            if status == "published" and complete:
                roadmap = [complete.pop(0) for _ in range(min(len(complete), rng.randint(1, 2)))]
            elif status != "published" and in_progress and rng.random() < 0.7:
                roadmap = [rng.choice(in_progress)]
            self._store_update(rng, c, status, roadmap)

    def _store_update(self, rng: random.Random, created: int, status: str, roadmap: list[int]) -> int:
        """An update announcing `roadmap` items: it addresses their feedback plus a few other completed items."""
        uid = self._id("update")
        feedback = sorted({f for rid in roadmap for f in self._rm_links[rid].feedback})
        if status == "published":
            asked = iso_us(created)
            done = [
                f
                for f, p in self._feedback.items()
                if p["status"] == "completed"
                and p["created_at"] <= asked
                and f not in feedback
                and f not in self._malformed_ids
            ]
            feedback = sorted(feedback + rng.sample(done, min(len(done), rng.randint(0, 2))))
        published_at = schedule_at = None
        updated = created
        if status == "published":
            published_at = created + rng.randint(HOUR, 3 * DAY) if created < self._now - 3 * DAY else created
            updated = published_at
            if rng.random() < 0.3:
                schedule_at = published_at  # published by its schedule
        elif status == "scheduled":
            schedule_at = self._now + rng.randint(1, 14) * DAY
        words = _words(rng)
        if roadmap:
            name = self._roadmap[roadmap[0]]["name"]
            words.update(f=name[0].lower() + name[1:], F=name)
        self._updates[uid] = {
            "id": uid,
            "title": rng.choice(_UPDATE_TITLES).format(**words),
            "details": f"<p>{rng.choice(_DETAILS)}</p>",
            "status": status,
            "schedule_at": iso_us(schedule_at) if schedule_at is not None else None,
            "published_at": iso_us(published_at) if published_at is not None else None,
            "notify_everyone": rng.random() < 0.4,
            "created_at": iso_us(created),
            "updated_at": iso_us(updated),
        }
        tags = sorted(rng.sample(list(self._tags), rng.randint(0, 2)))
        self._up_links[uid] = _Links(tags=tags, feedback=feedback, roadmap=sorted(roadmap))
        return uid

    def _generate_helpdesk(self, n_articles: int) -> None:
        rng, now = self._rng, self._now
        for position, (name, description, is_public) in enumerate(_CATEGORIES, start=1):
            cid = self._id("category")
            self._categories[cid] = {
                "id": cid,
                "name": name,
                "slug": _slug(name),
                "description": description,
                "position": position,
                "is_public": is_public,
                "created_at": iso_us(now - 450 * DAY + cid * HOUR),
            }
        for c in sorted(now - rng.randint(DAY, 420 * DAY) for _ in range(n_articles)):
            aid = self._id("article")
            title = rng.choice(_ARTICLE_TITLES).format(**_words(rng))
            text = f"{title}. {rng.choice(_DETAILS)}"
            doc = {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}
            self._articles[aid] = {
                "id": aid,
                "title": title,
                "summary": f"{title} in a few steps." if rng.random() < 0.85 else None,
                "status": "published" if rng.random() < 0.8 else "draft",
                "is_pinned": rng.random() < 0.1,
                "category_id": rng.choice(list(self._categories)),
                "created_at": iso_us(c),
                "updated_at": iso_us(c + int((now - c) * rng.random() ** 2)),
            }
            tags = sorted(rng.sample(list(self._tags), rng.randint(0, 2)))
            self._article_extra[aid] = (orjson.dumps(doc).decode(), tags)

    # ------------------------------------------------------------------------------ mutations
    def _live_feedback(self) -> list[int]:
        """Feedback a mutation may touch: not deleted, not one of the injected malformed records."""
        return [fid for fid in self._feedback if fid not in self._malformed_ids]

    def _set_feedback(self, fid: int, rng: random.Random, touch: bool, **changes: Any) -> None:
        payload = {**self._feedback[fid], **changes}
        if touch:
            payload["updated_at"] = iso_us(self._now)
        if touch and self._unknown_field:
            payload[self._unknown_field] = round(rng.uniform(-1, 1), 3)
        self._feedback[fid] = payload

    def add_votes(self, n: int, seed: int | None = None) -> list[int]:
        """Cast `n` votes, popular feedback more likely; returns the feedback id per vote (repeats possible).

        `votes_count` += 1; `updated_at` does not move (module docstring).
        """
        with self._lock:
            rng, _ = self._begin(seed)
            ids = self._live_feedback()
            if not ids or n <= 0:
                return []
            chosen = rng.choices(ids, weights=[self._feedback[i]["votes_count"] + 2 for i in ids], k=int(n))
            for fid in chosen:
                self._set_feedback(fid, rng, False, votes_count=self._feedback[fid]["votes_count"] + 1)
            return chosen

    def remove_votes(self, n: int, seed: int | None = None) -> list[int]:
        """Withdraw `n` votes (uniformly among all votes); returns the feedback id per vote withdrawn."""
        with self._lock:
            rng, _ = self._begin(seed)
            ids = [i for i in self._live_feedback() if self._feedback[i]["votes_count"] > 0]
            weights = [self._feedback[i]["votes_count"] for i in ids]
            removed: list[int] = []
            for _ in range(int(n)):
                if not any(weights):
                    break
                k = rng.choices(range(len(ids)), weights=weights)[0]
                weights[k] -= 1
                removed.append(ids[k])
                self._set_feedback(ids[k], rng, False, votes_count=self._feedback[ids[k]]["votes_count"] - 1)
            return removed

    def add_comments(self, n: int, seed: int | None = None) -> list[int]:
        """`n` new comments on popular feedback: `comments_count` += 1, `updated_at` unchanged (like votes)."""
        with self._lock:
            rng, _ = self._begin(seed)
            ids = self._live_feedback()
            if not ids or n <= 0:
                return []
            chosen = rng.choices(ids, weights=[self._feedback[i]["votes_count"] + 2 for i in ids], k=int(n))
            for fid in chosen:
                self._set_feedback(fid, rng, False, comments_count=self._feedback[fid]["comments_count"] + 1)
            return chosen

    def change_status(self, n: int = 1, seed: int | None = None) -> list[int]:
        """Move `n` distinct feedback items to another status; `updated_at` = clock. Returns their ids."""
        with self._lock:
            rng, _ = self._begin(seed)
            ids = self._live_feedback()
            chosen = rng.sample(ids, min(int(n), len(ids)))
            for fid in chosen:
                current = self._feedback[fid]["status"]
                self._set_feedback(fid, rng, True, status=rng.choice([s for s in FEEDBACK_STATUSES if s != current]))
            return chosen

    def move_board(self, n: int = 1, seed: int | None = None) -> list[dict[str, Any]]:
        """Move `n` feedback items to another board (one of its boards is swapped; one on no board gets one).

        `updated_at` = clock. Returns `{"id", "from", "to"}` per move (`from` None when it was on no board).
        """
        with self._lock:
            rng, _ = self._begin(seed)
            ids = self._live_feedback()
            moves: list[dict[str, Any]] = []
            for fid in rng.sample(ids, min(int(n), len(ids))):
                links = self._fb_links[fid]
                targets = [b for b in self._boards if b not in links.boards]
                if not targets:
                    continue
                to = rng.choice(targets)
                source = rng.choice(links.boards) if links.boards else None
                boards = [to if b == source else b for b in links.boards] if source is not None else [to]
                self._fb_links[fid] = _FeedbackLinks(boards, links.tags, links.account, links.account_user)
                self._set_feedback(fid, rng, True)
                moves.append({"id": fid, "from": source, "to": to})
            return moves

    def add_feedback(self, n: int = 1, seed: int | None = None) -> list[int]:
        """Create `n` feedback items at the clock (no votes, no comments); their ids are the largest yet."""
        with self._lock:
            rng, now = self._begin(seed)
            added = [self._new_feedback(rng, now, now, 0, 0) for _ in range(int(n))]
            for fid in added:
                self._feedback[fid] = {**self._feedback[fid], "status": "new"}
            return added

    def delete_feedback(self, feedback_id: int) -> bool:
        """Delete a feedback item: gone from lists, 404 on detail, unlinked from roadmap items and updates."""
        with self._lock:
            fid = int(feedback_id)
            if fid not in self._feedback or fid in self._malformed_ids:
                return False
            _, now = self._begin(None)
            del self._feedback[fid]
            del self._fb_links[fid]
            for links in (*self._rm_links.values(), *self._up_links.values()):
                if fid in links.feedback:
                    links.feedback = [f for f in links.feedback if f != fid]
            self._deleted["feedback"][fid] = iso_us(now)
            return True

    def change_roadmap(self, n: int = 1, seed: int | None = None) -> list[int]:
        """Advance `n` distinct roadmap items a stage (planned -> progress -> complete); a complete item links one
        more feedback instead (an advancing one sometimes does too). `updated_at` = clock; the linked feedback's
        statuses are not changed (no cascade: the docs describe none). Returns the item ids."""
        with self._lock:
            rng, now = self._begin(seed)
            chosen = rng.sample(sorted(self._roadmap), min(int(n), len(self._roadmap)))
            for rid in chosen:
                item = self._roadmap[rid]
                status = item["status"]
                links = self._rm_links[rid]
                if status != "complete":
                    status = ROADMAP_STATUSES[ROADMAP_STATUSES.index(status) + 1]
                if status == item["status"] or rng.random() < 0.3:
                    new = [f for f in self._pick_feedback(rng, now, 3) if f not in links.feedback][:1]
                    links.feedback = sorted(links.feedback + new)
                self._roadmap[rid] = {**item, "status": status, "updated_at": iso_us(now)}
            return chosen

    def add_roadmap(self, n: int = 1, seed: int | None = None) -> list[int]:
        """Create `n` planned roadmap items at the clock, each linking 1-3 popular feedback items."""
        with self._lock:
            rng, now = self._begin(seed)
            added: list[int] = []
            for _ in range(int(n)):
                rid = self._id("roadmap")
                self._roadmap[rid] = {
                    "id": rid,
                    "name": rng.choice(_ROADMAP_NAMES).format(**_words(rng)),
                    "details": rng.choice(_DETAILS),
                    "status": "planned",
                    "difficulty": _rating(rng),
                    "impact": _rating(rng),
                    "created_at": iso_us(now),
                    "updated_at": iso_us(now),
                }
                self._rm_links[rid] = _Links(feedback=self._pick_feedback(rng, now, rng.randint(1, 3)))
                added.append(rid)
            return added

    def delete_roadmap(self, roadmap_id: int) -> bool:
        """Delete a roadmap item (also unlinked from updates, whose `updated_at` does not move)."""
        with self._lock:
            rid = int(roadmap_id)
            if rid not in self._roadmap:
                return False
            _, now = self._begin(None)
            del self._roadmap[rid]
            del self._rm_links[rid]
            for links in self._up_links.values():
                if rid in links.roadmap:
                    links.roadmap = [r for r in links.roadmap if r != rid]
            self._deleted["roadmap"][rid] = iso_us(now)
            return True

    def _unannounced(self) -> list[int]:
        announced = {r for uid, links in self._up_links.items() for r in links.roadmap}
        return [r for r, item in self._roadmap.items() if item["status"] == "complete" and r not in announced]

    def add_update(self, n: int = 1, seed: int | None = None) -> list[int]:
        """Draft `n` updates at the clock, each announcing a completed roadmap item not announced yet (if any)
        with the feedback it addresses."""
        with self._lock:
            rng, now = self._begin(seed)
            return [self._draft(rng, now) for _ in range(int(n))]

    def _draft(self, rng: random.Random, now: int) -> int:
        pending = self._unannounced()
        return self._store_update(rng, now, "draft", pending[:1])

    def publish_update(self, n: int = 1, seed: int | None = None) -> list[int]:
        """Publish `n` drafts or scheduled updates (oldest first; drafts are written first when there are too
        few): status published, `published_at` = `updated_at` = clock. Returns their ids."""
        with self._lock:
            rng, now = self._begin(seed)
            waiting = [u for u, p in self._updates.items() if p["status"] != "published"]
            while len(waiting) < int(n):
                waiting.append(self._draft(rng, now))
            chosen = waiting[: int(n)]
            for uid in chosen:
                self._updates[uid] = {
                    **self._updates[uid],
                    "status": "published",
                    "published_at": iso_us(now),
                    "updated_at": iso_us(now),
                }
            return chosen

    def delete_update(self, update_id: int) -> bool:
        """Delete an update (gone from lists, 404 on detail)."""
        return self._delete("updates", self._updates, self._up_links, update_id)

    def delete_article(self, article_id: int) -> bool:
        """Delete a helpdesk article (gone from lists, 404 on detail; its category's count drops)."""
        return self._delete("articles", self._articles, self._article_extra, article_id)

    def _delete(self, kind: str, store: dict[int, Any], extra: dict[int, Any], item_id: int) -> bool:
        with self._lock:
            iid = int(item_id)
            if iid not in store:
                return False
            _, now = self._begin(None)
            del store[iid]
            extra.pop(iid, None)
            self._deleted[kind][iid] = iso_us(now)
            return True

    def inject_malformed_feedback(self) -> list[dict[str, Any]]:
        """Two broken records at the top of the feedback list: one without "id", one whose `updated_at` is a
        MySQL zero date. Both are left out of `truth()["feedback"]` (listed under "malformed"); the first is
        unreachable by detail, the second serves its broken payload on `GET /feedback/{id}` too."""
        with self._lock:
            rng, now = self._begin(None)
            info: list[dict[str, Any]] = []
            # The item without id is created last: the largest id, so it is served first under id desc.
            for reason in ("invalid_updated_at", "missing_id"):
                fid = self._new_feedback(rng, now, now, 0, 0)
                payload = dict(self._feedback[fid])
                if reason == "missing_id":
                    del payload["id"]
                    self._hidden_ids.add(fid)
                else:
                    payload["updated_at"] = INVALID_TIMESTAMP
                self._feedback[fid] = payload
                self._malformed_ids.add(fid)
                info.insert(0, {"id": None if reason == "missing_id" else fid, "reason": reason})
            self._malformed[:0] = info  # newest first, like the list
            return info

    def add_unknown_field(self, name: str = "sentiment_score") -> str:
        """A new column appears: every feedback payload carries `name` from now on, null on records not written
        since and a number on records created or changed afterwards."""
        with self._lock:
            self._begin(None)
            self._unknown_field = name
            self._feedback = {fid: {**p, name: p.get(name)} for fid, p in self._feedback.items()}
            return name

    # ---------------------------------------------------------------------------------- reads
    def _open_counts(self) -> dict[int, int]:
        counts: Counter[int] = Counter()
        for fid, links in self._fb_links.items():
            if self._feedback[fid]["status"] in OPEN_FEEDBACK_STATUSES:
                counts.update(links.boards)
        return counts

    def list_boards(self) -> list[dict[str, Any]]:
        """`GET /boards` data: every board in id order, with `open_feedbacks_count`."""
        with self._lock:
            cached = self._cache.get(("boards",))
            if cached is None:
                counts = self._open_counts()
                cached = self._cache[("boards",)] = [self._board(b, counts) for b in sorted(self._boards)]
            return list(cached)

    def _board(self, bid: int, counts: dict[int, int]) -> dict[str, Any]:
        board = self._boards[bid]
        return {
            **{k: board[k] for k in ("id", "name", "description", "color", "visibility")},
            "open_feedbacks_count": counts.get(bid, 0),
            "created_at": board["created_at"],
            "updated_at": board["updated_at"],
        }

    def get_board(self, board_id: int) -> dict[str, Any] | None:
        """`GET /boards/{id}` data, or None."""
        with self._lock:
            return self._board(board_id, self._open_counts()) if board_id in self._boards else None

    def board_ids(self) -> list[int]:
        """The product's board ids (for `?board_id=` scans)."""
        with self._lock:
            return sorted(self._boards)

    def list_feedback(self, board_id: int | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """`GET /feedback` items, newest first (`id` desc), optionally on one board / in one status.

        Unknown board ids give an empty list (the docs do not say the filter is validated against boards).
        """
        with self._lock:
            key = ("feedback", board_id, status)
            cached = self._cache.get(key)
            if cached is None:
                cached = self._cache[key] = [
                    self._feedback[fid]
                    for fid in sorted(self._feedback, reverse=True)
                    if (board_id is None or board_id in self._fb_links[fid].boards)
                    and (status is None or self._feedback[fid]["status"] == status)
                ]
            return list(cached)

    def get_feedback(self, feedback_id: int) -> dict[str, Any] | None:
        """`GET /feedback/{id}` data (list fields + boards, tags, account, account_user), or None."""
        with self._lock:
            payload = self._feedback.get(feedback_id)
            if payload is None or feedback_id in self._hidden_ids:
                return None
            links = self._fb_links[feedback_id]
            account = self._accounts[links.account] if links.account is not None else None
            user = self._users[links.account_user] if links.account_user is not None else None
            return {
                **payload,
                "boards": [{"id": b, "name": self._boards[b]["name"]} for b in links.boards],
                "tags": self._tag_list(links.tags),
                "account": dict(account) if account else None,
                "account_user": dict(user) if user else None,
            }

    def _tag_list(self, tag_ids: list[int]) -> list[dict[str, Any]]:
        return [dict(self._tags[t]) for t in tag_ids]

    def _ref(self, ids: list[int], store: dict[int, dict[str, Any]], name: str) -> list[dict[str, Any]]:
        return [{"id": i, name: store[i][name]} for i in ids if i in store]

    def list_roadmap(self, status: str | None = None) -> list[dict[str, Any]]:
        """`GET /roadmap` items, newest first."""
        return self._listing("roadmap", self._roadmap, status)

    def get_roadmap(self, roadmap_id: int) -> dict[str, Any] | None:
        """`GET /roadmap/{id}` data (+ tags, feedback `[{id, title}]`), or None."""
        with self._lock:
            item = self._roadmap.get(roadmap_id)
            if item is None:
                return None
            links = self._rm_links[roadmap_id]
            return {
                **item,
                "tags": self._tag_list(links.tags),
                "feedback": self._ref(links.feedback, self._feedback, "title"),
            }

    def list_updates(self, status: str | None = None) -> list[dict[str, Any]]:
        """`GET /updates` items, newest first."""
        return self._listing("updates", self._updates, status)

    def get_update(self, update_id: int) -> dict[str, Any] | None:
        """`GET /updates/{id}` data (+ tags, feedback `[{id, title}]`, roadmap `[{id, name}]`), or None."""
        with self._lock:
            item = self._updates.get(update_id)
            if item is None:
                return None
            links = self._up_links[update_id]
            return {
                **item,
                "tags": self._tag_list(links.tags),
                "feedback": self._ref(links.feedback, self._feedback, "title"),
                "roadmap": self._ref(links.roadmap, self._roadmap, "name"),
            }

    def list_categories(self) -> list[dict[str, Any]]:
        """`GET /helpdesk/categories` data in `position` order, with `articles_count` (drafts included)."""
        with self._lock:
            return [self._category(c) for c in sorted(self._categories, key=lambda c: self._categories[c]["position"])]

    def _category(self, cid: int) -> dict[str, Any]:
        category = self._categories[cid]
        return {
            **{k: category[k] for k in ("id", "name", "slug", "description", "position", "is_public")},
            "articles_count": sum(1 for a in self._articles.values() if a["category_id"] == cid),
            "created_at": category["created_at"],
        }

    def get_category(self, category_id: int) -> dict[str, Any] | None:
        """`GET /helpdesk/categories/{id}` data, or None."""
        with self._lock:
            return self._category(category_id) if category_id in self._categories else None

    def list_articles(self, category_id: int | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """`GET /helpdesk/articles` items, newest first, optionally of one category / in one status."""
        with self._lock:
            items = self._listing("articles", self._articles, status)
            return [a for a in items if category_id is None or a["category_id"] == category_id]

    def get_article(self, article_id: int) -> dict[str, Any] | None:
        """`GET /helpdesk/articles/{id}` data (+ content_json, category `{id, name, slug}`, tags), or None."""
        with self._lock:
            item = self._articles.get(article_id)
            if item is None:
                return None
            content, tags = self._article_extra[article_id]
            category = self._categories.get(item["category_id"])
            return {
                **item,
                "content_json": content,
                "category": {k: category[k] for k in ("id", "name", "slug")} if category else None,
                "tags": self._tag_list(tags),
            }

    def _listing(self, kind: str, store: dict[int, dict[str, Any]], status: str | None) -> list[dict[str, Any]]:
        with self._lock:
            key = (kind, status)
            cached = self._cache.get(key)
            if cached is None:
                ids = sorted(store, reverse=True)
                cached = self._cache[key] = [store[i] for i in ids if status is None or store[i]["status"] == status]
            return list(cached)

    # ---------------------------------------------------------------------------------- truth
    def truth(self) -> dict[str, Any]:
        """JSON-able ground truth (ids as string keys). Deleted and malformed records are not under their kind:
        they are listed under "deleted" / "malformed"."""
        with self._lock:
            feedback: dict[str, Any] = {}
            for fid in sorted(self._feedback):
                if fid in self._malformed_ids:
                    continue
                p, links = self._feedback[fid], self._fb_links[fid]
                user = self._users[links.account_user] if links.account_user is not None else None
                feedback[str(fid)] = {
                    "title": p["title"],
                    "status": p["status"],
                    "votes_count": p["votes_count"],
                    "comments_count": p["comments_count"],
                    "board_ids": sorted(links.boards),
                    "tag_ids": list(links.tags),
                    "tags": [self._tags[t]["name"] for t in links.tags],
                    "account": dict(self._accounts[links.account]) if links.account is not None else None,
                    "account_user": dict(user) if user else None,
                    "created_at": p["created_at"],
                    "updated_at": p["updated_at"],
                }
            counts = self._open_counts()
            boards = {
                str(b): {
                    "name": board["name"],
                    "visibility": board["visibility"],
                    "open_feedbacks_count": counts.get(b, 0),
                    "feedback_ids": sorted(int(f) for f, t in feedback.items() if b in t["board_ids"]),
                }
                for b, board in sorted(self._boards.items())
            }
            roadmap = {
                str(r): {
                    "name": item["name"],
                    "status": item["status"],
                    "feedback_ids": list(self._rm_links[r].feedback),
                    "tag_ids": list(self._rm_links[r].tags),
                    "created_at": item["created_at"],
                    "updated_at": item["updated_at"],
                }
                for r, item in sorted(self._roadmap.items())
            }
            updates = {
                str(u): {
                    "title": item["title"],
                    "status": item["status"],
                    "published_at": item["published_at"],
                    "feedback_ids": list(self._up_links[u].feedback),
                    "roadmap_ids": list(self._up_links[u].roadmap),
                    "updated_at": item["updated_at"],
                }
                for u, item in sorted(self._updates.items())
            }
            articles = {
                str(a): {
                    "title": item["title"],
                    "status": item["status"],
                    "is_pinned": item["is_pinned"],
                    "category_id": item["category_id"],
                    "tag_ids": list(self._article_extra[a][1]),
                    "updated_at": item["updated_at"],
                }
                for a, item in sorted(self._articles.items())
            }
            categories = {
                str(c): {
                    "name": cat["name"],
                    "position": cat["position"],
                    "is_public": cat["is_public"],
                    "article_ids": sorted(a for a, item in self._articles.items() if item["category_id"] == c),
                }
                for c, cat in sorted(self._categories.items())
            }
            return {
                "product_id": self.product_id,
                "seed": self.seed,
                "now": iso_us(self._now),
                "counts": {
                    "boards": len(boards),
                    "feedback": len(feedback),
                    "votes": sum(f["votes_count"] for f in feedback.values()),
                    "roadmap": len(roadmap),
                    "updates": len(updates),
                    "categories": len(categories),
                    "articles": len(articles),
                    "accounts": len(self._accounts),
                    "account_users": len(self._users),
                },
                "boards": boards,
                "tags": {str(t): tag["name"] for t, tag in sorted(self._tags.items())},
                "feedback": feedback,
                "roadmap": roadmap,
                "updates": updates,
                "helpdesk": {"categories": categories, "articles": articles},
                "deleted": {kind: sorted(ids) for kind, ids in self._deleted.items()},
                "malformed": list(self._malformed),
                "unknown_field": self._unknown_field,
            }


def generate_workspace(
    seed: int = 7,
    feedback: int = 200,
    product_id: str = "product_a",
    now: datetime | None = None,
) -> UsersLoopWorkspace:
    """Deterministic product: same arguments, same data.

    `feedback` sets the size; the rest follows it: 5 boards, 8 tags, feedback // 5 accounts (>= 8) with 1-8 users
    each, feedback // 10 roadmap items (>= 4), 3/4 as many updates (the last ones draft / scheduled), 5 helpdesk
    categories and 12 + feedback // 25 articles.
    """
    if feedback < 0:
        raise ValueError("feedback must be >= 0")
    ws = UsersLoopWorkspace(product_id, seed, now or DEFAULT_NOW)
    ws._generate(int(feedback))
    return ws
