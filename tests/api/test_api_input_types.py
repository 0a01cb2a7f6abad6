"""Wrongly typed JSON values are a 422 with the field, never a 500 (review P1.1)."""

from __future__ import annotations

import pytest

from jumin.registry.models import Transaction

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path, value", [
    (("persons", 0, "family_name"), 1),
    (("persons", 0, "my_number"), 123456789018),
    (("persons", 1, "relationship"), {"x": 5}),
    (("previous_address", "municipality_code"), 132047),
])
def test_a_number_or_object_where_text_is_expected_is_a_422_with_its_field(api, town, move_in_data, path, value):
    data = move_in_data()
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    field = ".".join(str(p) for p in path)
    r = api.post("/transactions", {"kind": "move_in", "data": data})
    assert r.status_code == 422, r.content
    assert ("field.type", field) in {(e["code"], e["field"]) for e in r.json()["errors"]}
    assert Transaction.objects.count() == 0
    r = api.post("/transactions/check", {"kind": "move_in", "data": data})
    assert r.status_code == 200 and r.json()["ok"] is False
    assert ("field.type", field) in {(i["code"], i["field"]) for i in r.json()["issues"]}


def test_a_non_string_cancel_target_is_a_422(api, town):
    r = api.post("/transactions", {"kind": "cancel_increase", "data": {"target_document_number": 5}})
    assert r.status_code == 422, r.content
    assert [e["code"] for e in r.json()["errors"]] == ["field.type"]
