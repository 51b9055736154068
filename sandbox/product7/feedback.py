"""Product7 feedback for the sandbox workspace: boards, categories and feedback items with vote and comment counts.

Contract (VENDORS.md): `GET /api/v1/feedback?limit=&cursor=&sort=` with items `{id, title, content, board,
category, status, tags, url, url_slug, vote_count, comment_count, author, created_at, updated_at}`. There are no
voter lists and no vote times, so votes exist only as `vote_count`.

DECISIONS fixed here:
- vote changes move `vote_count` only and never `updated_at` (a source can only see them by re-reading counts);
  a status change, a new comment or a new item sets `updated_at` to the clock.
- sorts: `newest` = `created_at` desc (then id desc); `top` = `vote_count` desc, then `created_at` desc, id desc;
  `trending` = (vote_count + 2 comment_count) / (age in days + 2) ^ 1.3 desc, then id desc, at the clock.

Generation uses its own `random.Random(f"{seed}-feedback")` after the tickets, so ticket data for a seed is
identical with or without feedback; feedback mutations without `seed` draw from that generator too.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox.framework.ids import iso_ms, to_ms
from sandbox.framework.paging import keyset_page

if TYPE_CHECKING:
    from sandbox.product7.workspace import Product7Workspace

HOUR = 3_600_000
DAY = 24 * HOUR

FEEDBACK_STATUSES = ("open", "pending", "under_review", "planned", "in_progress", "completed", "closed")
FEEDBACK_SORTS = ("newest", "top", "trending")
_STATUS_WEIGHTS = (30, 5, 12, 15, 10, 18, 10)
_BOARDS = [  # name, weight, categories
    ("Feature Requests", 45, ["Usability", "Reporting", "Admin"]),
    ("Integrations", 20, ["CRM", "Chat", "Developer tools"]),
    ("Bugs", 25, ["Web app", "API"]),
    ("Mobile", 10, ["iOS", "Android"]),
]
_FEATURES = [
    "dark mode",
    "SSO with Okta",
    "CSV export",
    "custom domains",
    "two-factor authentication",
    "bulk editing",
    "audit log",
    "saved filters",
    "keyboard shortcuts",
    "recurring invoices",
]
_INTEGRATIONS = ["Slack", "Jira", "Linear", "HubSpot", "Salesforce", "Zapier", "GitHub", "Notion"]
_BUGS = ["Search misses recent posts", "Widget flickers on load", "Emails arrive twice", "Dates in wrong timezone"]
_MOBILE = ["iOS app", "Android app", "mobile widget"]
_TEMPLATES = {
    "Feature Requests": ["Add {f}", "Support {f}", "Please add {f}", "{F} for teams"],
    "Integrations": ["{i} integration", "Two-way sync with {i}", "Send new tickets to {i}"],
    "Bugs": ["{b}", "{b} in Safari", "{b} since last update"],
    "Mobile": ["Offline mode in the {m}", "Push notifications in the {m}", "{F} in the {m}"],
}
_TAGS = ["ux", "api", "performance", "enterprise", "billing", "integration", "mobile", "security"]
_FIRST = ["Alex", "Bea", "Carlos", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena"]
_LAST = ["Adams", "Brooks", "Chen", "Diaz", "Ek", "Flores", "Gupta", "Hill", "Ivanova", "Jones", "Kim", "Lopez"]


def _slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)


def _ms(ts: str) -> int:
    return to_ms(datetime.fromisoformat(ts))


class FeedbackStore:
    """Feedback state of one workspace; shares its lock, clock and per-kind id counters.

    Item dicts are replaced, never mutated in place; sorted indexes are rebuilt lazily after a change (the
    trending one also whenever the clock moved, since its scores decay with age).
    """

    def __init__(self, ws: Product7Workspace) -> None:
        self.ws = ws
        self.rng = random.Random(f"{ws.seed}-feedback")
        self.boards: list[dict[str, Any]] = []
        self.categories: dict[str, list[dict[str, Any]]] = {}
        self.users: list[dict[str, Any]] = []
        self._items: dict[str, dict[str, Any]] = {}
        self._deleted: dict[str, dict[str, Any]] = {}
        self._indexes: dict[Any, tuple[list[tuple[Any, ...]], list[dict[str, Any]]]] = {}

    # ------------------------------------------------------------------------------------ generation
    def generate(self, n_items: int) -> None:
        ws, rng = self.ws, self.rng
        now = ws._now_ms
        for name, _, cats in _BOARDS:
            board = {"id": ws._uuid("board"), "name": name}
            self.boards.append(board)
            self.categories[board["id"]] = [{"id": ws._uuid("category"), "name": c} for c in cats]
        for i in range(max(20, n_items)):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            email = f"{first.lower()}.{last.lower()}{i}@users.example"
            self.users.append({"id": ws._uuid("user"), "name": f"{first} {last}", "email": email})
        # Zipf-like popularity: a few items with hundreds of votes, most with a handful, some with none.
        created = sorted(now - rng.randint(HOUR, 180 * DAY) for _ in range(n_items))
        ranks = list(range(1, n_items + 1))
        rng.shuffle(ranks)
        for created_ms, rank in zip(created, ranks, strict=True):
            item = self._new_item(rng, created_ms, rng.choices(FEEDBACK_STATUSES, weights=_STATUS_WEIGHTS)[0])
            votes = max(0, int(400 / rank**1.1 * rng.uniform(0.6, 1.4)) - (rng.random() < 0.3))
            comments = int(rng.expovariate(1 / 2.5)) + votes // 40
            updated = created_ms + int((now - created_ms) * rng.random() ** 2) if comments or rng.random() < 0.5 else 0
            item.update(vote_count=votes, comment_count=comments, updated_at=iso_ms(max(created_ms, updated)))
            self._items[item["id"]] = item
        if n_items >= 2:  # the same request filed twice: a duplicate title is always there
            first, second = sorted(self._items)[:2]
            self._items[second] = {**self._items[second], "title": self._items[first]["title"]}

    def _new_item(self, rng: random.Random, created_ms: int, status: str) -> dict[str, Any]:
        board_i = rng.choices(range(len(self.boards)), weights=[b[1] for b in _BOARDS])[0]
        board = self.boards[board_i]
        feature = rng.choice(_FEATURES)
        words = {"f": feature, "F": feature[0].upper() + feature[1:], "i": rng.choice(_INTEGRATIONS)}
        words.update(b=rng.choice(_BUGS), m=rng.choice(_MOBILE))
        title = rng.choice(_TEMPLATES[_BOARDS[board_i][0]]).format(**words)
        item_id = self.ws._uuid("feedback")
        slug = f"{_slug(title)}-{item_id[:6]}"
        author = rng.choice(self.users) if rng.random() < 0.9 else None
        ts = iso_ms(created_ms)
        return {
            "id": item_id,
            "title": title,
            "content": f"{title}. It would help our team a lot.",
            "board": dict(board),
            "category": dict(rng.choice(self.categories[board["id"]])) if rng.random() < 0.75 else None,
            "status": status,
            "tags": sorted(rng.sample(_TAGS, rng.choices([0, 1, 2], weights=(40, 40, 20))[0])),
            "url": f"https://{self.ws.workspace_info['domain']}.product7.io/b/{_slug(board['name'])}/p/{slug}",
            "url_slug": slug,
            "vote_count": 0,
            "comment_count": 0,
            "author": dict(author) if author else None,
            "created_at": ts,
            "updated_at": ts,
        }

    # ------------------------------------------------------------------------------------- mutations
    def _begin(self, seed: int | None) -> tuple[random.Random, int]:
        self._indexes.clear()
        return (random.Random(seed) if seed is not None else self.rng), self.ws._tick()

    def _popular(self, rng: random.Random, with_votes: bool = False) -> str | None:
        ids = sorted(i for i, item in self._items.items() if not with_votes or item["vote_count"] > 0)
        if not ids:
            return None
        weights = [self._items[i]["vote_count"] + (0 if with_votes else 2) for i in ids]
        return rng.choices(ids, weights=weights)[0]

    def add_votes(self, n: int, seed: int | None) -> list[str]:
        with self.ws._lock:
            rng, _ = self._begin(seed)
            voted = []
            for _ in range(int(n)):
                item_id = self._popular(rng)
                if item_id is None:
                    break
                item = self._items[item_id]
                self._items[item_id] = {**item, "vote_count": item["vote_count"] + 1}
                voted.append(item_id)
            return voted

    def remove_votes(self, n: int, seed: int | None) -> list[str]:
        with self.ws._lock:
            rng, _ = self._begin(seed)
            removed = []
            for _ in range(int(n)):
                item_id = self._popular(rng, with_votes=True)
                if item_id is None:
                    break
                item = self._items[item_id]
                self._items[item_id] = {**item, "vote_count": item["vote_count"] - 1}
                removed.append(item_id)
            return removed

    def change_status(self, n: int, seed: int | None) -> list[str]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            chosen = rng.sample(sorted(self._items), min(int(n), len(self._items)))
            for item_id in chosen:
                item = self._items[item_id]
                status = rng.choice([s for s in FEEDBACK_STATUSES if s != item["status"]])
                self._items[item_id] = {**item, "status": status, "updated_at": iso_ms(now)}
            return chosen

    def add_comments(self, n: int, seed: int | None) -> list[str]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            commented = []
            for _ in range(int(n)):
                item_id = self._popular(rng)
                if item_id is None:
                    break
                item = self._items[item_id]
                self._items[item_id] = {**item, "comment_count": item["comment_count"] + 1, "updated_at": iso_ms(now)}
                commented.append(item_id)
            return commented

    def add_items(self, n: int, seed: int | None) -> list[str]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            added = []
            for _ in range(int(n)):
                item = self._new_item(rng, now, "open")
                self._items[item["id"]] = item
                added.append(item["id"])
            return added

    def delete(self, item_id: str) -> bool:
        with self.ws._lock:
            if item_id not in self._items:
                return False
            _, now = self._begin(None)
            del self._items[item_id]
            self._deleted[item_id] = {"deleted_at": iso_ms(now), "deleted": True}
            return True

    # ------------------------------------------------------------------------------------------ reads
    def _key(self, sort: str, item: dict[str, Any]) -> tuple[Any, ...]:
        if sort == "top":
            return (item["vote_count"], item["created_at"], item["id"])
        if sort == "trending":
            age_days = max(0.0, (self.ws._now_ms - _ms(item["created_at"])) / DAY)
            return ((item["vote_count"] + 2 * item["comment_count"]) / (age_days + 2) ** 1.3, item["id"])
        return (item["created_at"], item["id"])

    def _index(self, sort: str) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
        cache_key = (sort, self.ws._now_ms) if sort == "trending" else sort
        idx = self._indexes.get(cache_key)
        if idx is None:
            if sort == "trending":
                for stale in [k for k in self._indexes if isinstance(k, tuple)]:
                    del self._indexes[stale]
            rows = sorted(((self._key(sort, item), item) for item in self._items.values()), key=lambda r: r[0])
            idx = ([r[0] for r in rows], [r[1] for r in rows])
            self._indexes[cache_key] = idx
        return idx

    def page(
        self, sort: str, limit: int, after: tuple[Any, ...] | None, filters: dict[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], tuple[Any, ...] | None]:
        """One keyset page, descending: (items, key of the last one if more follow)."""
        with self.ws._lock:
            keys, items = self._index(sort)
            keep = (lambda item: _matches(item, filters)) if filters else None
            return keyset_page(keys, items, False, after, limit, keep)

    def items(self) -> list[dict[str, Any]]:
        """Every item as served, newest first."""
        with self.ws._lock:
            return list(reversed(self._index("newest")[1]))

    # ------------------------------------------------------------------------------------------ truth
    def truth(self) -> dict[str, Any]:
        with self.ws._lock:
            return {
                "feedback_count": len(self._items),
                "feedback": {
                    i: {
                        "title": item["title"],
                        "vote_count": item["vote_count"],
                        "comment_count": item["comment_count"],
                        "status": item["status"],
                        "board_id": item["board"]["id"],
                        "created_at": item["created_at"],
                        "updated_at": item["updated_at"],
                        "deleted": False,
                    }
                    for i, item in sorted(self._items.items())
                },
                "deleted_feedback": dict(self._deleted),
                "boards": [b["id"] for b in self.boards],
            }


def _matches(item: dict[str, Any], f: dict[str, Any]) -> bool:
    """The documented filters: board ids, statuses, tags (any of), keywords in title or content."""
    if "boards" in f and item["board"]["id"] not in f["boards"]:
        return False
    if "statuses" in f and item["status"] not in f["statuses"]:
        return False
    if "tags" in f and not f["tags"].intersection(item["tags"]):
        return False
    if "keywords" in f:
        text = f"{item['title']} {item['content']}".lower()
        return all(word in text for word in f["keywords"])
    return True
