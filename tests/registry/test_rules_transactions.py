"""The pure 異動 planner (jumin.registry.rules.transactions): parse + plan on a hand-built context.
No database: the records are dicts, as the services would load them under row locks."""

from __future__ import annotations

import datetime as dt

import pytest

from jumin.core.errors import RuleError, Severity
from jumin.identifiers.rules import make_atena_number, make_household_number
from jumin.registry.rules import inputs, transactions as rules
from jumin.registry.services import blank_record  # model metadata only: no query

TODAY = dt.date(2025, 6, 1)
D = dt.date
HEAD, WIFE, CHILD, OTHER, LODGER = (make_atena_number(i) for i in range(1, 6))
H1, H2 = make_household_number(1), make_household_number(2)
ADDRESS = {"area": "001001", "address": "東京都小金井市本町一丁目1番2号", "address_number": "1番2号", "katagaki": "",
           "postal_code": "1840004"}


def person(atena, household, relationship, order, **kw) -> dict:
    rec = blank_record()
    rec.pop("my_number")
    rec.update(ADDRESS)
    rec.update(atena_number=atena, history_no=1, pending=False, status="resident", resident_type="japanese",
               household=household, relationship=relationship, member_order=order, family_name="山田",
               given_name="一二三"[order - 1], birth_date=D(1980, 1, order), sex="1", honseki="東京都")
    rec.update(kw)
    return rec


def context(*records, **kw) -> rules.Context:
    ctx = rules.Context(today=TODAY, municipality={"code": "132101", "name": "小金井市", "prefecture": "東京都"},
                        blank=blank_record(),
                        areas={"001001": {"name": "本町一丁目", "postal_code": "1840004"},
                               "002001": {"name": "緑町一丁目", "postal_code": "1840003"}}, **kw)
    for r in records:
        ctx.persons[r["atena_number"]] = r
        if r["status"] == "resident":
            ctx.households.setdefault(r["household"], []).append(r["atena_number"])
    for members in ctx.households.values():
        members.sort(key=lambda a: ctx.persons[a]["member_order"])
    return ctx


def family(**overrides) -> list[dict]:
    recs = {HEAD: person(HEAD, H1, "世帯主", 1), WIFE: person(WIFE, H1, "妻", 2, sex="2"), CHILD: person(CHILD, H1, "子", 3)}
    for atena, fields in overrides.items():
        recs[atena].update(fields)
    return list(recs.values())


def plan(kind, data, ctx) -> rules.Plan:
    """Parse and plan; the 届出日 is the 異動日 unless given (these tests are not about lateness)."""
    if "event_date" in data:
        event = inputs.date_value(data["event_date"], "event_date", fuzzy=True).sort_date or TODAY  # 年月日不詳
        data = {"notified_on": min(event, TODAY).isoformat()} | data
    return rules.plan(rules.parse(kind, data, TODAY), ctx)


def codes(p: rules.Plan) -> list[str]:
    return [i.code for i in p.issues]


def changed(p: rules.Plan) -> dict[str, dict]:
    return {ch.ref: ch.record for ch in p.changes}


# ------------------------------------------------------------------------------------ parse


def test_parse_normalises_dates_and_defaults_the_notification_date_to_today():
    cmd = rules.parse("death", {"event_date": "R7.5.3", "persons": [CHILD]}, TODAY)
    assert (cmd.event_date, cmd.notified_on, cmd.event_text) == (D(2025, 5, 3), TODAY, "")
    cmd = rules.parse("death", {"event_date": "令和7年5月頃", "persons": [CHILD]}, TODAY)
    assert cmd.event_text == "令和7年5月頃" and cmd.event_date is not None


def test_parse_reports_every_problem_at_once_with_its_field():
    with pytest.raises(RuleError) as info:
        rules.parse("move_within", {"event_date": "令和7年13月1日", "persons": ["123"], "address": {"area_code": ""}}, TODAY)
    fields = {i.field for i in info.value.issues}
    assert {"event_date", "persons.0", "address.area_code", "address.address_number"} <= fields


def test_parse_refuses_unknown_kinds_and_non_dict_input():
    with pytest.raises(RuleError) as info:
        rules.parse("nope", {}, TODAY)
    assert info.value.codes == ["kind.unknown"]
    with pytest.raises(RuleError) as info:
        rules.parse("death", ["x"], TODAY)
    assert info.value.codes == ["input.type"]


