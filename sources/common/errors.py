"""Errors a source raises; their messages are one line, name the vendor and never carry a secret."""

from __future__ import annotations


class SourceError(Exception):
    """Base for errors the CLI turns into a one-line message and a non-zero exit code."""

    def __init__(self, vendor: str, message: str, account: str | None = None) -> None:
        self.vendor = vendor
        self.account = account
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.vendor} (account {self.account})" if self.account else self.vendor
        return f"{where}: {self.message}"


class ApiError(SourceError):
    """The API answered with an error we do not retry (4xx other than 429) or kept failing after retries."""

    def __init__(
        self,
        vendor: str,
        message: str,
        status: int | None = None,
        code: str | None = None,
        account: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        super().__init__(vendor, message, account)


def setting_name(env_prefix: str, account: str | None, key: str) -> str:
    """The env var that configures `key` (API_KEY, BASE_URL) of an account: what an error tells the user to fix."""
    if account and account != "default":
        return f"{env_prefix}__ACCOUNTS__{account.upper()}__{key}"
    return f"{env_prefix}__{key}"


class AuthenticationError(ApiError):
    """401/403: retrying cannot help, so the message says how to fix the key instead."""

    def __init__(self, vendor: str, status: int, env_prefix: str, account: str | None = None, detail: str = "") -> None:
        setting = setting_name(env_prefix, account, "API_KEY")
        kind = "rejected the API key" if status == 401 else "refused access with this API key"
        said = (
            f": {detail.removeprefix(f'HTTP {status}').strip()}"
            if detail.removeprefix(f"HTTP {status}").strip()
            else ""
        )
        message = (
            f"the API {kind} ({status}{said}). Fix: set {setting} (or api_key in .dlt/secrets.toml) to a valid key."
        )
        super().__init__(vendor, message, status=status, code="authentication", account=account)
