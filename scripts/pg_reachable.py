"""Is the PostgreSQL server named by DATABASE_URL reachable for the test suite?

Usage: python scripts/pg_reachable.py [URL]   (URL defaults to $DATABASE_URL)

Connects with a 3 second timeout to the server's maintenance database ``postgres`` (the one
Django uses to create ``test_<NAME>``; the database NAME itself need not exist) and checks that
the role may create databases. Prints one line saying what it found.

Exit status: 0 reachable and usable; 1 unreachable or unusable; 2 the URL is not a PostgreSQL URL.
"""

from __future__ import annotations

import os
import sys

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/jumin_test"
TIMEOUT_SECONDS = 3


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def check(url: str) -> tuple[int, str]:
    import dj_database_url

    try:
        config = dj_database_url.parse(url)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a configuration error
        return 2, f"cannot parse DATABASE_URL {_redact(url)!r}: {exc}"
    engine = config.get("ENGINE", "")
    if "postgresql" not in engine and "postgis" not in engine:
        return 2, (
            f"DATABASE_URL {_redact(url)!r} is not a PostgreSQL URL (engine {engine}); "
            "unset it or point it at PostgreSQL"
        )

    import psycopg

    params = {
        "host": config.get("HOST") or None,
        "port": str(config["PORT"]) if config.get("PORT") else None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "connect_timeout": TIMEOUT_SECONDS,
    }
    params = {k: v for k, v in params.items() if v is not None}
    where = f"{params.get('host', 'localhost')}:{params.get('port', '5432')}"
    last_error: Exception | None = None
    # Django creates the test database from the ``postgres`` database and falls back to NAME.
    for dbname in dict.fromkeys(["postgres", config.get("NAME") or "postgres"]):
        try:
            with psycopg.connect(dbname=dbname, **params) as conn:
                row = conn.execute(
                    "select current_user, rolsuper or rolcreatedb,"
                    " current_setting('server_version') from pg_roles where rolname = current_user"
                ).fetchone()
        except psycopg.Error as exc:
            last_error = exc
            if f'database "{dbname}" does not exist' in str(exc):
                continue  # the server answered; try the next database
            break
        user, can_create, version = row
        if not can_create:
            return 1, (
                f"PostgreSQL {version} at {where} is reachable but role {user!r} may not create "
                f"databases (pytest-django needs to create test_{config.get('NAME')})"
            )
        return 0, f"PostgreSQL {version} at {where} reachable as {user!r}"
    message = str(last_error).strip().splitlines()[0] if last_error else "unknown error"
    return 1, f"PostgreSQL at {where} is not reachable ({TIMEOUT_SECONDS}s timeout): {message}"


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else os.environ.get("DATABASE_URL") or DEFAULT_URL
    status, message = check(url)
    print(f"pg_reachable: {message}", file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