def test_fuzzy_event_dates_only_where_the_standard_allows_them():
    with pytest.raises(RuleError) as info:
        rules.parse("move_within", {"event_date": "令和7年5月頃", "persons": [HEAD], "address": {"area_code": "002001", "address_number": "1"}}, TODAY)
    assert info.value.codes == ["date.fuzzy_not_allowed"]


def test_move_within_accepts_only_address_and_household_items():
    with pytest.raises(RuleError) as info:
        rules.parse("move_within", {"event_date": "令和7年5月1日", "persons": [HEAD], "given_name": "次郎",
                                    "address": {"area_code": "002001", "address_number": "1"}}, TODAY)
    assert [(i.code, i.field) for i in info.value.issues] == [("move_within.only_address", "given_name")]


def test_corrections_accept_only_their_fields():
    with pytest.raises(RuleError) as info:
        rules.parse("family_register_change", {"event_date": "令和7年5月1日", "persons": [HEAD], "changes": {"birth_date": "1980-01-01"}}, TODAY)
    assert [(i.code, i.field) for i in info.value.issues] == [("correction.field_not_allowed", "changes.birth_date")]
    with pytest.raises(RuleError) as info:
        rules.parse("minor_correction", {"event_date": "令和7年5月1日", "persons": [HEAD, WIFE], "changes": {"katagaki": "A"}}, TODAY)
    assert info.value.codes == ["correction.one_person"]


def test_foreign_notification_30_47_is_an_entry_without_previous_address():
    cmd = rules.parse("foreign_notification_30_47", {
        "event_date": "令和7年5月1日", "address_set_on": "令和7年1月10日", "address": {"area_code": "002001", "address_number": "1番"},
        "previous_address": {"address": "ignored"},
        "persons": [{"alphabet_name": "LEE MIN", "birth_date": "1995-05-05", "sex": "女", "relationship": "世帯主",
                     "nationality_code": "KOR", "nationality_name": "韓国", "foreign_category": "special_permanent",
                     "residence_card_number": "XY12345678ZZ"}]}, TODAY)
    assert rules.KINDS["foreign_notification_30_47"].category == "entry"
    assert cmd.data["previous_address"]["address"] == "" and cmd.data["address_set_on"] == D(2025, 1, 10)
    with pytest.raises(RuleError) as info:
        rules.parse("foreign_notification_30_47", {"event_date": "令和7年5月1日", "address": {"area_code": "002001", "address_number": "1番"},
                                                   "persons": [{"resident_type": "japanese", "family_name": "山田", "given_name": "花",
                                                                "family_name_kana": "ヤマダ", "given_name_kana": "ハナ", "birth_date": "2000-01-01",
                                                                "sex": "女", "relationship": "世帯主", "honseki": "東京都"}]}, TODAY)
    assert "foreign.required" in info.value.codes


def test_head_instruction_reads_a_stored_move_out_request():
    assert rules.head_instruction({"new_head": WIFE, "relationships": {CHILD: "子"}}) == {"new_head": WIFE, "relationships": {CHILD: "子"}}
    assert rules.head_instruction({"new_head": "bad", "relationships": "x"}) == {"new_head": None, "relationships": {}}
    assert rules.head_instruction(None) == {"new_head": None, "relationships": {}}


# ------------------------------------------------------------------------------------ 世帯主不在 (j490)


def test_head_leaving_one_member_makes_it_head_with_a_notice_and_the_reason_head_change():
    ctx = context(*family(**{CHILD: {"status": "removed"}}))
    p = plan("death", {"event_date": "令和7年5月3日", "persons": [HEAD]}, ctx)
    assert p.errors == [] and p.alerts == []
    assert changed(p)[WIFE]["relationship"] == "世帯主"
    assert next(ch for ch in p.changes if ch.ref == WIFE).reason == "head_change"
    assert next(ch for ch in p.changes if ch.ref == HEAD).reason is None  # the 異動's own kind
    assert p.notices and "世帯主" in p.notices[0]


def test_head_leaving_two_members_is_an_error_without_a_new_head():
    p = plan("death", {"event_date": "令和7年5月3日", "persons": [HEAD]}, context(*family()))
    assert codes(p) == ["household.head_missing"]


