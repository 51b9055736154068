"""The vendor-neutral sandbox framework: an asyncio HTTP server, routing, faults, rate limits, request logs,
ids and paging that every stand-in shares (`sandbox/<vendor>/` holds only what is that vendor's)."""

from sandbox.framework.faults import FaultInjector
from sandbox.framework.mux import VendorMux
from sandbox.framework.server import Headers, Request, Response, SandboxServer, Served, VendorApp
from sandbox.framework.vendor import SandboxVendor

__all__ = [
    "FaultInjector",
    "Headers",
    "Request",
    "Response",
    "SandboxServer",
    "SandboxVendor",
    "Served",
    "VendorApp",
    "VendorMux",
]
