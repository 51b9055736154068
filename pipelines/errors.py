"""Errors a user can fix by changing configuration or arguments: the CLI prints them as one line with the fix
and exits with code 2 (a run that fails for another reason exits with 1)."""

from __future__ import annotations

USAGE_EXIT_CODE = 2


class ConfigError(Exception):
    """A configuration or usage mistake (bad secrets.toml, unknown vendor, unusable warehouse path)."""
