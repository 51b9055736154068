"""How this project runs dlt: writer and normalizer defaults, DuckDB's memory cap, and two quirks handled.

`configure_dlt()` runs before dlt reads any configuration (the CLI, the Prefect flows and the tests all go
through it). Every default is an environment default, so a user's own env var or config.toml entry wins.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import dlt
from dlt.common.configuration.exceptions import ConfigProviderException

from pipelines.errors import ConfigError

# dlt's defaults tuned for this workload (measured, see DESIGN.md performance notes); env vars still win.
_DLT_DEFAULTS = {
    "DATA_WRITER__DISABLE_COMPRESSION": "true",
    "DATA_WRITER__FILE_MAX_ITEMS": "10000",
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "RUNTIME__LOG_LEVEL": "WARNING",
    # Sources yield Arrow tables for their biggest tables. dlt stamps dict rows with `_dlt_load_id` and `_dlt_id`,
    # Arrow rows only when asked: the load metadata marts count rows per load id, and warehouses loaded from dicts
    # have both columns NOT NULL (a load without them fails there: measured on a pre-Arrow demo warehouse).
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID": "true",
    "NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID": "true",
    # DuckDB's default memory limit is 80 % of RAM, so a large merge holds it instead of spilling; the load is
    # where a backfill peaks (extract and normalize stay near 235 MB at 20k tickets). Peak RSS at 20k tickets:
    # 830 MB without a cap, 682 MB with 512MB, 514 MB with 256MB and no insertion order kept (raw tables have
    # no order anyone reads), 469 MB with 192MB, within the run-to-run noise of the wall time (36-41 s).
    "DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG": '{"memory_limit": "192MB", "preserve_insertion_order": false}',
}


class _ArrowJsonHintNotice(logging.Filter):
    """Drops dlt's warning that an Arrow table's column hints differ from the resource's.

    Sources send JSON columns as Arrow text and declare them `json` (and key columns not-null); dlt keeps the
    declared hints, which is the intent, but warns on every page. The per-column details stay at INFO.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "when merging arrow schema with dlt schema" not in record.getMessage()


_ARROW_NOTICE = _ArrowJsonHintNotice()


@contextmanager
def _streamlit_hidden() -> Iterator[None]:
    """dlt reads Streamlit's secrets when no secrets.toml exists, importing Streamlit to ask whether it runs in
    an app: measured 0.7 s of import and interpreter exit in every run configured by env vars (Prefect, CI,
    benchmarks). Pipelines never run inside a Streamlit app, so the package is hidden while dlt builds its
    config providers; nothing changes when Streamlit is already imported (the dashboards, the test session).
    """
    if "streamlit" in sys.modules:
        yield
        return
    sys.modules["streamlit"] = None  # type: ignore[assignment]  # `import streamlit` now raises ImportError
    try:
        yield
    finally:
        if sys.modules.get("streamlit", ...) is None:
            del sys.modules["streamlit"]


def configure_dlt() -> None:
    for key, value in _DLT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    dlt_logger = logging.getLogger("dlt")
    if _ARROW_NOTICE not in dlt_logger.filters:
        dlt_logger.addFilter(_ARROW_NOTICE)
    with _streamlit_hidden():
        try:
            dlt.secrets.config_providers  # noqa: B018  # builds the providers (reads the toml files) now
        except ConfigProviderException as exc:
            # dlt's message is several lines (every path it tried); the last one says what is wrong and where
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            which = "secrets.toml" if "secrets.toml" in str(exc) else "config.toml"
            raise ConfigError(
                f".dlt/{which} cannot be read: {lines[-1] if lines else type(exc).__name__}. "
                "Fix: correct its TOML syntax (see .dlt/example.secrets.toml)"
            ) from None
