"""Search (issue §4; 標準仕様書 j330/j340): every criterion, current residents by default, 除票 on
request, paginated, and every search logged with the persons shown."""

from __future__ import annotations

import pytest

from jumin.core.errors import RuleError
from jumin.registry import selectors
from jumin.registry.selectors import SearchQuery


@pytest.fixture
def people(desk):
    fam = desk.family()  # 山田 太郎 (ヤマダ タロウ, S55.5.5 男), 花子, 一郎 at 本町一丁目1番2号
    gotou = desk.single(desk.japanese_person(given_name="次郎", given_kana="ジロウ", family_name="後藤",
                                             family_name_kana="ゴトウ", hittosha="後藤次郎"),
                        area_code="002001", address_number="7番")
    return {"family": fam.atena_numbers, "gotou": gotou.atena_numbers[0]}


def _names(desk, **criteria):
    page = selectors.search(actor=desk.clerk, query=SearchQuery(**criteria))
    return sorted(p.given_name for p in page.object_list)


def test_kana_prefix_in_seion_mode_folds_dakuten_and_accepts_hiragana(desk, people):
    assert _names(desk, kana="こと") == ["次郎"]  # ゴトウ → コトオ; こと is its 清音 prefix
    assert _names(desk, kana="ゴト", kana_mode="exact") == ["次郎"]
    assert _names(desk, kana="コト", kana_mode="exact") == []  # exact mode keeps the 濁点


def test_kana_exact_match_needs_the_whole_name(desk, people):
    assert _names(desk, kana="ヤマダ　タロウ", kana_match="exact") == ["太郎"]
    assert _names(desk, kana="ヤマダタロ", kana_match="exact") == []
    assert _names(desk, kana="ヤマダ", kana_match="prefix") == ["一郎", "太郎", "花子"]


def test_kanji_birth_date_in_wareki_or_seireki_and_sex(desk, people):
    assert _names(desk, kanji="山田", birth_date="昭和55年5月5日") == ["太郎"]
    assert _names(desk, kanji="山田", birth_date="1980-05-05") == ["太郎"]
    assert _names(desk, kanji="山田", sex="女") == ["花子"]
    assert _names(desk, sex="男") == ["一郎", "太郎", "次郎"]


def test_address_area_and_numbers(desk, people):
    assert _names(desk, area_code="002001") == ["次郎"]
    assert _names(desk, address="本町一丁目1番") == ["一郎", "太郎", "花子"]
    head = desk.person(people["family"][0])
    assert _names(desk, household_number=head.household.number) == ["一郎", "太郎", "花子"]
    assert _names(desk, atena_number=head.atena_number) == ["太郎"]
    assert _names(desk, juminhyo_code=head.juminhyo_code) == ["太郎"]
    # input with full-width digits and hyphens is normalised
    wide = head.juminhyo_code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _names(desk, juminhyo_code=f"{wide[:4]}-{wide[4:]}") == ["太郎"]


def test_removed_persons_only_on_request(desk, people):
    desk.submit("death", {"event_date": "令和7年5月30日", "persons": [people["gotou"]]})
    assert _names(desk, kana="ゴトウ") == []
    assert _names(desk, kana="ゴトウ", include_removed=True) == ["次郎"]


def test_search_is_paginated_and_logs_the_persons_shown(desk, people):
    from jumin.audit.models import OperationLog

    page = selectors.search(actor=desk.clerk, query=SearchQuery(kana="ヤマダ", page_size=2))
    assert page.paginator.count == 3 and len(page.object_list) == 2 and page.has_next()
    log = OperationLog.objects.filter(function="registry.search").latest("id")
    assert log.actor == desk.clerk and sorted(log.target_atena_numbers) == sorted(p.atena_number for p in page.object_list)
    page2 = selectors.search(actor=desk.clerk, query=SearchQuery(kana="ヤマダ", page_size=2, page=2))
    assert len(page2.object_list) == 1


@pytest.mark.parametrize("criteria,code", [
    ({}, "search.empty"),
    ({"kana": "ー"}, "search.kana_empty"),
    ({"kanji": "　"}, "search.kanji_empty"),
    ({"birth_date": "平成31年5月1日"}, "date.era_out_of_range"),
])
def test_meaningless_criteria_are_refused_instead_of_listing_everyone(desk, people, criteria, code):
    with pytest.raises(RuleError) as info:
        selectors.search(actor=desk.clerk, query=SearchQuery(**criteria))
    assert code in info.value.codes


def test_alias_is_found_by_kana_and_by_kanji_but_not_in_exact_kana_mode(desk, people):
    r = desk.submit("foreign_entry_30_46", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日",
                                            "address": {"area_code": "002001", "address_number": "1番"},
                                            "persons": [desk.foreign_person()]})
    atena = r.atena_numbers[0]
    desk.submit("alias_entry", {"event_date": "令和7年5月20日", "notified_on": "令和7年5月20日", "persons": [atena],
                                "alias": "須見須", "alias_kana": "スミス"})

    def found(**criteria):
        return [p.atena_number for p in selectors.search(actor=desk.clerk, query=SearchQuery(**criteria)).object_list]

    assert found(kana="すみ") == [atena]
    assert found(kanji="須見") == [atena]
    assert found(kanji="SMITH") == [atena]  # アルファベット氏名, typed in any case
    assert found(kana="スミス", kana_mode="exact") == []
