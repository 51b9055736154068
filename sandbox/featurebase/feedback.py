"""Featurebase feedback boards for the sandbox workspace: boards, posts, voters (with companies) and comments.

Served by `FeaturebaseApp` next to tickets (one organisation = one workspace holding both). The contract is
Featurebase's public v2 docs: `GET /v2/posts`, `GET /v2/posts/{id}/voters`, `GET /v2/comments` (cursor lists)
and `GET /v2/boards` (plain array of the feedback boards; ticket categories are not repeated there).

Generation uses its own `random.Random(f"{seed}-feedback")` and runs after the tickets, so ticket data for
a seed is byte-identical with or without feedback. Feedback mutations called without `seed` also draw from
that generator, never from the tickets' one, so ticket mutation sequences are unaffected too.

Mutation DECISION: any change to a post (vote cast or withdrawn, status change, new comment) sets the post's
`updatedAt` to the workspace clock, so `sortBy=recent` surfaces it first. Every mutation call first moves the
clock >= 1 s (like ticket mutations), and all its changes share that instant.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox.framework.ids import iso_ms, to_ms
from sandbox.framework.paging import ParamError, encode_cursor, int_arg, keyset_cursor, keyset_page, multi_arg
from sandbox.framework.server import Request, Response

if TYPE_CHECKING:
    from sandbox.featurebase.app import FeaturebaseApp
    from sandbox.featurebase.workspace import FeaturebaseWorkspace

HOUR = 3_600_000
DAY = 24 * HOUR

POST_SORTS = ("createdAt", "upvotes", "trending", "recent")
COMMENT_SORTS = ("best", "top", "new", "old")
FEEDBACK_MUTATIONS = (
    "add_votes",
    "remove_votes",
    "change_post_status",
    "set_post_status_type",
    "add_comments",
    "add_posts",
    "delete_post",
)

_BOARDS = [
    ("Feature Requests", "emoji", "💡", 45),
    ("Integrations", "icon", "puzzle", 20),
    ("Bugs", "icon", "bug", 25),
    ("Mobile", "emoji", "📱", 10),
]
_POST_STATUSES = [  # name, color, type, isDefault, weight for generated posts
    ("Open", "Blue", "reviewing", True, 35),
    ("Under Review", "Purple", "reviewing", False, 10),
    ("Planned", "Sky", "unstarted", False, 18),
    ("In Progress", "Yellow", "active", False, 10),
    ("Completed", "Green", "completed", False, 17),
    ("Rejected", "Red", "canceled", False, 10),
]
_PLANS = [("Free", 0, 0), ("Starter", 29, 99), ("Pro", 99, 600), ("Business", 500, 1800), ("Enterprise", 2000, 5000)]
_CO_A = ["North", "Blue", "Bright", "Silver", "Green", "Red", "Quantum", "Iron", "Swift", "Polar", "Lunar", "Solar"]
_CO_B = ["Labs", "Works", "Systems", "Analytics", "Logistics", "Health", "Retail", "Media", "Capital", "Foods"]
_INDUSTRIES = ["SaaS", "E-commerce", "Fintech", "Healthcare", "Education", "Media", "Logistics"]
_FEATURES = [
    "dark mode",
    "SSO with Okta",
    "CSV export",
    "custom domains",
    "two-factor authentication",
    "bulk editing",
    "webhooks for status changes",
    "public API rate limit increase",
    "multi-language widget",
    "roadmap embeds",
    "keyboard shortcuts",
    "audit log",
    "saved filters",
    "recurring invoices",
]
_INTEGRATIONS = ["Slack", "Jira", "Linear", "HubSpot", "Salesforce", "Zapier", "GitHub", "Intercom", "Notion"]
_BUGS = ["Search misses recent posts", "Widget flickers on load", "Emails arrive twice", "Upvote button unresponsive"]
_BUGS += ["Dates shown in wrong timezone", "Images fail to upload", "Changelog page is blank"]
_MOBILE = ["iOS app", "Android app", "mobile widget", "tablet layout"]
_TEMPLATES = {
    "Feature Requests": ["Add {f}", "Support {f}", "Please add {f}", "{F} for teams"],
    "Integrations": ["{i} integration", "Two-way sync with {i}", "Send new posts to {i}"],
    "Bugs": ["{b}", "{b} in Safari", "{b} since last update"],
    "Mobile": ["Offline mode in the {m}", "Push notifications for the {m}", "{F} in the {m}"],
}
_TAGS = ["ux", "api", "performance", "enterprise", "billing", "integration", "mobile", "security"]
_COMMENTS = [
    "We need this too, it is blocking our rollout.",
    "+1, this would save our team hours every week.",
    "Any ETA on this?",
    "Our workaround is a Zapier flow, but native support would be much better.",
    "This is the main reason we are evaluating alternatives.",
    "Thanks for planning this!",
    "Would love to beta test this.",
    "Same issue here on the latest version.",
]
_REPLIES = ["Agreed!", "Same for us.", "Thanks for the update.", "Could you share your workaround?"]
_ADMIN_COMMENTS = [
    "Thanks for the feedback! We are looking into it.",
    "This is now on our roadmap.",
    "Shipped! Let us know what you think.",
    "Could you tell us more about your use case?",
]
_PRIVATE_NOTES = ["Big account asking, prioritise.", "Duplicate of an older post.", "Needs design review first."]


def _slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)


class FeedbackStore:
    """Feedback state of one workspace; shares its lock, clock and per-kind id counters.

    Post and comment dicts are replaced, never mutated in place, so a response being serialised never sees
    half a mutation. Votes are kept per post in cast order with a global sequence number (the voters cursor).
    """

    def __init__(self, ws: FeaturebaseWorkspace) -> None:
        self.ws = ws
        self.rng = random.Random(f"{ws.seed}-feedback")
        self.boards: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []
        self.companies: list[dict[str, Any]] = []
        self.users: list[dict[str, Any]] = []
        self._user_by_id: dict[str, dict[str, Any]] = {}
        self.posts: dict[str, dict[str, Any]] = {}
        self.votes: dict[str, dict[str, int]] = {}  # post id -> {user id: vote sequence}, in cast order
        self.comments: dict[str, dict[str, Any]] = {}
        self.post_comments: dict[str, list[str]] = {}
        self.deleted_posts: list[str] = []
        self._vote_seq = 0
        self._post_n = 0
        self._indexes: dict[Any, tuple[list[tuple[Any, ...]], list[dict[str, Any]]]] = {}

    # ---------------------------------------------------------------------------- generation
    def generate(self, n_posts: int, n_users: int, n_companies: int) -> None:
        ws, rng = self.ws, self.rng
        now = ws._now_ms
        created = iso_ms(now - 400 * DAY)
        template = ws.categories[0] if ws.categories else {}
        for name, icon_type, icon, _ in _BOARDS:
            board = {
                **template,
                "id": ws._id("board"),
                "access": {"adminOnly": False, "allowedRoles": [], "deniedRoles": [], "segments": []},
                "createdAt": created,
                "customFields": [],
                "features": {"commentsEnabled": True, "createdDatesVisible": True, "postingEnabled": True},
                "icon": {"type": icon_type, "value": icon},
                "localization": {"name": {"en": name}, "description": {"en": f"{name} from our customers"}},
                "name": name,
                "object": "board",
                "postDefaults": {"visibility": "public"},
                "supportBoard": False,
            }
            board.pop("supportBoardType", None)
            self.boards.append(board)
        self.statuses = [
            {"id": ws._id("post_status"), "color": c, "isDefault": d, "name": n, "object": "post_status", "type": t}
            for n, c, t, d, _ in _POST_STATUSES
        ]
        self._generate_companies(n_companies, now)
        self._generate_users(n_users)
        # Zipf-like popularity: a few posts with hundreds of voters, most with a handful, some with none.
        created_ms = sorted(now - rng.randint(HOUR, 120 * DAY) for _ in range(n_posts))
        ranks = list(range(1, n_posts + 1))
        rng.shuffle(ranks)
        top = n_users * 0.5
        for c_ms, rank in zip(created_ms, ranks, strict=True):
            n_votes = int(top / rank**1.1 * rng.uniform(0.6, 1.4)) - (rng.random() < 0.35)
            post = self._new_post(rng, c_ms)
            voters = rng.sample(range(len(self.users)), max(0, min(n_votes, len(self.users))))
            self.votes[post["id"]] = {}
            for u in voters:
                self._vote_seq += 1
                self.votes[post["id"]][self.users[u]["id"]] = self._vote_seq
            post["upvotes"] = len(voters)
            self.posts[post["id"]] = post
            last = self._generate_comments(rng, post, c_ms, now)
            post["updatedAt"] = iso_ms(max(last, c_ms + int((now - c_ms) * rng.random() ** 2)))
            post["commentCount"] = len(self.post_comments[post["id"]])

    def _generate_companies(self, n: int, now: int) -> None:
        ws, rng = self.ws, self.rng
        # The org's ticket companies come first (same id and name); the rest are feedback-only companies.
        base = [(c["id"], c["name"]) for c in ws.companies[:n]]
        while len(base) < n:
            base.append((ws._id("company"), f"{rng.choice(_CO_A)} {rng.choice(_CO_B)} {len(base) + 1}"))
        for i, (cid, name) in enumerate(base):
            r = rng.random()
            plan = _PLANS[0] if r < 0.2 else _PLANS[1] if r < 0.45 else _PLANS[2] if r < 0.8 else _PLANS[3]
            if rng.random() < 0.05:
                plan = _PLANS[4]
            spend = round(rng.uniform(plan[1], plan[2]), 2) if plan[2] else 0.0
            self.companies.append(
                {
                    "id": cid,
                    "companyId": f"ext-co-{i + 1:05d}",
                    "name": name,
                    "monthlySpend": spend,
                    "plan": plan[0],
                    "industry": rng.choice(_INDUSTRIES),
                    "customFields": {},
                    "createdAt": iso_ms(now - rng.randint(30, 900) * DAY),
                }
            )

    def _generate_users(self, n: int) -> None:
        from sandbox.featurebase.workspace import _FIRST, _LAST  # here: circular at import time

        ws, rng = self.ws, self.rng
        # Skewed company sizes: a few companies have many users, so co-workers vote on the same posts.
        weights = [1 / (i + 1) ** 0.8 for i in range(len(self.companies))]
        for i in range(n):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            r = rng.random()
            k = 0 if r < 0.12 else 1 if r < 0.9 else 2
            chosen: list[dict[str, Any]] = []
            for c in rng.choices(self.companies, weights=weights, k=k) if self.companies else []:
                if c not in chosen:
                    chosen.append(c)
            uid = ws._id("user")
            domain = chosen[0]["name"].split(" ")[0].lower() + ".example" if chosen else "mail.example"
            user = {
                "id": uid,
                "userId": f"sso-{i + 1:06d}",
                "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}{i}@{domain}",
                "type": "customer",
                "profilePicture": f"https://cdn.featurebase.example/avatars/{uid}.png",
                "companies": chosen,
            }
            self.users.append(user)
            self._user_by_id[uid] = user

    def _new_post(self, rng: random.Random, created_ms: int) -> dict[str, Any]:
        self._post_n += 1
        board_i = rng.choices(range(len(self.boards)), weights=[b[3] for b in _BOARDS])[0]
        board = self.boards[board_i]
        feature = rng.choice(_FEATURES)
        words = {"f": feature, "F": feature[0].upper() + feature[1:], "i": rng.choice(_INTEGRATIONS)}
        words.update(b=rng.choice(_BUGS), m=rng.choice(_MOBILE))
        title = rng.choice(_TEMPLATES[_BOARDS[board_i][0]]).format(**words)
        status = rng.choices(self.statuses, weights=[s[4] for s in _POST_STATUSES])[0]
        author = rng.choice(self.users) if self.users else {"id": None, "name": "Anonymous", "email": None}
        slug = f"{_slug(title)}-{self._post_n}"
        eta = None
        if status["type"] in ("unstarted", "active") and rng.random() < 0.5:
            eta = iso_ms(self.ws._now_ms + rng.randint(7, 120) * DAY)
        return {
            "id": self.ws._id("post"),
            "object": "post",
            "slug": slug,
            "postUrl": f"https://{self.ws.org_id.replace('_', '-')}.featurebase.example/p/{slug}",
            "title": title,
            "content": f"<p>{title}. It would help us a lot.</p>",
            "boardId": board["id"],
            "author": {"id": author["id"], "name": author["name"], "email": author["email"], "type": "customer"},
            "status": status,
            "upvotes": 0,
            "commentCount": 0,
            "tags": sorted(rng.sample(_TAGS, rng.choices([0, 1, 2], weights=(40, 40, 20))[0])),
            "createdAt": iso_ms(created_ms),
            "updatedAt": iso_ms(created_ms),
            "customFields": {"priority": rng.choice(["low", "medium", "high"])} if rng.random() < 0.3 else {},
            "eta": eta,
            "inReview": rng.random() < 0.05,
        }

    def _new_comment(self, rng: random.Random, post_id: str, created_ms: int) -> dict[str, Any]:
        siblings = [
            c for c in self.post_comments.setdefault(post_id, []) if self.comments[c]["parentCommentId"] is None
        ]
        parent = rng.choice(siblings) if siblings and rng.random() < 0.3 else None
        private = rng.random() < 0.1
        if private or not self.users or rng.random() < 0.15:
            agent = rng.choice(self.ws.agents)
            author = {"id": agent["id"], "name": agent["name"], "email": agent["email"], "type": "admin"}
            text = rng.choice(_PRIVATE_NOTES if private else _ADMIN_COMMENTS)
        else:
            user = rng.choice(self.users)
            author = {"id": user["id"], "name": user["name"], "email": user["email"], "type": "customer"}
            text = rng.choice(_REPLIES if parent else _COMMENTS)
        ts = iso_ms(created_ms)
        comment = {
            "id": self.ws._id("comment"),
            "object": "comment",
            "postId": post_id,
            "parentCommentId": parent,
            "content": f"<p>{text}</p>",
            "author": author,
            "upvotes": int(rng.expovariate(0.4)),
            "downvotes": int(rng.expovariate(2.0)),
            "isPrivate": private,
            "createdAt": ts,
            "updatedAt": ts,
        }
        self.comments[comment["id"]] = comment
        self.post_comments[post_id].append(comment["id"])
        return comment

    def _generate_comments(self, rng: random.Random, post: dict[str, Any], created_ms: int, now: int) -> int:
        """The post's comment thread; returns the time of its last comment (or the post's creation)."""
        self.post_comments[post["id"]] = []
        n = int(rng.expovariate(1 / 3.2)) + post["upvotes"] // 60
        times = sorted(created_ms + int((now - created_ms) * rng.random() ** 1.5) for _ in range(n))
        if not (self.users and self.ws.agents):
            return created_ms
        for t in times:
            self._new_comment(rng, post["id"], t)
        return times[-1] if times else created_ms

    # ----------------------------------------------------------------------------- mutations
    def _begin(self, seed: int | None) -> tuple[random.Random, int]:
        self._indexes.clear()
        return (random.Random(seed) if seed is not None else self.rng), self.ws._tick()

    def _touch(self, post_id: str, now: int, **changes: Any) -> None:
        self.posts[post_id] = {**self.posts[post_id], **changes, "updatedAt": iso_ms(now)}

    def _popular_post(self, rng: random.Random, exclude: set[str] | None = None) -> str | None:
        ids = [p for p in self.posts if not exclude or p not in exclude]
        if not ids:
            return None
        return rng.choices(ids, weights=[self.posts[p]["upvotes"] + 2 for p in ids])[0]

    def add_votes(self, n: int, seed: int | None = None) -> list[tuple[str, str]]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            cast: list[tuple[str, str]] = []
            full: set[str] = set()
            while len(cast) < int(n):
                post_id = self._popular_post(rng, full)
                if post_id is None:
                    break
                voted = self.votes[post_id]
                if len(voted) >= len(self.users):
                    full.add(post_id)
                    continue
                user_id = rng.choice(self.users)["id"]
                while user_id in voted:
                    user_id = rng.choice(self.users)["id"]
                self._vote_seq += 1
                voted[user_id] = self._vote_seq
                self._touch(post_id, now, upvotes=len(voted))
                cast.append((post_id, user_id))
            return cast

    def remove_votes(self, n: int, seed: int | None = None) -> list[tuple[str, str]]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            all_votes = [(p, u) for p, voters in self.votes.items() for u in voters]
            removed = rng.sample(all_votes, min(int(n), len(all_votes)))
            for post_id, user_id in removed:
                del self.votes[post_id][user_id]
                self._touch(post_id, now, upvotes=len(self.votes[post_id]))
            return removed

    def change_post_status(self, n: int = 1, seed: int | None = None) -> list[str]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            chosen = rng.sample(sorted(self.posts), min(int(n), len(self.posts)))
            for post_id in chosen:
                current = self.posts[post_id]["status"]["id"]
                status = rng.choice([s for s in self.statuses if s["id"] != current])
                self._touch(post_id, now, status=status)
            return chosen

    def set_status_type(self, name: str, status_type: str) -> list[str]:
        with self.ws._lock:
            _, now = self._begin(None)
            status = next(s for s in self.statuses if s["name"] == name)
            renamed = {**status, "type": status_type}
            self.statuses = [renamed if s["id"] == status["id"] else s for s in self.statuses]
            touched = sorted(pid for pid, post in self.posts.items() if post["status"]["id"] == status["id"])
            for post_id in touched:
                self._touch(post_id, now, status=renamed)
            return touched

    def add_comments(self, n: int, seed: int | None = None) -> list[str]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            added: list[str] = []
            for _ in range(int(n)):
                post_id = self._popular_post(rng)
                if post_id is None:
                    break
                comment = self._new_comment(rng, post_id, now)
                self._touch(post_id, now, commentCount=len(self.post_comments[post_id]))
                added.append(comment["id"])
            return added

    def add_posts(self, n: int, seed: int | None = None) -> list[str]:
        with self.ws._lock:
            rng, now = self._begin(seed)
            added: list[str] = []
            for _ in range(int(n)):
                post = self._new_post(rng, now)
                self.posts[post["id"]] = post
                self.votes[post["id"]] = {}
                self.post_comments[post["id"]] = []
                added.append(post["id"])
            return added

    def delete_post(self, post_id: str) -> bool:
        with self.ws._lock:
            if post_id not in self.posts:
                return False
            self._begin(None)
            del self.posts[post_id]
            del self.votes[post_id]
            for cid in self.post_comments.pop(post_id, []):
                del self.comments[cid]
            self.deleted_posts.append(post_id)
            return True

    # --------------------------------------------------------------------------------- reads
    def _trending(self, post: dict[str, Any]) -> float:
        created = to_ms_iso(post["createdAt"])
        age_hours = max(0.0, (self.ws._now_ms - created) / HOUR)
        return post["upvotes"] / (age_hours + 2) ** 1.5

    def _post_index(self, sort_by: str) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
        # Trending scores decay with the clock: that index is only valid for the instant it was built at.
        cache_key = ("trending", self.ws._now_ms) if sort_by == "trending" else sort_by
        idx = self._indexes.get(cache_key)
        if idx is None:
            if sort_by == "trending":
                for stale in [k for k in self._indexes if isinstance(k, tuple) and k[0] == "trending"]:
                    del self._indexes[stale]
            rows = sorted((self._post_key(sort_by, p), p) for p in self.posts.values())
            idx = ([r[0] for r in rows], [r[1] for r in rows])
            self._indexes[cache_key] = idx
        return idx

    def _post_key(self, sort_by: str, post: dict[str, Any]) -> tuple[Any, ...]:
        if sort_by == "trending":
            return (self._trending(post), post["id"])
        field = "updatedAt" if sort_by == "recent" else sort_by
        return (post[field], post["id"])

    def list_posts(
        self, limit: int, sort_by: str, order: str, after: tuple[Any, ...] | None, filters: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], tuple[Any, ...] | None]:
        with self.ws._lock:
            keys, posts = self._post_index(sort_by)
            keep = (lambda p: _post_matches(p, filters)) if filters else None
            return keyset_page(keys, posts, order == "asc", after, limit, keep)

    def list_voters(
        self, post_id: str, limit: int, after_seq: int | None
    ) -> tuple[list[dict[str, Any]], int | None] | None:
        """(users, sequence of the last if more follow) in cast order; None for an unknown post."""
        with self.ws._lock:
            voted = self.votes.get(post_id)
            if voted is None:
                return None
            rows = list(voted.items())
            seqs = [s for _, s in rows]
            start = bisect_right(seqs, after_seq) if after_seq is not None else 0
            page = rows[start : start + limit]
            more = start + limit < len(rows)
            return [self._user_by_id[u] for u, _ in page], (page[-1][1] if more and page else None)

    def _comment_key(self, sort_by: str, c: dict[str, Any]) -> tuple[Any, ...]:
        if sort_by == "best":
            return (c["upvotes"] - c["downvotes"], c["createdAt"], c["id"])
        if sort_by == "top":
            return (c["upvotes"], c["createdAt"], c["id"])
        return (c["createdAt"], c["id"])

    def list_comments(
        self, limit: int, sort_by: str, post_id: str | None, privacy: str, after: tuple[Any, ...] | None
    ) -> tuple[list[dict[str, Any]], tuple[Any, ...] | None]:
        with self.ws._lock:
            if post_id is not None:
                source = [self.comments[c] for c in self.post_comments.get(post_id, [])]
                rows = sorted((self._comment_key(sort_by, c), c) for c in source)
                keys, objs = [r[0] for r in rows], [r[1] for r in rows]
            else:
                idx = self._indexes.get(("comments", sort_by))
                if idx is None:
                    rows = sorted((self._comment_key(sort_by, c), c) for c in self.comments.values())
                    idx = self._indexes[("comments", sort_by)] = ([r[0] for r in rows], [r[1] for r in rows])
                keys, objs = idx
            keep = None if privacy == "all" else (lambda c: c["isPrivate"] == (privacy == "private"))
            return keyset_page(keys, objs, sort_by == "old", after, limit, keep)

    # ---------------------------------------------------------------------------------- truth
    def truth(self) -> dict[str, Any]:
        with self.ws._lock:
            posts = {
                pid: {
                    "upvotes": p["upvotes"],
                    "voter_ids": sorted(self.votes[pid]),
                    "status_id": p["status"]["id"],
                    "status_type": p["status"]["type"],
                    "status_name": p["status"]["name"],
                    "board_id": p["boardId"],
                    "comment_count": p["commentCount"],
                    "updatedAt": p["updatedAt"],
                    "createdAt": p["createdAt"],
                }
                for pid, p in self.posts.items()
            }
            return {
                "posts": posts,
                "deleted_posts": list(self.deleted_posts),
                "comments": {
                    cid: {"post_id": c["postId"], "parent_id": c["parentCommentId"], "is_private": c["isPrivate"]}
                    for cid, c in self.comments.items()
                },
                "boards": len(self.boards),
                "users": len(self.users),
                "companies": {c["id"]: {"monthlySpend": c["monthlySpend"], "name": c["name"]} for c in self.companies},
                "voter_companies": {u["id"]: [c["id"] for c in u["companies"]] for u in self.users},
            }


def to_ms_iso(ts: str) -> int:
    """Parse our own `iso_ms` format (YYYY-MM-DDTHH:MM:SS.mmmZ) back to epoch ms."""
    return to_ms(datetime.fromisoformat(ts.replace("Z", "+00:00")))


def _post_matches(post: dict[str, Any], f: dict[str, Any]) -> bool:
    if "boardId" in f and post["boardId"] not in f["boardId"]:
        return False
    if "statusId" in f and post["status"]["id"] not in f["statusId"]:
        return False
    if "tags" in f and not f["tags"].intersection(post["tags"]):
        return False
    if "inReview" in f and post["inReview"] != f["inReview"]:
        return False
    return not ("q" in f and f["q"] not in post["title"].lower() and f["q"] not in post["content"].lower())


# ------------------------------------------------------------------------------------------ HTTP
def _limit(app: FeaturebaseApp, request: Request) -> int | Response:
    try:
        return int_arg(request, "limit", 10, 1, 100)
    except ParamError as exc:
        return app.error(400, "invalid_parameter", str(exc), exc.param)


def _cursor(request: Request, listing: str, types: tuple[type | tuple[type, ...], ...]) -> tuple[Any, ...] | None:
    """The keyset a Featurebase cursor resumes after; ValueError when it does not fit the listing."""
    return keyset_cursor(request.arg("cursor"), listing, types)


def _bad_cursor(app: FeaturebaseApp) -> Response:
    return app.error(400, "invalid_cursor", "The cursor is invalid or expired", "cursor")


def _list(data: list[dict[str, Any]], next_cursor: str | None) -> Response:
    return Response(200, {"object": "list", "data": data, "nextCursor": next_cursor})


def register_routes(app: FeaturebaseApp) -> None:
    """Add the feedback routes to a FeaturebaseApp (auth, errors, faults and counting are the app's)."""

    def store(request: Request) -> FeedbackStore:
        return app._ws(request).feedback

    def list_posts(request: Request) -> Response:
        limit = _limit(app, request)
        if isinstance(limit, Response):
            return limit
        sort_by = request.arg("sortBy", "createdAt") or "createdAt"
        if sort_by not in POST_SORTS:
            return app.error(400, "invalid_parameter", f"sortBy must be one of {', '.join(POST_SORTS)}", "sortBy")
        order = request.arg("sortOrder", "desc") or "desc"
        if order not in ("asc", "desc"):
            return app.error(400, "invalid_parameter", "sortOrder must be asc or desc", "sortOrder")
        filters: dict[str, Any] = {}
        for name in ("boardId", "statusId", "tags"):
            if values := multi_arg(request, name):
                filters[name] = set(values)
        if q := request.arg("q"):
            filters["q"] = q.lower()
        in_review = request.arg("inReview")
        if in_review:
            if in_review not in ("true", "false"):
                return app.error(400, "invalid_parameter", "inReview must be true or false", "inReview")
            filters["inReview"] = in_review == "true"
        key_type = {"upvotes": int, "trending": (int, float)}.get(sort_by, str)
        try:
            after = _cursor(request, f"posts:{sort_by}:{order}", (key_type, str))
        except ValueError:
            return _bad_cursor(app)
        items, last = store(request).list_posts(limit, sort_by, order, after, filters)
        nxt = encode_cursor({"s": f"posts:{sort_by}:{order}", "k": list(last)}) if last else None
        return _list(items, nxt)

    def list_voters(request: Request) -> Response:
        limit = _limit(app, request)
        if isinstance(limit, Response):
            return limit
        post_id = request.path_params["id"]
        try:
            after = _cursor(request, f"voters:{post_id}", (int,))
        except ValueError:
            return _bad_cursor(app)
        page = store(request).list_voters(post_id, limit, after[0] if after else None)
        if page is None:
            return app.error(404, "resource_not_found", "Post not found", "id")
        users, last = page
        return _list(users, encode_cursor({"s": f"voters:{post_id}", "k": [last]}) if last is not None else None)

    def list_comments(request: Request) -> Response:
        limit = _limit(app, request)
        if isinstance(limit, Response):
            return limit
        sort_by = request.arg("sortBy", "best") or "best"
        if sort_by not in COMMENT_SORTS:
            return app.error(400, "invalid_parameter", f"sortBy must be one of {', '.join(COMMENT_SORTS)}", "sortBy")
        privacy = request.arg("privacy", "all") or "all"
        if privacy not in ("public", "private", "all"):
            return app.error(400, "invalid_parameter", "privacy must be public, private or all", "privacy")
        post_id = request.arg("postId") or None
        types: tuple[type, ...] = (str, str) if sort_by in ("new", "old") else (int, str, str)
        try:
            after = _cursor(request, f"comments:{sort_by}", types)
        except ValueError:
            return _bad_cursor(app)
        items, last = store(request).list_comments(limit, sort_by, post_id, privacy, after)
        return _list(items, encode_cursor({"s": f"comments:{sort_by}", "k": list(last)}) if last else None)

    def list_boards(request: Request) -> Response:
        return Response(200, store(request).boards)

    app.route("GET", "/v2/posts", "GET /v2/posts", list_posts)
    app.route("GET", "/v2/posts/{id}/voters", "GET /v2/posts/{id}/voters", list_voters)
    app.route("GET", "/v2/comments", "GET /v2/comments", list_comments)
    app.route("GET", "/v2/boards", "GET /v2/boards", list_boards)