def test_future_move_out_checks_the_head_now_and_changes_nothing_else():
    ctx = context(*family())
    p = plan("move_out", {"event_date": "令和7年7月1日", "persons": [HEAD], "destination": {"address": "大阪府"}}, ctx)
    assert codes(p) == ["household.head_missing"]
    p = plan("move_out", {"event_date": "令和7年7月1日", "persons": [HEAD], "new_head": WIFE, "relationships": {CHILD: "子"},
                          "destination": {"address": "大阪府"}}, ctx)
    assert p.errors == [] and set(changed(p)) == {HEAD}
    rec = changed(p)[HEAD]
    assert (rec["status"], rec["relationship"], rec["move_out_planned_on"], rec["removed_on"]) == ("resident", "世帯主", D(2025, 7, 1), None)


def test_effective_move_out_removes_and_applies_the_new_head():
    p = plan("move_out", {"event_date": "令和7年6月1日", "persons": [HEAD], "new_head": WIFE, "relationships": {CHILD: "子"},
                          "destination": {"address": "大阪府"}}, context(*family()))
    assert p.errors == []
    assert changed(p)[HEAD]["status"] == "removed" and changed(p)[HEAD]["removed_on"] == D(2025, 6, 1)
    assert changed(p)[WIFE]["relationship"] == "世帯主" and changed(p)[CHILD]["relationship"] == "子"


def test_move_out_effect_needs_the_planned_date_to_have_come():
    planned = family(**{HEAD: {"move_out_planned_on": D(2025, 6, 2)}})
    p = rules.plan_move_out_effect(context(*planned), [HEAD])
    assert codes(p) == ["move_out.not_due"] and p.changes == []
    planned = family(**{HEAD: {"move_out_planned_on": D(2025, 6, 1)}})
    ctx = context(*planned, move_out_plans={HEAD: {"kind": "move_out", "new_head": WIFE, "relationships": {CHILD: "子"}}})
    p = rules.plan_move_out_effect(ctx, [HEAD])
    assert p.errors == []
    assert changed(p)[HEAD]["status"] == "removed" and changed(p)[HEAD]["removal_kind"] == "move_out"
    assert changed(p)[WIFE]["relationship"] == "世帯主"


# ------------------------------------------------------------------------------------ 転居


def test_move_within_of_some_members_into_a_new_household_needs_one_head_among_them():
    ctx = context(*family())
    p = plan("move_within", {"event_date": "令和7年5月1日", "persons": [CHILD], "address": {"area_code": "002001", "address_number": "3番"}}, ctx)
    assert codes(p) == ["household.no_head"]
    p = plan("move_within", {"event_date": "令和7年5月1日", "persons": [CHILD], "relationships": {CHILD: "世帯主"},
                             "address": {"area_code": "002001", "address_number": "3番"}}, ctx)
    assert p.errors == [] and changed(p)[CHILD]["household"] == "new:0" and changed(p)[CHILD]["relationship"] == "世帯主"
    assert changed(p)[CHILD]["address"] == "東京都小金井市緑町一丁目3番" and changed(p)[CHILD]["before_move_address"] == ADDRESS["address"]


def test_move_within_into_a_household_at_another_address_is_refused():
    lodger_home = person(OTHER, H2, "世帯主", 1, address="東京都小金井市緑町一丁目9番", area="002001", address_number="9番")
    p = plan("move_within", {"event_date": "令和7年5月1日", "persons": [CHILD], "household_number": H2, "relationships": {CHILD: "同居人"},
                             "address": {"area_code": "002001", "address_number": "3番"}}, context(*family(), lodger_home))
    assert codes(p) == ["household.address_mismatch"]


def test_same_address_move_is_an_alert():
    p = plan("move_within", {"event_date": "令和7年5月1日", "persons": [HEAD, WIFE, CHILD],
                             "address": {"area_code": "001001", "address_number": "1番2号"}}, context(*family()))
    assert [(i.code, i.severity) for i in p.issues] == [("move_within.same_address", Severity.ALERT)]


# ------------------------------------------------------------------------------------ invariants


