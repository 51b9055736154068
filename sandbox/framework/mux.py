"""Several vendor stand-ins on one port, one path prefix each (`/featurebase/...`, `/feedbackkit/api/v1/...`).

`feedback-warehouse sandbox` and the demo serve every registered vendor this way: one address to remember,
one process, and each vendor's base URL is the server URL plus its prefix (plus the vendor's own API path).
Each app keeps its own counters, faults, rate limits and control API (`/<vendor>/_sandbox/...`).
"""

from __future__ import annotations

from sandbox.framework.server import Headers, Response, Served, VendorApp


class VendorMux:
    """Dispatches on the first path segment to the app registered under that name."""

    def __init__(self, apps: dict[str, VendorApp]) -> None:
        self.apps = dict(apps)

    def handle(self, method: str, target: str, headers: Headers, body: bytes) -> Served:
        path, sep, query = target.partition("?")
        prefix, _, rest = path.lstrip("/").partition("/")
        app = self.apps.get(prefix)
        if app is None:
            known = ", ".join(f"/{name}" for name in sorted(self.apps))
            return Served(Response(404, {"error": f"no vendor at /{prefix}; this sandbox serves {known}"}))
        return app.handle(method, "/" + rest + (sep + query if sep else ""), headers, body)
