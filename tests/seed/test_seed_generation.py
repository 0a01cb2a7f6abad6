"""The synthetic population itself (pure generation, no database): realistic shares, names whose
kana belong to their kanji, valid identifiers, and determinism."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from jumin.identifiers import rules as idr
from jumin.registry import seeding

N = 20_000


@pytest.fixture(scope="module")
def home():
    return seeding.city("13210")


@pytest.fixture(scope="module")
def stories(home):
    return list(seeding.StoryGenerator(7, home).stories(N))


def _persons(stories):
    return [p.data for s in stories for p in s.persons]


def test_city_is_koganei_with_its_real_towns(home):
    assert home.code6 == "132101"
    assert (home.prefecture, home.name) == ("東京都", "小金井市")
    names = {t.name for t in home.towns}
    assert {"本町", "緑町", "貫井北町", "梶野町"} <= names
    assert all(len(t.postal_code) == 7 and t.postal_code.startswith("184") for t in home.towns)


def test_exactly_the_requested_number_of_residents(stories):
    assert sum(s.residents for s in stories) == N


def test_same_seed_same_stories_and_another_seed_differs(home, stories):
    again = list(seeding.StoryGenerator(7, home).stories(N))
    assert [[p.data for p in s.persons] for s in again] == [[p.data for p in s.persons] for s in stories]
    assert [[(e.kind, e.date, e.notified, e.members, e.address) for e in s.events] for s in again] == \
           [[(e.kind, e.date, e.notified, e.members, e.address) for e in s.events] for s in stories]
    other = list(seeding.StoryGenerator(8, home).stories(200))
    assert [p.data["juminhyo_code"] for s in other for p in s.persons][:50] != \
           [p.data["juminhyo_code"] for s in stories for p in s.persons][:50]


def test_kana_belongs_to_the_kanji(stories):
    pools = seeding.pools()
    from faker.providers.person.ja_JP import Provider

    faker_surnames = {(k, kana) for k, kana, _ in Provider.last_name_pairs}
    assert faker_surnames <= pools.name_pairs
    japanese = [p for p in _persons(stories) if p["resident_type"] == "japanese"]
    assert japanese
    for p in japanese:
        assert (p["family_name"], p["family_name_kana"]) in pools.name_pairs, p
        assert (p["given_name"], p["given_name_kana"]) in pools.given_pairs, p
    # the well-known pairs really are the ones drawn (not independent kanji and kana draws)
    surname_kana = {(p["family_name"], p["family_name_kana"]) for p in japanese}
    assert ("佐藤", "サトウ") in surname_kana and ("佐藤", "スズキ") not in surname_kana
    # many surnames, not Faker's 50 only, and the most common ones most often
    counts = Counter(p["family_name"] for p in japanese)
    assert len(counts) > 120
    assert counts.most_common(1)[0][0] in {"佐藤", "鈴木", "高橋"}


def test_identifiers_have_valid_check_digits_and_are_unique(stories):
    persons = _persons(stories)
    codes = [p["juminhyo_code"] for p in persons]
    numbers = [p["my_number"] for p in persons]
    cards = [p["residence_card_number"] for p in persons if p.get("residence_card_number")]
    for code in codes:
        assert idr.validate_juminhyo_code(code) == code
    for number in numbers:
        assert idr.validate_my_number(number) == number
    for card in cards:
        assert idr.validate_residence_card_number(card) == card
    assert len(set(codes)) == len(codes) and len(set(numbers)) == len(numbers) and len(set(cards)) == len(cards)


def test_fast_sequence_numbers_match_the_identifier_rules():
    for seq in (1, 2, 9, 10, 11, 12, 99, 100, 123_456, 999_999_999):
        assert seeding.fast_atena_number(seq) == idr.make_atena_number(seq) == idr.make_household_number(seq)


def test_about_two_percent_foreign_with_valid_30_45_items(stories):
    residents = [p for s in stories for i, p in enumerate(s.persons) if s.residents]
    foreign = [p.data for p in residents if p.data["resident_type"] == "foreign"]
    share = len(foreign) / len(residents)
    assert 0.012 <= share <= 0.03, share
    categories = Counter(p["foreign_category"] for p in foreign)
    assert categories["mid_long_term"] > categories["special_permanent"] > 0
    for p in foreign:
        assert p["alphabet_name"] == p["alphabet_name"].upper() and p["alphabet_name"].isascii()
        assert p["nationality_code"] and p["nationality_name"]
        assert p.get("family_name") is None
        if p["foreign_category"] == "mid_long_term":
            assert p["residence_status"] and p["period_of_stay"] and p["stay_expires_on"] > seeding.REFERENCE_DATE
    assert any(p.get("alias") for p in foreign)  # 通称 of some 特別永住者


def test_household_shapes_and_age_pyramid(stories):
    sizes = Counter(len(s.persons) for s in stories)
    single_share = sizes[1] / len(stories)
    assert 0.33 <= single_share <= 0.45, single_share
    mean = sum(len(s.persons) for s in stories) / len(stories)
    assert 2.0 <= mean <= 2.6, mean
    ref = seeding.REFERENCE_DATE
    ages = [(ref - p["birth_date"]).days // 365 for p in _persons(stories)]
    old = sum(a >= 65 for a in ages) / len(ages)
    young = sum(a < 15 for a in ages) / len(ages)
    assert 0.18 <= old <= 0.32, old  # 東京都小金井市: about 22 %
    assert 0.08 <= young <= 0.16, young
    assert max(ages) <= 101 and min(ages) >= 0
    for s in stories:
        heads = [p for p in s.persons if p.data["relationship"] == "世帯主"]
        assert len(heads) == 1 and s.persons[0] is heads[0]


def test_history_removed_records_and_dates(stories):
    persons = sum(len(s.persons) for s in stories)
    removed = persons - N
    assert 0.035 <= removed / persons <= 0.065, removed / persons
    kinds = Counter(e.kind for s in stories for e in s.events)
    assert {"move_in", "birth", "move_within", "death", "move_out", "move_in_from_abroad"} <= set(kinds)
    for s in stories:
        assert s.events[0].kind in ("move_in", "move_in_from_abroad")
        dates = [e.date for e in s.events]
        assert dates == sorted(dates)
        for e in s.events:
            assert e.date <= e.notified <= seeding.REFERENCE_DATE
            assert (e.notified - e.date).days <= 14  # no 届出期間経過 alerts
        for e in s.events:
            if e.kind == "birth":
                assert s.persons[e.members[0]].data["birth_date"] == e.date
        if s.events[-1].kind == "move_out":
            assert s.residents == 0
        else:  # the count of current residents follows from the events
            died = sum(1 for e in s.events if e.kind == "death")
            assert s.residents == len(s.persons) - died
    assert any(len([e for e in s.events if e.kind != "birth"]) >= 3 for s in stories)
    assert all(e.date >= dt.date(1990, 1, 1) for s in stories for e in s.events if e.kind != "birth")