def test_a_pending_person_is_not_changed_even_indirectly():
    ctx = context(*family(**{CHILD: {"status": "removed"}, WIFE: {"pending": True}}))
    p = plan("death", {"event_date": "令和7年5月3日", "persons": [HEAD]}, ctx)
    assert codes(p) == ["person.pending"] and p.issues[0].params["atena"] == WIFE


def test_every_household_keeps_exactly_one_head():
    """The net under every kind: joining a household that (wrongly) has no 世帯主 is refused."""
    headless = [person(OTHER, H2, "同居人", 1)]
    p = plan("move_in", {"event_date": "令和7年5月1日", "household_number": H2,
                         "address": {"area_code": "001001", "address_number": "1番2号"}, "previous_address": {"address": "大阪府"},
                         "persons": [{"family_name": "山田", "given_name": "梅", "family_name_kana": "ヤマダ", "given_name_kana": "ウメ",
                                      "birth_date": "1950-01-01", "sex": "女", "relationship": "母", "honseki": "東京都"}]},
             context(*headless))
    assert codes(p) == ["household.no_head"]


def test_a_removed_person_cannot_be_moved_but_may_be_corrected_clerically():
    ctx = context(*family(**{CHILD: {"status": "removed", "removal_kind": "death"}}))
    p = plan("minor_correction", {"event_date": "令和7年5月3日", "persons": [CHILD], "changes": {"katagaki": "A"}}, ctx)
    assert codes(p) == ["person.removed"]
    p = plan("clerical_correction", {"event_date": "令和7年5月3日", "persons": [CHILD], "changes": {"given_name": "壱郎"}}, ctx)
    assert p.errors == [] and changed(p)[CHILD]["given_name"] == "壱郎" and changed(p)[CHILD]["status"] == "removed"


def test_correction_without_change_is_refused():
    p = plan("minor_correction", {"event_date": "令和7年5月3日", "persons": [HEAD], "changes": {"katagaki": ""}}, context(*family()))
    assert codes(p) == ["correction.no_change"]


# ------------------------------------------------------------------------------------ 記載


def test_returning_resident_by_number_reuses_the_removed_record():
    gone = person(OTHER, H2, "世帯主", 1, status="removed", removal_kind="move_out", juminhyo_code="12345678901")
    ctx = context(gone, id_matches={0: [gone]})
    p = plan("move_in", {"event_date": "令和7年5月20日", "address": {"area_code": "002001", "address_number": "1番"},
                         "previous_address": {"address": "大阪府"},
                         "persons": [{"family_name": "山田", "given_name": "一", "family_name_kana": "ヤマダ", "given_name_kana": "ナ",
                                      "birth_date": "1980-01-01", "sex": "男", "relationship": "世帯主", "honseki": "東京都"}]}, ctx)
    assert p.errors == []
    (ch,) = p.changes
    assert (ch.ref, ch.new, ch.reuse_atena) == (OTHER, False, OTHER)
    assert ch.record["juminhyo_code"] == "12345678901" and ch.record["status"] == "resident" and ch.record["removal_kind"] == ""


def test_a_number_matching_two_removed_records_is_ambiguous():
    a = person(OTHER, H2, "世帯主", 1, status="removed")
    b = person(LODGER, H2, "世帯主", 1, status="removed")
    p = plan("move_in", {"event_date": "令和7年5月20日", "address": {"area_code": "002001", "address_number": "1番"},
                         "previous_address": {"address": "大阪府"},
                         "persons": [{"family_name": "山田", "given_name": "名", "family_name_kana": "ヤマダ", "given_name_kana": "ナ",
                                      "birth_date": "1980-01-01", "sex": "男", "relationship": "世帯主", "honseki": "東京都"}]},
             context(a, b, id_matches={0: [a, b]}))
    assert codes(p) == ["move_in.ambiguous_returning"]


# ------------------------------------------------------------------------------------ 国籍


