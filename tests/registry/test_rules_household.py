"""世帯主 rules (標準仕様書 j490 世帯主不在, j730; 住基法第7条第4号). Pure: no database."""

from __future__ import annotations

from jumin.registry.rules.household import check_single_head, remaining_head_changes


def members(*rels):
    return {f"A{i}": {"relationship": rel} for i, rel in enumerate(rels)}


def test_a_member_other_than_the_head_leaving_changes_nothing():
    assert remaining_head_changes(members("世帯主", "妻", "子"), {"A2"}, new_head=None, relationships={}) == ({}, [])


def test_everyone_leaving_changes_nothing():
    assert remaining_head_changes(members("世帯主", "妻"), {"A0", "A1"}, new_head=None, relationships={}) == ({}, [])


def test_one_member_left_becomes_head_automatically():
    changes, issues = remaining_head_changes(members("世帯主", "妻"), {"A0"}, new_head=None, relationships={})
    assert changes == {"A1": {"relationship": "世帯主"}} and issues == []


def test_two_members_left_need_a_new_head():
    changes, issues = remaining_head_changes(members("世帯主", "妻", "子"), {"A0"}, new_head=None, relationships={})
    assert changes == {} and [(i.code, i.field) for i in issues] == [("household.head_missing", "new_head")]
    assert issues[0].is_error


def test_two_members_left_with_a_new_head_and_relationships():
    changes, issues = remaining_head_changes(members("世帯主", "妻", "子"), {"A0"}, new_head="A1", relationships={"A2": "子"})
    assert issues == [] and changes == {"A1": {"relationship": "世帯主"}, "A2": {"relationship": "子"}}


def test_the_new_head_must_stay_and_the_others_need_a_relationship_that_is_not_head():
    _, issues = remaining_head_changes(members("世帯主", "妻", "子"), {"A0"}, new_head="A0", relationships={})
    assert [i.code for i in issues] == ["household.new_head_not_member"]
    _, issues = remaining_head_changes(members("世帯主", "妻", "子"), {"A0"}, new_head="A1", relationships={})
    assert [(i.code, i.field) for i in issues] == [("household.relationship_required", "relationships.A2")]
    _, issues = remaining_head_changes(members("世帯主", "妻", "子"), {"A0"}, new_head="A1", relationships={"A2": "世帯主"})
    assert [i.code for i in issues] == ["household.two_heads"]


def test_exactly_one_head():
    assert check_single_head([("p.0", "世帯主"), ("p.1", "妻")]) == []
    assert [i.code for i in check_single_head([("p.0", "妻")])] == ["household.no_head"]
    (issue,) = check_single_head([("p.0", "世帯主"), ("p.1", "世帯主")])
    assert (issue.code, issue.field) == ("household.two_heads", "p.1")


def test_standard_order_j1010_head_spouse_children_by_birth_then_others():
    import datetime as dt

    from jumin.registry.rules.household import standard_order_key

    members = [
        ("同居人", dt.date(1990, 1, 1), "0000000019"),
        ("子", dt.date(2012, 1, 1), "0000000027"),
        ("母", dt.date(1950, 1, 1), "0000000035"),
        ("妻", dt.date(1981, 1, 1), "0000000043"),
        ("子", dt.date(2010, 1, 1), "0000000051"),
        ("世帯主", dt.date(1980, 1, 1), "0000000060"),
        ("子の妻", dt.date(2009, 1, 1), "0000000078"),
    ]
    ordered = [m[0] + str(m[1].year) for m in sorted(members, key=lambda m: standard_order_key(*m))]
    assert ordered == ["世帯主1980", "妻1981", "子2010", "子2012", "子の妻2009", "母1950", "同居人1990"]
