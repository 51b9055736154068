"""PostgreSQL, for teams that outgrow one file: loaded by dlt's postgres destination, built by dbt-postgres, one
writer at a time through an advisory lock (so two machines running the schedule cannot both write).

Credentials are dlt's: `[destination.postgres.credentials]` in .dlt/secrets.toml or
`DESTINATION__POSTGRES__CREDENTIALS=postgresql://user:password@host:5432/database`. The password goes to dlt as
dlt reads it and to dbt through a DBT_ENV_SECRET_* variable (dbt scrubs those from its logs); it is never
written to a file, a message or the warehouse.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse.base import MARTS_SCHEMA, Warehouse, WarehouseError
from pipelines.warehouse.publish import PUBLISHED_ALIAS

CREDENTIALS_ENV = "DESTINATION__POSTGRES__CREDENTIALS"
_FIX = (
    f"Fix: set {CREDENTIALS_ENV}=postgresql://user:password@host:5432/database "
    "(or [destination.postgres.credentials] in .dlt/secrets.toml)"
)
_POLL_SECONDS = 0.5
#: loader file format, chosen by measurement (`make bench`, section postgres; DECISIONS.md "PostgreSQL"): COPY of
#: CSV beats insert_values; FEEDBACK_WAREHOUSE_PG_FILE_FORMAT overrides it (the benchmark measures both)
LOADER_FILE_FORMAT = "csv"
FILE_FORMAT_ENV = "FEEDBACK_WAREHOUSE_PG_FILE_FORMAT"


class PostgresWarehouse(Warehouse):
    engine = "postgres"
    loader_file_format = LOADER_FILE_FORMAT
    dbt_target = "postgres"
    parallel_loads = True

    def __init__(self, anchor: Path) -> None:
        super().__init__(anchor)
        self._credentials: Any = None
        chosen = os.environ.get(FILE_FORMAT_ENV, LOADER_FILE_FORMAT)
        if chosen not in ("csv", "insert_values"):
            raise WarehouseError(f"{FILE_FORMAT_ENV}={chosen!r} is not a loader format. Fix: csv or insert_values")
        self.loader_file_format = chosen

    # -- settings ---------------------------------------------------------------------------------------------
    @property
    def credentials(self) -> Any:
        """dlt's PostgresCredentials, resolved from .dlt/secrets.toml or the environment."""
        if self._credentials is None:
            import dlt
            from dlt.destinations.impl.postgres.configuration import PostgresCredentials

            from pipelines.dlt_settings import configure_dlt

            configure_dlt()
            value = dlt.secrets.get("destination.postgres.credentials")
            if not value:
                raise WarehouseError(f"no PostgreSQL warehouse configured for --engine postgres. {_FIX}")
            credentials = PostgresCredentials()
            try:
                if isinstance(value, str):
                    credentials.parse_native_representation(value)
                else:
                    credentials.update(dict(value))
            except Exception:
                raise WarehouseError(f"the PostgreSQL credentials cannot be read. {_FIX}") from None
            if not credentials.database or not credentials.host:
                raise WarehouseError(f"the PostgreSQL credentials need a host and a database. {_FIX}")
            self._credentials = credentials
        return self._credentials

    def _secret(self) -> str:
        return str(self.credentials.password or "")

    def _redact(self, text: str) -> str:
        from sources.common.redact import Redactor

        return Redactor([self._secret()])(" ".join(str(text).split()))

    def describe(self) -> str:
        c = self.credentials
        return f"postgres://{c.username}@{c.host}:{c.port or 5432}/{c.database}"

    @property
    def state_dir(self) -> Path:
        # engine-specific: the DuckDB warehouse of the same anchor keeps its own state beside it
        return self.anchor.with_name(f".{self.anchor.stem}.postgres-{self.credentials.database}.dlt")

    @property
    def build_dir(self) -> Path:
        return self.anchor.with_name(f".{self.anchor.stem}.postgres.dbt")

    # -- connections ------------------------------------------------------------------------------------------
    def _connect(self, read_only: bool = False, application: str | None = None) -> Any:
        import psycopg2

        c = self.credentials
        options = "-c default_transaction_read_only=on" if read_only else None
        try:
            connection = psycopg2.connect(
                host=c.host,
                port=c.port or 5432,
                user=c.username,
                password=c.password,
                dbname=c.database,
                connect_timeout=int(c.connect_timeout or 10),
                options=options,
                application_name=application or "feedback-warehouse",
                **{k: v for k, v in (c.query or {}).items() if k in ("sslmode", "sslrootcert")},
            )
        except psycopg2.Error as exc:
            raise WarehouseError(f"cannot connect to {self.describe()}: {self._redact(str(exc))}. {_FIX}") from None
        connection.autocommit = True
        return connection

    def exists(self) -> bool:
        try:
            self._connect(read_only=True).close()
        except WarehouseError:
            return False
        return True

    def validate(self) -> None:
        """Reachable, and the configured role may create schemas (dlt creates one per vendor)."""
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("select has_database_privilege(current_database(), 'CREATE')")
                if not cursor.fetchone()[0]:
                    raise WarehouseError(
                        f"the role of {self.describe()} cannot create schemas in the database. Fix: "
                        f"`grant create on database {self.credentials.database} to {self.credentials.username}`"
                    )
        finally:
            connection.close()
        self.anchor.parent.mkdir(parents=True, exist_ok=True)

    def validate_readable(self) -> None:
        self._connect(read_only=True).close()

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        connection = self._connect(read_only=True)
        try:
            with connection.cursor() as cursor:
                # the seam's queries use qmark parameters (DuckDB's); psycopg2 wants %s (and %% for a literal %)
                cursor.execute(re.sub(r"\?", "%s", sql.replace("%", "%%")), list(params) or None)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    # -- loading and building ---------------------------------------------------------------------------------
    def dlt_destination(self) -> Any:
        import dlt

        return dlt.destinations.postgres(credentials=self.credentials)

    def dbt_env(self) -> dict[str, str]:
        c = self.credentials
        return {
            "FW_PG_HOST": str(c.host),
            "FW_PG_PORT": str(c.port or 5432),
            "FW_PG_USER": str(c.username),
            "FW_PG_DATABASE": str(c.database),
            "FW_PG_SSLMODE": str((c.query or {}).get("sslmode", "prefer")),
            "DBT_ENV_SECRET_FW_PG_PASSWORD": self._secret(),
        }

    def prepare_for_load(self) -> None:
        """Local dlt state without any loaded dataset in the database is stale (a dropped or new database): its
        cursors would skip history, so it is discarded and dlt starts from the destination."""
        from pipelines.vendors import VENDOR_NAMES

        if self.state_dir.exists() and not self.loaded_datasets(list(VENDOR_NAMES)):
            shutil.rmtree(self.state_dir)

    def lock(
        self, wait_seconds: float = 0.0, on_wait: Callable[[Exception], None] | None = None
    ) -> AbstractContextManager[Any]:
        return _advisory_lock(self, wait_seconds, on_wait)

    # -- publishing -------------------------------------------------------------------------------------------
    def copy_marts(self, target: duckdb.DuckDBPyConnection) -> list[str]:
        """Every table of the `marts` schema into the published DuckDB file, through Arrow with the column types
        PostgreSQL reports (a plain copy: DuckDB's postgres extension would be a download, and this runs offline)."""
        import pyarrow as pa

        connection = self._connect(read_only=True)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "select table_name from information_schema.tables where table_schema = %s "
                    "and table_type = 'BASE TABLE' order by table_name",
                    [MARTS_SCHEMA],
                )
                tables = [row[0] for row in cursor.fetchall()]
                for table in tables:
                    cursor.execute(
                        "select column_name, data_type from information_schema.columns "
                        "where table_schema = %s and table_name = %s order by ordinal_position",
                        [MARTS_SCHEMA, table],
                    )
                    columns = cursor.fetchall()
                    cursor.execute(f'select * from {MARTS_SCHEMA}."{table}"')
                    rows = cursor.fetchall()
                    arrays = [
                        pa.array([_py(row[i], data_type) for row in rows], type=_arrow_type(data_type))
                        for i, (_, data_type) in enumerate(columns)
                    ]
                    frame = pa.Table.from_arrays(arrays, names=[name for name, _ in columns])
                    target.register("_fw_mart", frame)
                    target.execute(f'create table {PUBLISHED_ALIAS}.main."{table}" as select * from _fw_mart')
                    target.unregister("_fw_mart")
        finally:
            connection.close()
        return tables


