"""Secrets out of every message: API keys and passwords replaced by *** wherever they appear as whole tokens.

Whole tokens, not substrings: a very short key ("Ma") must not turn `MaxRetryError` into `***xRetryError`, and
a key is a token in every place it can leak (headers, URLs, query strings, tracebacks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# characters a key is made of; a match must not have one of these right before or after it
_TOKEN_CHARS = r"A-Za-z0-9_\-"


class Redactor:
    """Replaces each of `secrets` by *** where it stands as a whole token; longest first, so a key that
    contains another is masked whole."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        unique = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.secrets = unique
        self._pattern = (
            re.compile(rf"(?<![{_TOKEN_CHARS}])(?:{'|'.join(re.escape(s) for s in unique)})(?![{_TOKEN_CHARS}])")
            if unique
            else None
        )

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def __bool__(self) -> bool:
        return self._pattern is not None


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """One-off redaction (build a `Redactor` when the same secrets mask many messages)."""
    return Redactor(secrets)(text)