def test_naturalization_appends_a_removed_foreign_record_then_a_japanese_record():
    foreigner = person(OTHER, H2, "世帯主", 1, resident_type="foreign", family_name="", given_name="", honseki="",
                       alphabet_name="KIM MINJUN", nationality_code="KOR", foreign_category="special_permanent",
                       residence_card_number="AB12345678CD", became_foreign_resident_on=D(2012, 7, 9), became_resident_on=None)
    p = plan("naturalization", {"event_date": "令和7年5月1日", "persons": [OTHER],
                                "japanese": {"family_name": "金", "given_name": "民俊", "family_name_kana": "キン",
                                             "given_name_kana": "ミンシュン", "honseki": "東京都小金井市"}}, context(foreigner))
    assert p.errors == []
    removed, recorded = p.changes
    assert removed.ref == recorded.ref == OTHER
    assert (removed.record["status"], removed.record["resident_type"], removed.record["removal_kind"]) == ("removed", "foreign", "naturalization")
    assert removed.record["alphabet_name"] == "KIM MINJUN"
    assert (recorded.record["status"], recorded.record["resident_type"], recorded.record["removal_kind"]) == ("resident", "japanese", "")
    assert recorded.record["became_resident_on"] == D(2012, 7, 9)
    assert recorded.record["residence_card_number"] == "" and recorded.record["nationality_code"] == ""


# ------------------------------------------------------------------------------------ 取消し (j980)


def _cancel_ctx(kind, before, after_no, records, **extra):
    return context(*records, cancelled={"kind": kind, "event_date": D(2025, 5, 1), "before": before,
                                        "after_history_no": after_no, "already_cancelled": False, "transaction": None} | extra)


def test_cancel_kind_must_match_what_the_target_did():
    ctx = _cancel_ctx("death", {CHILD: person(CHILD, H1, "子", 3)}, {CHILD: 2}, family(**{CHILD: {"status": "removed", "history_no": 2}}))
    p = plan("cancel_decrease", {"target_document_number": "2025-00000001"}, ctx)
    assert codes(p) == ["cancel.wrong_kind"] and p.issues[0].params["expected"] == "cancel_increase"
    p = plan("cancel_increase", {"target_document_number": "2025-00000001"}, ctx)
    assert p.errors == [] and changed(p)[CHILD]["status"] == "resident"


def test_cancel_of_an_entry_removes_the_record_and_later_changes_block():
    recs = family()
    ctx = _cancel_ctx("birth", {CHILD: None}, {CHILD: 1}, recs)
    p = plan("cancel_decrease", {"target_document_number": "2025-00000001"}, ctx)
    assert changed(p)[CHILD]["status"] == "removed" and changed(p)[CHILD]["removal_kind"] == "cancel_decrease"
    ctx = _cancel_ctx("birth", {CHILD: None}, {CHILD: 1}, family(**{CHILD: {"history_no": 2}}))
    assert codes(plan("cancel_decrease", {"target_document_number": "2025-00000001"}, ctx)) == ["cancel.later_changes"]


def test_cancel_refuses_a_cancellation_and_an_already_cancelled_target():
    ctx = _cancel_ctx("cancel_correction", {}, {}, family())
    assert codes(plan("cancel_correction", {"target_document_number": "2025-00000001"}, ctx)) == ["cancel.of_cancel"]
    ctx = _cancel_ctx("death", {}, {}, family(), already_cancelled=True)
    assert codes(plan("cancel_increase", {"target_document_number": "2025-00000001"}, ctx)) == ["cancel.already_cancelled"]
    ctx = context(*family())
    assert codes(plan("cancel_increase", {"target_document_number": "2025-00000001"}, ctx)) == ["cancel.not_found"]


def test_cancel_checks_the_notification_date_but_not_an_event_date():
    ctx = _cancel_ctx("death", {CHILD: person(CHILD, H1, "子", 3)}, {CHILD: 2}, family(**{CHILD: {"status": "removed", "history_no": 2}}))
    p = plan("cancel_increase", {"target_document_number": "2025-00000001", "notified_on": "令和7年6月2日"}, ctx)
    assert codes(p) == ["notified_on.future"]


def test_every_kind_has_a_parser_a_planner_and_a_category():
    from jumin.registry.choices import TransactionKind

    assert set(rules.KINDS) == set(rules.PARSERS) == set(rules.PLANNERS) == set(TransactionKind.values)
    assert {spec.category for spec in rules.KINDS.values()} == {"entry", "removal", "correction"}
    assert all(spec.legal_basis for spec in rules.KINDS.values())


# ------------------------------------------------------------------------------------ review fixes


