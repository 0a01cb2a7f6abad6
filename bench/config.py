"""Benchmark configuration (environment variables) and database administration."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/jumin_bench"
REFERENCE_RESIDENTS = 1_000_000


@dataclass(frozen=True)
class Config:
    url: str
    residents: int
    seed: int
    queries: int
    seconds: int
    clients: int
    output: Path
    keep: bool

    @property
    def dbname(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def url_for(self, dbname: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))

    @property
    def pg_args(self) -> list[str]:
        """host/port/user arguments for the PostgreSQL command-line tools."""
        parts = urlsplit(self.url)
        args = []
        if parts.hostname:
            args += ["-h", parts.hostname]
        if parts.port:
            args += ["-p", str(parts.port)]
        if parts.username:
            args += ["-U", parts.username]
        return args


def load() -> Config:
    env = os.environ
    url = env.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: DATABASE_URL must be a PostgreSQL URL (the benchmark measures PostgreSQL).")
    residents = int(env.get("BENCH_RESIDENTS", REFERENCE_RESIDENTS))
    default_out = REPO / ("BENCHMARKS.md" if residents == REFERENCE_RESIDENTS else f"var/bench/BENCHMARKS-{residents}.md")
    return Config(
        url=url,
        residents=residents,
        seed=int(env.get("BENCH_SEED", 1)),
        queries=int(env.get("BENCH_QUERIES", 500)),
        seconds=int(env.get("BENCH_SECONDS", 30)),
        clients=int(env.get("BENCH_CLIENTS", 2)),
        output=Path(env.get("BENCH_OUTPUT", default_out)),
        keep=env.get("BENCH_KEEP", "") == "1",
    )


def admin_connect(cfg: Config):
    """A connection to the server's maintenance database (to create and drop databases)."""
    import psycopg

    return psycopg.connect(cfg.url_for("postgres"), autocommit=True)


def recreate_database(cfg: Config, name: str | None = None) -> None:
    name = name or cfg.dbname
    with admin_connect(cfg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(cfg: Config, name: str | None = None) -> None:
    with admin_connect(cfg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name or cfg.dbname}" WITH (FORCE)')


def setup_django(cfg: Config) -> None:
    """Django on the benchmark database, production settings, its own var/ directory."""
    os.environ["DATABASE_URL"] = cfg.url
    os.environ.setdefault("JUMIN_VAR_DIR", str(REPO / "var" / "bench"))
    os.environ["JUMIN_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "jumin.config.settings.prod"
    os.environ.setdefault("JUMIN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns otherwise