def _arrow_type(data_type: str) -> Any:
    import pyarrow as pa

    return {
        "bigint": pa.int64(),
        "integer": pa.int32(),
        "smallint": pa.int16(),
        "double precision": pa.float64(),
        "real": pa.float32(),
        "numeric": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp with time zone": pa.timestamp("us", tz="UTC"),
        "timestamp without time zone": pa.timestamp("us"),
    }.get(data_type, pa.string())


def _py(value: Any, data_type: str) -> Any:
    if value is None:
        return None
    if data_type == "numeric":
        return float(value)
    if data_type in ("json", "jsonb") and not isinstance(value, str):
        import orjson

        return orjson.dumps(value).decode()
    if data_type == "timestamp with time zone":
        return value.astimezone(UTC)
    return value


# -- the writer lock -----------------------------------------------------------------------------------------------
class _Held:
    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.connection: Any = None


_held: dict[str, _Held] = {}
_held_guard = threading.Lock()


def _lock_key(database: str) -> int:
    """A stable 63-bit key per database: one writer per warehouse, whichever machine runs the schedule."""
    return zlib.crc32(f"feedback-warehouse:{database}".encode()) | (0x5EED << 32)


def _holder(warehouse: PostgresWarehouse, key: int) -> dict[str, object]:
    """Who holds the lock, from the holder connection's application_name (set when it took the lock)."""
    try:
        rows = warehouse.query(
            "select a.application_name, a.client_addr::text from pg_locks l join pg_stat_activity a on a.pid = l.pid "
            "where l.locktype = 'advisory' and l.granted and l.classid = ? and l.objid = ? and l.objsubid = 1",
            [key >> 32, key & 0xFFFFFFFF],
        )
    except Exception:
        return {}
    if not rows:
        return {}
    application, address = rows[0]
    info: dict[str, object] = {"host": address or "local"}
    for part in (application or "").split(";"):
        name, _, value = part.partition("=")
        if value:
            info[name.strip()] = value.strip()
    if "command" in info:
        info["command"] = f"feedback-warehouse {info['command']} on {info['host']}"
    return info