def test_one_code_one_message_for_the_household_head_rules():
    """household.two_heads and household.relationship_required come from one constructor each
    (rules/household.py), whichever path finds them."""
    ctx = context(*family(), person(OTHER, H2, "世帯主", 1))
    found = []
    for kind, data in [
        ("head_change", {"household_number": H1, "new_head": WIFE, "relationships": {HEAD: "世帯主"}}),
        ("head_change", {"household_number": H1, "new_head": WIFE, "relationships": {HEAD: "夫"}}),
        ("household_change", {"persons": [CHILD], "target_household_number": H2, "new_relationships": {CHILD: "世帯主"}}),
        ("household_change", {"persons": [CHILD], "target_household_number": H2}),
        ("household_split", {"persons": [CHILD, WIFE], "new_relationships": {CHILD: "世帯主"}}),
        ("move_within", {"persons": [CHILD], "household_number": H2, "address": {"area_code": "001001", "address_number": "1番2号"}}),
        ("death", {"persons": [HEAD], "new_head": WIFE, "relationships": {CHILD: "世帯主"}}),
    ]:
        found += plan(kind, {"event_date": "令和7年5月1日", **data}, ctx).issues
    messages = {}
    for i in found:
        if i.code in ("household.two_heads", "household.relationship_required"):
            messages.setdefault(i.code, set()).add(i.message)
    assert {code: len(m) for code, m in messages.items()} == {"household.two_heads": 1, "household.relationship_required": 1}


def test_two_new_persons_with_the_same_number_and_a_correction_to_a_held_number():
    twin = {"family_name": "山田", "given_name": "一", "family_name_kana": "ヤマダ", "given_name_kana": "ハジメ",
            "birth_date": "1980-01-01", "sex": "男", "relationship": "世帯主", "honseki": "東京都", "my_number": "123456789018"}
    p = plan("move_in", {"event_date": "令和7年5月20日", "address": {"area_code": "002001", "address_number": "1番"},
                         "previous_address": {"address": "大阪府"},
                         "persons": [twin, twin | {"given_name": "二", "given_name_kana": "ニ", "relationship": "弟"}]}, context())
    assert [(i.code, i.field) for i in p.errors] == [("identity.duplicate_my_number", "persons.1.my_number")]
    ctx = context(*family(), number_holders={("juminhyo_code", "12345678903"): [WIFE]})
    p = plan("ex_officio_correction", {"event_date": "令和7年5月20日", "persons": [CHILD],
                                       "changes": {"juminhyo_code": "12345678903"}}, ctx)
    assert [(i.code, i.field) for i in p.errors] == [("identity.duplicate_juminhyo_code", "changes.juminhyo_code")]
    ctx = context(*family(), number_holders={("juminhyo_code", "12345678903"): [CHILD]})  # its own
    assert plan("ex_officio_correction", {"event_date": "令和7年5月20日", "persons": [CHILD],
                                          "changes": {"juminhyo_code": "12345678903"}}, ctx).errors == []


def test_event_order_uses_the_latest_version_date():
    ctx = context(*family(), last_event_dates={CHILD: D(2025, 5, 10)})
    p = plan("minor_correction", {"event_date": "令和7年5月9日", "persons": [CHILD], "changes": {"katagaki": "A"}}, ctx)
    assert codes(p) == ["event_date.before_previous_change"] and p.issues[0].params["previous"] == "2025-05-10"
    p = plan("death", {"event_date": "令和7年5月9日", "persons": [CHILD]}, ctx)
    assert [(i.code, i.severity) for i in p.issues] == [("removal.before_previous_change", Severity.ALERT)]
    assert plan("death", {"event_date": "年月日不詳", "persons": [CHILD]}, ctx).issues == []


def test_a_held_household_blocks_changes_to_its_make_up_only():
    ctx = context(*family(), pending_households={H1})
    p = plan("head_change", {"event_date": "令和7年5月1日", "household_number": H1, "new_head": WIFE,
                             "relationships": {HEAD: "夫", CHILD: "子"}}, ctx)
    assert codes(p) == ["household.pending"] and p.issues[0].params["household"] == H1
    p = plan("minor_correction", {"event_date": "令和7年5月1日", "persons": [CHILD], "changes": {"remarks": "確認済"}}, ctx)
    assert p.errors == []
