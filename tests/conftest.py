"""Top-level pytest configuration for Jumin. See docs/testing.md.

* Marks every test that touches the database with ``database`` (so the PostgreSQL pass of
  ``make test`` can select them with ``-m database``).
* Skips ``postgres_only`` tests when the database is not PostgreSQL.
* Skips ``browser`` tests when chromium or Playwright is missing, or fails them when
  ``JUMIN_REQUIRE_BROWSER=1``.
* Loads the hypothesis profile ``ci``.
* Fixtures: ``office``, ``staff`` (a clerk), ``approver``, ``staff_password``, ``staff_client``,
  ``approver_client``, ``browser`` and ``page`` (Playwright on /usr/bin/chromium).

Nothing here imports Django models at module level: pytest-django configures settings and the app
registry before fixtures run, but this module is imported earlier.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# --- hypothesis ---------------------------------------------------------------------------------
# Database-backed properties are slow and uneven, so no deadline; failures print the blob that
# reproduces them (@reproduce_failure). Examples stay random: the example database keeps failures.
hypothesis_settings.register_profile("ci", deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# --- markers ------------------------------------------------------------------------------------
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_setup",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_user_model",
        "django_assert_num_queries",
        "django_assert_max_num_queries",
        "client",
        "async_client",
        "admin_client",
        "admin_user",
        "live_server",
    }
)
BROWSER_FIXTURES = frozenset({"browser", "page"})

CHROMIUM = Path(os.environ.get("JUMIN_CHROMIUM", "/usr/bin/chromium"))


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _db_vendor() -> str:
    """'sqlite' or 'postgresql' (or another Django vendor) from the configured default database."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgis" in engine or "postgresql" in engine:
        return "postgresql"
    return engine.rsplit(".", 1)[-1].replace("sqlite3", "sqlite")


def _browser_problem() -> str | None:
    """Why browser tests cannot run here, or None."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found (install it with scripts/system-deps.sh)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def _is_django_testcase(item: pytest.Item) -> bool:
    cls = getattr(item, "cls", None)
    if cls is None:
        return False
    try:
        from django.test import TransactionTestCase
    except Exception:  # noqa: BLE001 - Django not importable: then it cannot be a Django test
        return False
    return issubclass(cls, TransactionTestCase)


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") or item.get_closest_marker("postgres_only"):
        return True
    # fixturenames is the closure: a fixture that depends on db counts too.
    if DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    return _is_django_testcase(item)


def pytest_configure(config: pytest.Config) -> None:
    # Registered as a plugin so that its setup hook also applies to tests outside tests/
    # (conftest hooks taking an item only see items below their own directory).
    config.pluginmanager.register(_BrowserRequirement(), "jumin-browser-requirement")

    expected = os.environ.get("JUMIN_TEST_DB_VENDOR")
    if expected:
        actual = _db_vendor()
        if actual != expected:
            raise pytest.UsageError(
                f"JUMIN_TEST_DB_VENDOR={expected} but the test settings use {actual}; "
                "check DATABASE_URL and jumin.config.settings.test"
            )


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    vendor = _db_vendor()
    name = db.get("TEST", {}).get("NAME")
    if not name:
        name = "(in memory)" if vendor == "sqlite" else f"test_{db['NAME']}"
    problem = _browser_problem()
    return [
        f"jumin: database {vendor} {name}",
        f"jumin: browser {'unavailable: ' + problem if problem else CHROMIUM}",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    vendor = _db_vendor()
    browser_problem = _browser_problem()
    require_browser = _env_flag("JUMIN_REQUIRE_BROWSER")
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if BROWSER_FIXTURES.intersection(fixtures) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
        if _uses_database(item) and not item.get_closest_marker("database"):
            item.add_marker(pytest.mark.database)
        if item.get_closest_marker("postgres_only") and vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(
                    reason=f"postgres_only: needs PostgreSQL, database is {vendor} "
                    "(runs in the PostgreSQL pass of make test)"
                )
            )
        if item.get_closest_marker("browser") and browser_problem and not require_browser:
            item.add_marker(pytest.mark.skip(reason=f"browser: {browser_problem}"))


class _BrowserRequirement:
    """With JUMIN_REQUIRE_BROWSER=1 a browser test fails (instead of being skipped) when chromium
    or Playwright is missing."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if item.get_closest_marker("browser") and _env_flag("JUMIN_REQUIRE_BROWSER"):
            problem = _browser_problem()
            if problem:
                pytest.fail(f"JUMIN_REQUIRE_BROWSER=1 but {problem}", pytrace=False)


# --- staff fixtures -----------------------------------------------------------------------------
STAFF_PASSWORD = "jumin-test-password-7"


@pytest.fixture
def staff_password() -> str:
    """The password of the ``staff`` and ``approver`` accounts."""
    return STAFF_PASSWORD


@pytest.fixture
def office(django_user_model):
    """所属 市民課 (Office is taken from Staff.office so nothing is imported at module level)."""
    office_model = django_user_model._meta.get_field("office").related_model
    office, _ = office_model.objects.get_or_create(code="0100", defaults={"name": "市民課"})
    return office


@pytest.fixture
def staff(django_user_model, office):
    """A 窓口 clerk without 決裁権限."""
    return django_user_model.objects.create_user(
        username="clerk01",
        password=STAFF_PASSWORD,
        display_name="窓口 一郎",
        office=office,
        is_approver=False,
    )


@pytest.fixture
def approver(django_user_model, office):
    """A 係長 with 決裁権限 (approves 仮登録)."""
    return django_user_model.objects.create_user(
        username="approver01",
        password=STAFF_PASSWORD,
        display_name="決裁 花子",
        office=office,
        is_approver=True,
    )


@pytest.fixture
def staff_client(client, staff):
    """The Django test client logged in as ``staff``."""
    client.force_login(staff)
    return client


@pytest.fixture
def approver_client(client, approver):
    """The Django test client logged in as ``approver``."""
    client.force_login(approver)
    return client


# --- browser fixtures ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    """Chromium from Debian (/usr/bin/chromium) driven by Playwright; Playwright's own browser
    download is never used. Tests using it are marked ``browser`` automatically."""
    problem = _browser_problem()
    if problem:
        if _env_flag("JUMIN_REQUIRE_BROWSER"):
            pytest.fail(f"JUMIN_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(f"browser: {problem}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM would refuse
    # to run next to it, although every call stays synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh Japanese-locale page whose relative URLs resolve against ``live_server``."""
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def town(db):
    """The fictional 自団体 (東京都小金井市) and its 町字: {"municipality", "areas"}."""
    from sample_town import create_town

    return create_town()


@pytest.fixture
def family_move_in():
    """The builder of a 3-person 転入届 (世帯主, 妻, 子); keyword arguments replace top-level keys."""
    from sample_town import family_move_in

    return family_move_in
