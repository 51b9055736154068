"""Fakevendor stand-in: a list of feedback items behind a Bearer key, and a day of votes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.framework import Request, Response, SandboxVendor, VendorApp


class FakeWorkspace:
    def __init__(self, seed: int, scale: int, account_id: str) -> None:
        rng = random.Random(seed)
        self.clock = datetime(2026, 11, 1, tzinfo=UTC)
        self.items = [
            {
                "id": f"{account_id}-{n}",
                "title": f"Idea {n}",
                "votes": rng.randint(0, 40),
                "created_at": "2026-10-01T00:00:00Z",
            }
            for n in range(scale or 12)
        ]

    @property
    def now(self) -> datetime:
        return self.clock

    def advance(self, seconds: float) -> None:
        self.clock += timedelta(seconds=seconds)

    def truth(self) -> Any:
        return {item["id"]: item["votes"] for item in self.items}


class FakeApp(VendorApp):
    def __init__(self, workspaces: dict[str, FakeWorkspace], **options: Any) -> None:
        super().__init__(**options)
        self.workspaces = workspaces
        self.route("GET", "/items", "GET /items", self.list_items)

    def before_request(self, request: Request) -> Response | None:
        if request.api_key not in self.workspaces:
            return self.error(401, "unauthorized", "bad key")
        return None

    def list_items(self, request: Request) -> Response:
        return Response(200, self.workspaces[request.api_key].items)


def demo_day(workspace: FakeWorkspace, rng: random.Random) -> None:
    workspace.advance(86_400)
    for item in rng.sample(workspace.items, 3):
        item["votes"] += 1


SANDBOX = SandboxVendor(
    name="fakevendor",
    api_path="",
    demo_key="fake_sandbox_key",
    generate=FakeWorkspace,
    app=FakeApp,
    demo_day=demo_day,
    demo_scale=12,
)