@contextmanager
def _advisory_lock(
    warehouse: PostgresWarehouse, wait_seconds: float, on_wait: Callable[[Exception], None] | None
) -> Iterator[None]:
    """pg_try_advisory_lock on a connection held for the duration; the server releases it when the holder's
    connection ends, crashed or not. Re-entrant in the holding thread, like the file lock."""
    import sys

    from pipelines.lock import WarehouseBusy

    key = _lock_key(str(warehouse.credentials.database))
    with _held_guard:
        held = _held.setdefault(str(key), _Held())
    started = time.monotonic()
    acquired = held.thread_lock.acquire(timeout=wait_seconds) if wait_seconds > 0 else held.thread_lock.acquire(False)
    if not acquired:
        raise WarehouseBusy(warehouse.describe(), {"pid": os.getpid(), "command": "another thread"}, wait_seconds)
    try:
        if held.depth == 0:
            # PostgreSQL keeps 63 characters of application_name: who holds the lock, compactly
            command = sys.argv[1] if len(sys.argv) > 1 else "python"
            started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            application = f"fw;pid={os.getpid()};started_at={started_at};command={command}"
            connection = warehouse._connect(application=application[:63])
            told = False
            while True:
                with connection.cursor() as cursor:
                    cursor.execute("select pg_try_advisory_lock(%s)", [key])
                    if cursor.fetchone()[0]:
                        break
                busy = WarehouseBusy(warehouse.describe(), _holder(warehouse, key), time.monotonic() - started)
                if time.monotonic() - started >= wait_seconds:
                    connection.close()
                    raise busy
                if on_wait is not None and not told:
                    on_wait(busy)
                    told = True
                time.sleep(_POLL_SECONDS)
            held.connection = connection
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.connection is not None:
                held.connection.close()  # ending the session releases the advisory lock
                held.connection = None
    finally:
        held.thread_lock.release()
