import pytest
from django.db import connection, transaction
from django.test import TestCase
from hypothesis import given, strategies as st


def test_pure():
    assert 1 + 1 == 2


@given(st.integers())
def test_pure_hypothesis(n):
    assert n == n


def test_staff(staff, approver, staff_password):
    assert staff.office == approver.office
    assert staff.office.name == "市民課"
    assert approver.is_approver and not staff.is_approver
    assert staff.check_password(staff_password)


def test_client(staff_client):
    assert staff_client.get("/whoami/").content.decode() == "窓口 一郎"


@pytest.mark.django_db
def test_marked_db():
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_pg_only(django_user_model):
    assert connection.vendor == "postgresql"
    with transaction.atomic():
        list(django_user_model.objects.select_for_update(nowait=True))


class TestDjangoCase(TestCase):
    def test_it(self):
        from jumin.accounts.models import Office
        Office.objects.create(code="x", name="y")
        assert Office.objects.count() == 1


def test_browser(page, staff):
    page.goto("/")
    assert "髙橋 staff=1" in page.inner_text("h1")


def test_report_vendor(request):
    print("VENDOR", connection.vendor)
