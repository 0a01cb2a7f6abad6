"""Wrongly typed input never crashes the parser (review P1.1).

The input of a 異動 arrives as JSON (API, ``jumin apply``) or form fields (UI). Whatever the JSON
holds — a number where text is expected, a list where an object is expected, an object for a
続柄 — ``rules.parse`` either returns a ``Command`` or raises ``RuleError`` (the API answers 400
with the field); a ``TypeError`` or ``AttributeError`` would be a 500. Pure: no database."""

from __future__ import annotations

import copy
import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jumin.api.kinds import EXAMPLES
from jumin.core.errors import RuleError
from jumin.registry.rules import inputs, transactions as rules
from jumin.registry.services import blank_record  # model metadata only: no query

TODAY = dt.date(2025, 12, 1)
KINDS = sorted(rules.KINDS)

json_leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", " ", "世帯主", "男", "令和7年4月1日", "年月日不詳", "0000000019", "123456789018",
                       "AB12345678CD", "mid_long_term", "1", "true", "国外"])
)
json_values = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _keys(value) -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            out |= _keys(v)
    elif isinstance(value, list):
        for v in value:
            out |= _keys(v)
    return out


# every field name the parsers read, so that mutations reach each of them with a wrong type
KNOWN_KEYS = sorted(
    rules.CORRECTABLE_FIELDS | rules.INSURANCE_FIELDS | rules.FOREIGN_FIELDS
    | {"alias", "alias_kana", "former_surname", "former_surname_kana", "returning_atena_number", "resident_type",
       "new_head", "relationships", "new_relationships", "unregistered_from", "address_set_on", "japanese", "foreign",
       "child", "changes", "destination", "previous_address", "target_document_number", "notice_on",
       "confirmed_address", "household_number", "target_household_number", "event_date", "notified_on"}
    | set().union(*(_keys(e) for e in EXAMPLES.values()))
)


