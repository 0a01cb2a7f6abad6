"""The UI's pure parts (no database): 和暦/JST display filters and the conversion of a submitted
entry form into the services' input, including how issues find their way back to the inputs."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from jumin.core.templatetags import jumin as tags
from jumin.registry import forms
from jumin.registry.choices import TransactionKind


def post(pairs: list[tuple[str, str]]) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in pairs:
        q.appendlist(k, v)
    return q


def test_wareki_and_jst_filters():
    assert tags.wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert tags.wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert tags.wareki(dt.date(2025, 4, 1), "short") == "R7.4.1"
    assert tags.wareki(dt.date(1872, 12, 31)) == "1872年12月31日"  # no 和暦 equivalent: 西暦
    assert tags.wareki(None) == "" and tags.wareki("") == ""
    assert tags.seireki(dt.date(1990, 2, 3)) == "1990年2月3日"
    assert tags.fuzzy(dt.date(1945, 7, 1), "昭和20年頃") == "昭和20年頃"
    assert tags.fuzzy(dt.date(1945, 7, 1), "") == "昭和20年7月1日"
    # stored in UTC, shown in JST: 2026-11-24 20:30 UTC is 11月25日 05:30 in Japan
    assert tags.jst(dt.datetime(2026, 11, 24, 20, 30, tzinfo=dt.timezone.utc)) == "令和8年11月25日 05:30:00"
    assert tags.wareki(dt.datetime(2026, 11, 24, 20, 30, tzinfo=dt.timezone.utc)) == "令和8年11月25日"


def test_field_ids_follow_the_issue_field_path():
    assert tags.field_id("persons.0.family_name") == "f-persons-0-family_name"
    assert tags.error_id("relationships.0000000019") == "err-relationships-0000000019"
    assert tags.path("persons", 2) == "persons.2"


def test_every_kind_has_a_layout_and_appears_once_in_the_menu():
    assert set(forms.KIND_UI) == set(TransactionKind.values)
    listed = [k for _, kinds in forms.KIND_GROUPS for k in kinds]
    assert sorted(listed) == sorted(TransactionKind.values)


def test_entry_blocks_are_compacted_and_issues_mapped_back():
    q = post([
        ("csrfmiddlewaretoken", "x"), ("_action", "confirm"), ("_touched", "event_date"),
        ("_expected.0000000019", "4"), ("_hold", "1"), ("_ack", "notification.late"),
        ("event_date", " 令和7年4月1日 "), ("notified_on", ""),
        ("address.area_code", "001001"), ("address.address_number", "1番2号"), ("address.katagaki", ""),
        ("persons.0.resident_type", "japanese"), ("persons.0.family_name", "山田"),
        ("persons.1.resident_type", "japanese"),  # an untouched block
        ("persons.2.resident_type", "japanese"), ("persons.2.family_name", "鈴木"),
    ])
    entry = forms.entry_input("move_in", q)
    assert entry.data == {
        "event_date": "令和7年4月1日",
        "address": {"area_code": "001001", "address_number": "1番2号"},
        "persons": [{"resident_type": "japanese", "family_name": "山田"},
                    {"resident_type": "japanese", "family_name": "鈴木"}],
    }
    assert entry.expected_versions == {"0000000019": 4}
    assert entry.hold and entry.acknowledged == ["notification.late"] and entry.touched == ["event_date"]
    # the 2nd person of the input is the 3rd block of the form
    assert entry.display_field("persons.1.given_name") == "persons.2.given_name"
    assert entry.display_field("persons.0") == "persons.0"
    assert entry.display_field("address.area_code") == "address.area_code"


def test_member_selection_and_relationships():
    q = post([("event_date", "R7.5.1"), ("persons", "0000000027"), ("persons", "0000000035"),
              ("new_head", ""), ("relationships.0000000019", "夫"), ("relationships.0000000027", "")])
    entry = forms.entry_input("move_out", q)
    assert entry.data == {"event_date": "R7.5.1", "persons": ["0000000027", "0000000035"],
                          "relationships": {"0000000019": "夫"}}
    # persons.N (the N-th checked member) is shown beside that member's row
    assert entry.display_field("persons.1") == "persons.0000000035"


def test_correction_changes_keep_cleared_items_and_booleans():
    q = post([("event_date", "R7.5.1"), ("persons", "0000000019"),
              ("_changes", "katagaki"), ("changes.katagaki", ""),
              ("_changes", "nhi_insured"),  # unchecked checkbox: not submitted
              ("_changes", "elector_registered"), ("changes.elector_registered", "1"),
              ("changes.remarks", "not chosen")])
    entry = forms.entry_input("ex_officio_correction", q)
    assert entry.data["persons"] == ["0000000019"]
    assert entry.data["changes"] == {"katagaki": "", "nhi_insured": False, "elector_registered": True}


def test_path_labels_are_japanese():
    assert forms.path_label("persons.1.given_name") == "異動者 2人目 名"
    assert forms.path_label("relationships.0000000019", {"0000000019": "山田　太郎"}) == "続柄（新しい世帯主との続柄） 山田　太郎"
    assert forms.path_label("previous_address.municipality_code") == "転入前住所 自治体コード"


def test_cancel_kind_matches_the_category_of_the_cancelled_kind():
    assert forms.cancel_kind_for("move_in") == "cancel_decrease"
    assert forms.cancel_kind_for("death") == "cancel_increase"
    assert forms.cancel_kind_for("move_within") == "cancel_correction"
    assert forms.cancel_kind_for("cancel_increase") is None
