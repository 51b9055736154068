"""HTTP behaviour and record checks shared by every vendor source (written once, reused by all four)."""

from sources.common.errors import ApiError, AuthenticationError, SourceError
from sources.common.http import RequestStats, VendorClient
from sources.common.quarantine import QuarantineRecord, parse_timestamp

__all__ = [
    "ApiError",
    "AuthenticationError",
    "QuarantineRecord",
    "RequestStats",
    "SourceError",
    "VendorClient",
    "parse_timestamp",
]
