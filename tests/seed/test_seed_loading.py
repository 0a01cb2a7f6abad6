"""Seeding the register: through the services (the real write path) and through the bulk loader
(COPY on PostgreSQL, executemany on SQLite), which must write the same register."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from jumin.identifiers import protection
from jumin.identifiers import rules as idr
from jumin.registry import seeding

pytestmark = pytest.mark.django_db

N = 150


# differ by nature between the two paths: surrogate keys, processing time, the Fernet IV, and
# the transaction's payload (the bulk path stores a marker, not the full input)
UNCOMPARED = {"id", "household", "area", "person", "transaction", "pending_transaction", "operator",
              "my_number_cipher", "recorded_at", "processed_at", "created_at", "payload", "document_number"}


def _full_rows(model, order):
    from django.db.models import F

    names = [f.attname for f in model._meta.concrete_fields if f.name not in UNCOMPARED and f.attname not in UNCOMPARED]
    extra = {}
    if any(f.name == "household" for f in model._meta.concrete_fields):
        extra["household_no"] = F("household__number")
    if any(f.name == "area" for f in model._meta.concrete_fields):
        extra["area_code"] = F("area__code")
    return list(model.objects.order_by(*order).values(*names, **extra))


def test_services_and_bulk_paths_write_the_same_register(fresh_register, take_snapshot):
    """Every column of every row (but surrogate keys, timestamps, ciphertext and payload)."""
    from jumin.registry.models import Household, Person, PersonVersion, Transaction

    def everything():
        return {
            "persons": _full_rows(Person, ["atena_number"]),
            "versions": _full_rows(PersonVersion, ["atena_number", "history_no"]),
            "households": _full_rows(Household, ["number"]),
            "transactions": _full_rows(Transaction, ["id"]),
        }

    seeding.seed(N, 3, method="services")
    by_services = everything()
    fresh_register()
    seeding.seed(N, 3, method="bulk")
    by_bulk = everything()
    assert len(by_services["persons"]) > N
    assert len(by_services["persons"][0]) > 80  # really every column
    for table in by_services:
        assert len(by_bulk[table]) == len(by_services[table]), table
        for a, b in zip(by_services[table], by_bulk[table]):
            assert b == a, (table, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)})


def test_same_seed_gives_the_same_register_on_a_fresh_database(fresh_register, take_snapshot):
    seeding.seed(N, 11, method="bulk")
    first = take_snapshot()
    fresh_register()
    seeding.seed(N, 11, method="bulk")
    assert take_snapshot() == first
    fresh_register()
    seeding.seed(N, 12, method="bulk")
    assert take_snapshot()["persons"] != first["persons"]


@pytest.mark.parametrize("method", ["services", "bulk"])
def test_register_is_consistent(method):
    from jumin.registry.models import Household, Municipality, Person, PersonVersion

    result = seeding.seed(N, 5, method=method)
    m = Municipality.objects.get(is_self=True)
    assert (m.code, m.prefecture, m.name, m.mayor_title) == ("132101", "東京都", "小金井市", "東京都小金井市長")
    assert idr.validate_local_government_code(m.code) == m.code
    assert Person.objects.filter(status="resident").count() == N == result.residents
    assert Person.objects.filter(status="removed").count() == result.removed > 0
    # every household with current members has exactly one 世帯主 among them
    for h in Household.objects.all():
        members = list(Person.objects.filter(household=h, status="resident"))
        if members:
            assert [p.relationship for p in members].count("世帯主") == 1, h.number
            assert len({p.address for p in members}) == 1
            assert sorted(p.member_order for p in members) == sorted(set(p.member_order for p in members))
    for p in Person.objects.all():
        assert idr.validate_atena_number(p.atena_number) == p.atena_number
        assert idr.validate_household_number(p.household.number) == p.household.number
        assert idr.validate_juminhyo_code(p.juminhyo_code) == p.juminhyo_code
        assert p.history_no == PersonVersion.objects.filter(person=p).count() >= 1
        assert p.area is not None and p.address.startswith("東京都小金井市" + p.area.name)
        assert p.postal_code == p.area.postal_code
        # 個人番号: only the ciphertext and the keyed digest are stored
        clear = protection.decrypt(p.my_number_cipher)
        assert idr.validate_my_number(clear) == clear
        assert clear not in p.my_number_cipher and p.my_number_digest == protection.digest(clear)
        if p.resident_type == "foreign":
            assert p.alphabet_name and p.nationality_code and p.foreign_category
        else:
            assert p.family_name and p.family_name_kana and p.honseki
    multi = Person.objects.filter(history_no__gte=2).count()
    assert multi > 0
    assert set(PersonVersion.objects.values_list("reason", flat=True)) >= {"move_in", "birth", "move_within"}


def test_no_my_number_in_clear_anywhere():
    from jumin.audit.models import OperationLog
    from jumin.registry.models import Person, PersonVersion, Transaction

    seeding.seed(60, 2, method="services")
    numbers = {protection.decrypt(c) for c in Person.objects.values_list("my_number_cipher", flat=True)}
    assert len(numbers) == Person.objects.count()
    texts = [str(t) for t in Transaction.objects.values_list("payload", flat=True)]
    texts += [str(d) for d in OperationLog.objects.values_list("detail", flat=True)]
    texts += [str(v) for v in PersonVersion.objects.values_list("remarks", "my_number_cipher")]
    blob = "\n".join(texts)
    assert not any(n in blob for n in numbers)


def test_bulk_load_keeps_numbering_in_step_and_logs_once():
    """A 異動 after a bulk load gets fresh numbers (sequences advanced), and the load itself is
    one operation-log entry by the system actor."""
    from jumin.audit.models import OperationLog
    from jumin.registry import services
    from jumin.registry.models import Household, Person, Transaction

    seeding.seed(N, 4, method="bulk")
    last_atena = max(Person.objects.values_list("atena_number", flat=True))
    last_household = max(Household.objects.values_list("number", flat=True))
    logs = OperationLog.objects.filter(function="registry.seed_bulk")
    assert logs.count() == 1 and logs.get().actor.username == "system" and logs.get().actor.is_system
    assert logs.get().detail["residents"] == N
    actor = seeding.system_actor()
    assert not actor.has_usable_password()
    town = seeding.city("13210").towns[0]
    result = services.submit(actor=actor, kind="move_in", data={
        "event_date": "2026-10-01", "notified_on": "2026-10-01",
        "address": {"area_code": town.code, "address_number": "一丁目1番1号"},
        "previous_address": {"address": "東京都三鷹市下連雀一丁目1番1号", "municipality_code": "132047"},
        "persons": [{"family_name": "新井", "given_name": "一郎", "family_name_kana": "アライ", "given_name_kana": "イチロウ",
                     "birth_date": "1990-01-01", "sex": "1", "relationship": "世帯主", "honseki": "東京都小金井市本町一丁目1番地"}],
    })
    assert result.atena_numbers[0] > last_atena
    assert result.household_numbers[0] > last_household
    newest = Transaction.objects.order_by("-id").first()
    assert newest.document_number == result.transaction.document_number
    seeded_max = max(int(n.split("-")[1]) for n in Transaction.objects.exclude(pk=newest.pk).values_list("document_number", flat=True))
    assert int(newest.document_number.split("-")[1]) == seeded_max + 1


def test_seed_command_if_empty_and_refusal(capsys):
    from jumin.registry.models import Person

    call_command("seed", "--residents", "40", "--seed", "1")
    count = Person.objects.count()
    assert count >= 40
    call_command("seed", "--residents", "40", "--seed", "1", "--if-empty")
    assert Person.objects.count() == count
    assert "作成しませんでした" in capsys.readouterr().out
    with pytest.raises(CommandError, match="既に登録"):
        call_command("seed", "--residents", "40", "--seed", "1")


@pytest.mark.postgres_only
def test_forked_producer_writes_the_same_rows(fresh_register, take_snapshot, monkeypatch):
    """The bulk path used for large loads (rows built in a forked process) gives the same register."""
    seeding.seed(N, 9, method="bulk")
    inline = take_snapshot()
    fresh_register()
    monkeypatch.setattr(seeding, "FORK_THRESHOLD", 0)
    seeding.load_bulk(N, 9, batch=50)
    assert take_snapshot() == inline


@pytest.mark.postgres_only
@pytest.mark.parametrize("replica", [True, False])
def test_postgresql_fast_load_restores_indexes_and_foreign_keys(replica, monkeypatch):
    """After the COPY load every index and foreign key of the tables is back (validated when
    they had to be dropped), and a later write that breaks a foreign key is still refused."""
    from django.db import IntegrityError, connection, transaction

    from jumin.registry.models import Person

    def catalog():
        with connection.cursor() as c:
            c.execute("""SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                         WHERE t.relname LIKE 'registry_%%' ORDER BY 1""")
            indexes = [r[0] for r in c.fetchall()]
            c.execute("""SELECT conname, convalidated FROM pg_constraint
                         WHERE contype = 'f' AND conrelid::regclass::text LIKE 'registry_%%' ORDER BY 1""")
            return indexes, c.fetchall()

    before = catalog()
    monkeypatch.setattr(seeding._PgFastLoad, "USE_REPLICA_ROLE", replica)
    seeding.seed(N, 6, method="bulk")
    assert catalog() == before
    assert all(valid for _, valid in before[1])
    with connection.cursor() as c:
        c.execute("SHOW session_replication_role")
        assert c.fetchone()[0] == "origin"
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=Person.objects.first().pk).update(household_id=10**9)
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