def _paths(value, path=()) -> list[tuple]:
    """Every node of a JSON document (the root excluded) as a path of keys and indexes."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(path + (k,))
            out += _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append(path + (i,))
            out += _paths(v, path + (i,))
    return out


def _containers(value, path=()) -> list[tuple]:
    out = [path] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _containers(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _containers(v, path + (i,))
    return out


def _node(doc, path):
    for part in path:
        doc = doc[part]
    return doc


def _parse_and_plan(kind, data) -> None:
    """parse → a Command or RuleError; a Command then goes through what the services do before
    any query (subjects, new persons) and through the planner on an empty register."""
    try:
        cmd = rules.parse(kind, data, TODAY)
    except RuleError as exc:
        assert exc.issues and all(i.code and i.message for i in exc.issues)
        return
    assert isinstance(cmd, rules.Command) and cmd.kind == kind
    rules.subjects(cmd)
    rules.new_persons(cmd)
    ctx = rules.Context(today=TODAY, municipality={"code": "132101", "name": "小金井市", "prefecture": "東京都"},
                        blank=blank_record())
    assert isinstance(rules.plan(cmd, ctx), rules.Plan)


FUZZ = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=json_values)
def test_arbitrary_json_is_a_command_or_a_rule_error(kind, data):
    _parse_and_plan(kind, data)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(draw=st.data())
def test_a_valid_input_with_one_value_replaced_is_a_command_or_a_rule_error(kind, draw):
    data = copy.deepcopy(EXAMPLES[kind])
    path = draw.draw(st.sampled_from(_paths(data)))
    parent = _node(data, path[:-1])
    parent[path[-1]] = draw.draw(json_values)
    _parse_and_plan(kind, data)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(draw=st.data())
def test_a_valid_input_with_a_known_field_added_is_a_command_or_a_rule_error(kind, draw):
    data = copy.deepcopy(EXAMPLES[kind])
    where = draw.draw(st.sampled_from(_containers(data)))
    _node(data, where)[draw.draw(st.sampled_from(KNOWN_KEYS))] = draw.draw(json_values)
    _parse_and_plan(kind, data)


@given(kind=json_values, data=json_values)
@FUZZ
def test_an_arbitrary_kind_is_refused_cleanly(kind, data):
    if isinstance(kind, str) and kind in rules.KINDS:
        return
    with pytest.raises(RuleError) as info:
        rules.parse(kind, data, TODAY)
    assert info.value.codes == ["kind.unknown"]


def _set(data: dict, path: str, value) -> dict:
    data = copy.deepcopy(data)
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    _node(data, parts[:-1])[parts[-1]] = value
    return data


# Each input the review found crashing (TypeError / AttributeError → HTTP 500), with the field the
# clerk is pointed to.
CRASHERS = [
    ("move_in", "persons.0.family_name", 1, "persons.0.family_name"),
    ("move_in", "persons.0.family_name_kana", 2, "persons.0.family_name_kana"),
    ("move_in", "persons.0.hittosha", ["山田"], "persons.0.hittosha"),
    ("move_in", "persons.0.relationship", 5, "persons.0.relationship"),
    ("move_in", "persons.0.juminhyo_code", 12345678901, "persons.0.juminhyo_code"),
    ("move_in", "persons.0.my_number", 123456789018, "persons.0.my_number"),
    ("move_in", "persons.0.sex", ["男"], "persons.0.sex"),
    ("move_in", "persons.0.nhi_insured", {"x": 1}, "persons.0.nhi_insured"),
    ("foreign_entry_30_46", "persons.0.foreign_category", [], "persons.0.foreign_category"),
    ("foreign_entry_30_46", "persons.0.alphabet_name", 7, "persons.0.alphabet_name"),
    ("foreign_entry_30_46", "persons.0.residence_card_number", 12345678, "persons.0.residence_card_number"),
    ("foreign_entry_30_46", "persons.0.alias", 1, "persons.0.alias"),
    ("move_in", "previous_address.municipality_code", 132047, "previous_address.municipality_code"),
    ("death", "relationships", {"0000000035": 5}, "relationships.0000000035"),
    ("death", "relationships", ["子"], "relationships"),
    ("household_split", "new_relationships", {"0000000035": ["世帯主"]}, "new_relationships.0000000035"),
    ("death", "new_head", 19, "new_head"),
    ("death", "persons.0", 19, "persons.0"),
    ("birth", "household_number", 19, "household_number"),
    ("family_register_change", "changes.family_name", 1, "changes.family_name"),
    ("ex_officio_correction", "changes", {"foreign_category": []}, "changes.foreign_category"),
    ("ex_officio_correction", "changes", {"my_number": 123456789018}, "changes.my_number"),
    ("ex_officio_correction", "changes", {"elector_registered": []}, "changes.elector_registered"),
    ("move_out", "destination.address", 5, "destination.address"),
    ("naturalization", "japanese.family_name", 1, "japanese.family_name"),
    ("alias_entry", "alias", 1, "alias"),
    ("cancel_increase", "target_document_number", 5, "target_document_number"),
    ("cancel_increase", "target_document_number", ["2025-00000001"], "target_document_number"),
]


@pytest.mark.parametrize(("kind", "path", "value", "field"), CRASHERS, ids=[f"{k}:{p}" for k, p, *_ in CRASHERS])
def test_a_wrongly_typed_value_is_a_field_type_error_on_its_field(kind, path, value, field):
    with pytest.raises(RuleError) as info:
        rules.parse(kind, _set(EXAMPLES[kind], path, value), TODAY)
    assert ("field.type", field) in [(i.code, i.field) for i in info.value.issues], info.value.issues


def test_a_non_string_kind_is_unknown():
    for kind in (None, 5, ["move_in"], {"kind": "move_in"}):
        with pytest.raises(RuleError) as info:
            rules.parse(kind, EXAMPLES["move_in"], TODAY)
        assert info.value.codes == ["kind.unknown"]


@pytest.mark.parametrize("value", [True, False, 0, 1, "有", "無", "true", "false", "", None])
def test_flags_accept_json_booleans_numbers_and_words(value):
    assert inputs.boolean(value, "f") is (value in (True, 1, "有", "true"))


@pytest.mark.parametrize("value", [2, "たぶん", [], {}, 1.5, math.nan])
def test_anything_else_is_not_a_flag(value):
    with pytest.raises(RuleError) as info:
        inputs.boolean(value, "f")
    assert info.value.codes == ["field.type"]
