"""The OpenAPI document: valid JSON, every served path documented, every 異動事由's input described
with an example the authoritative parser accepts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jumin.api import kinds
from jumin.api.v1 import api
from jumin.core.errors import RuleError
from jumin.registry.choices import TransactionKind
from jumin.registry.rules import transactions as rules


@pytest.fixture
def document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    return json.loads(r.content)


NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root"}  # the document itself, its viewer, ninja's 404 root


def _served_paths() -> set[str]:
    """Every URL under /api/v1/ that the URL configuration routes to an API operation."""
    out = set()

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith("api/v1/") and p.name not in NOT_OPERATIONS:
                out.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    return out


EXPECTED = {
    ("post", "/api/v1/persons/search"),
    ("get", "/api/v1/persons/{atena_number}"),
    ("get", "/api/v1/persons/{atena_number}/history"),
    ("get", "/api/v1/persons/{atena_number}/as-of"),
    ("get", "/api/v1/households/{number}"),
    ("get", "/api/v1/households/{number}/history"),
    ("post", "/api/v1/transactions"),
    ("post", "/api/v1/transactions/check"),
    ("get", "/api/v1/transactions/pending"),
    ("get", "/api/v1/transactions/{document_number}"),
    ("post", "/api/v1/transactions/{document_number}/decision"),
}


def test_document_is_openapi_with_the_expected_operations(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Jumin API"
    operations = {(m, p) for p, methods in document["paths"].items() for m in methods}
    assert operations == EXPECTED


def test_document_is_valid_openapi(document):
    """Full validation against the OpenAPI 3.1 meta-schema when openapi-spec-validator is
    installed (not a dependency yet); the structural tests below run regardless."""
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)


def test_every_served_path_is_documented(document):
    served = _served_paths()
    assert served  # the URL walk found the API
    assert served == set(document["paths"])


def test_every_documented_method_is_served(document):
    """Each documented operation exists in the router with the same method."""
    served = set()
    for router in [r for _, r in api._routers]:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    served.add((method.lower(), "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path).lstrip("/")))
    assert served == EXPECTED


def test_every_operation_declares_authentication_and_error_bodies(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["StaffSession"]["in"] == "cookie"
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            assert {"BearerToken": []} in op["security"], (method, path)
            assert "401" in op["responses"], (method, path)


def test_submit_documents_statuses(document):
    responses = document["paths"]["/api/v1/transactions"]["post"]["responses"]
    assert set(responses) == {"201", "401", "403", "409", "422"}
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"errors", "requires_acknowledgement"}


def test_person_schema_never_has_the_my_number(document):
    for name in ("Person", "PersonVersion"):
        props = document["components"]["schemas"][name]["properties"]
        assert "has_my_number" in props
        assert not [p for p in props if p.startswith("my_number")], name
        assert {"birth_date", "honseki", "juminhyo_code", "residence_card_number", "alias_history"} <= set(props)


def test_submit_body_is_a_oneof_over_every_kind(document):
    body = document["paths"]["/api/v1/transactions"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    assert schema["discriminator"]["propertyName"] == "kind"
    assert set(schema["discriminator"]["mapping"]) == set(TransactionKind.values) == set(rules.KINDS)
    assert len(schema["oneOf"]) == len(TransactionKind.values)
    components = document["components"]["schemas"]
    for kind, ref in schema["discriminator"]["mapping"].items():
        name = ref.rsplit("/", 1)[1]
        assert components[name]["properties"]["kind"]["const"] == kind
        data_ref = components[name]["properties"]["data"]["$ref"].rsplit("/", 1)[1]
        assert data_ref in components
    assert set(body["examples"]) == set(TransactionKind.values)
    move_in = components["MoveInData"]
    assert {"persons", "address", "previous_address", "event_date"} <= set(move_in["required"])


def test_correction_kinds_document_the_fields_they_may_change(document):
    components = document["components"]["schemas"]
    minor = components["MinorCorrectionData"]["properties"]["changes"]["propertyNames"]["enum"]
    assert set(minor) == rules.MINOR_FIELDS
    assert set(components["CorrectionData"]["properties"]["changes"]["propertyNames"]["enum"]) == rules.CORRECTABLE_FIELDS


@pytest.mark.parametrize("kind", TransactionKind.values)
def test_each_example_is_accepted_by_the_parser(kind):
    """The documentation and the authoritative parser agree on the shape of every kind's input."""
    example = kinds.EXAMPLES[kind]
    try:
        rules.parse(kind, example, dt.date(2026, 1, 1))
    except RuleError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{kind}: {exc}")
    kinds.ENVELOPES[kind].model_validate({"kind": kind, "data": example})


# Required by the planner (one 続柄 per person moving: household.relationship_required), not by
# the parser, so a parse without them succeeds.
REQUIRED_BY_PLANNER = {("household_split", "new_relationships"), ("household_merge", "new_relationships"),
                       ("household_change", "new_relationships")}


@pytest.mark.parametrize("kind", TransactionKind.values)
def test_each_documented_required_field_is_required_by_the_parser(kind):
    """Dropping a field the document marks required makes the parser refuse the input."""
    example = kinds.EXAMPLES[kind]
    required = kinds.DATA_MODELS[kind].model_json_schema().get("required", [])
    assert required or kind in rules.CANCEL_KINDS
    for name in required:
        if (kind, name) in REQUIRED_BY_PLANNER:
            continue
        data = {k: v for k, v in example.items() if k != name}
        with pytest.raises(RuleError):
            rules.parse(kind, data, dt.date(2026, 1, 1))
