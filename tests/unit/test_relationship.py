"""続柄 grammar (標準仕様書 j110) and certificate order (j1010). Pure: no database."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jumin.core.errors import RuleError
from jumin.registry.rules.relationship import (
    CHAIN_ATOMS,
    is_spouse,
    normalize_relationship,
    rank_for_certificate_order,
    relationship_atoms,
    validate_relationship,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("世帯主", "世帯主"),
        ("夫", "夫"),
        ("妻", "妻"),
        ("妻（未届）", "妻（未届）"),
        ("妻(未届)", "妻（未届）"),
        ("妻（未届け）", "妻（未届）"),
        (" 夫 （未届） ", "夫（未届）"),
        ("妻（未届）の子", "妻（未届）の子"),
        ("子の妻（未届）", "子の妻（未届）"),
        ("子", "子"),
        ("父", "父"),
        ("母", "母"),
        ("兄", "兄"),
        ("姉", "姉"),
        ("弟", "弟"),
        ("妹", "妹"),
        ("妻の子", "妻の子"),
        ("子の妻", "子の妻"),
        ("子の夫", "子の夫"),
        ("子（子の妻）", "子の妻"),
        ("子(子の夫)", "子の夫"),
        ("子の子", "子の子"),
        ("父の母", "父の母"),
        ("妻の父", "妻の父"),
        ("子 の 子 の 子 の 子", "子の子の子の子"),
        ("縁故者", "縁故者"),
        ("同居人", "同居人"),
        ("　同居人　", "同居人"),
    ],
)
def test_valid(text, expected):
    assert validate_relationship(text) == expected


@pytest.mark.parametrize(
    "text, term, suggestions, message",
    [
        ("孫", "孫", ["子の子"], "「孫」は続柄として使用できません。「子の子」と記載してください。"),
        ("祖父", "祖父", ["父の父", "母の父"], "「祖父」は続柄として使用できません。「父の父」又は「母の父」と記載してください。"),
        ("祖母", "祖母", ["父の母", "母の母"], "「祖母」は続柄として使用できません。「父の母」又は「母の母」と記載してください。"),
        ("おじ", "おじ", ["父の兄", "父の弟", "母の兄", "母の弟"], None),
        ("叔父", "叔父", ["父の弟", "母の弟", "父の妹の夫", "母の妹の夫"], None),
        ("伯父", "伯父", ["父の兄", "母の兄", "父の姉の夫", "母の姉の夫"], None),
        ("オバ", "オバ", ["父の姉", "父の妹", "母の姉", "母の妹"], None),
        ("伯母", "伯母", ["父の姉", "母の姉", "父の兄の妻", "母の兄の妻"], None),
        ("甥", "甥", ["兄の子", "弟の子", "姉の子", "妹の子"], None),
        ("姪", "姪", ["兄の子", "弟の子", "姉の子", "妹の子"], None),
        ("長男", "長男", ["子"], "「長男」は続柄として使用できません。「子」と記載してください。"),
        ("長女", "長女", ["子"], None),
        ("次男", "次男", ["子"], None),
        ("二女", "二女", ["子"], None),
        ("三男", "三男", ["子"], None),
        ("養子", "養子", ["子"], None),
        ("養女", "養女", ["子"], None),
        ("曾孫", "曾孫", ["子の子の子"], None),
        ("家事使用人", "家事使用人", ["同居人"], "「家事使用人」は続柄として使用できません。「同居人」と記載してください。"),
        ("準世帯主", "準世帯主", ["世帯主"],
         "「準世帯主」は続柄として使用できません。世帯主とするか、世帯主との続柄（妻、子など）を記載してください。"),
        ("嫁", "嫁", ["子の妻"], "「嫁」は続柄として使用できません。「子の妻」と記載してください。"),
        ("婿", "婿", ["子の夫"], None),
        ("兄の嫁", "嫁", ["兄の妻"], "「嫁」は続柄として使用できません。「兄の妻」と記載してください。"),
        ("義父", "義父", ["妻の父", "夫の父"], None),
        ("義母", "義母", ["妻の母", "夫の母"], None),
        ("内縁の妻", "内縁の妻", ["妻（未届）"], "「内縁の妻」は続柄として使用できません。「妻（未届）」と記載してください。"),
        ("内縁の夫", "内縁の夫", ["夫（未届）"], None),
        ("内縁の妻の子", "内縁の妻", ["妻（未届）の子"], None),
        ("配偶者", "配偶者", ["夫", "妻"], "「配偶者」は続柄として使用できません。「夫」又は「妻」と記載してください。"),
        ("孫の子", "孫", ["子の子の子"], None),
        ("妻の孫", "孫", ["妻の子の子"], None),
        ("孫の孫の孫", "孫", ["縁故者"], None),
        ("妻の連れ子", "連れ子", ["妻の子"], None),
    ],
)
def test_forbidden(text, term, suggestions, message):
    with pytest.raises(RuleError) as exc:
        validate_relationship(text)
    [issue] = exc.value.issues
    assert issue.code == "relationship.forbidden_term"
    assert issue.field == "relationship"
    assert issue.params["term"] == term
    assert issue.params["suggestions"] == suggestions
    if message is not None:
        assert issue.message == message
    for s in suggestions:  # every suggestion is itself valid
        assert validate_relationship(s) == s


def test_empty():
    for text in ("", "  ", "　"):
        with pytest.raises(RuleError) as exc:
            validate_relationship(text, field="members.0.relationship")
        [issue] = exc.value.issues
        assert (issue.code, issue.message, issue.field) == (
            "relationship.empty", "続柄を入力してください。", "members.0.relationship"
        )


@pytest.mark.parametrize("text, term", [("おっと", "おっと"), ("子の友達", "友達"), ("妻の子のの子", "妻の子のの子"), ("の子", "の子")])
def test_unknown(text, term):
    with pytest.raises(RuleError) as exc:
        validate_relationship(text)
    [issue] = exc.value.issues
    assert issue.code == "relationship.unknown_term"
    assert issue.params["term"] == term


def test_unknown_message():
    with pytest.raises(RuleError) as exc:
        validate_relationship("おっと")
    assert exc.value.issues[0].message == (
        "「おっと」は続柄として使用できません。使用できる続柄：世帯主、夫、妻、夫（未届）、妻（未届）、"
        "子、父、母、兄、姉、弟、妹（「の」でつないで4代まで。例：妻の子、子の妻、父の母）、縁故者、同居人"
    )


def test_too_many_generations():
    with pytest.raises(RuleError) as exc:
        validate_relationship("子の子の子の子の子")
    [issue] = exc.value.issues
    assert issue.code == "relationship.too_many_generations"
    assert issue.message == (
        "「子の子の子の子の子」は5代にわたる続柄です。続柄は4代までです。5代以上の親族は「縁故者」と記載してください。"
    )
    assert issue.params == {"atoms": 5, "suggestion": "縁故者"}


@pytest.mark.parametrize(
    "text, suggestions",
    [("世帯主の子", ["子"]), ("世帯主の妻の父", ["妻の父"]), ("子の同居人", []), ("縁故者の子", [])],
)
def test_standalone_only(text, suggestions):
    with pytest.raises(RuleError) as exc:
        validate_relationship(text)
    [issue] = exc.value.issues
    assert issue.code == "relationship.standalone_only"
    assert issue.params["suggestions"] == suggestions


def test_every_problem_is_reported():
    with pytest.raises(RuleError) as exc:
        validate_relationship("孫の友達")
    assert exc.value.codes == ["relationship.forbidden_term", "relationship.unknown_term"]


def test_every_chain_up_to_four_atoms_is_valid_and_five_is_not():
    atoms = sorted(CHAIN_ATOMS)
    assert len(atoms) == 11
    count = 0
    for n in range(1, 5):
        for chain in itertools.product(atoms, repeat=n):
            value = "の".join(chain)
            assert validate_relationship(value) == value
            assert relationship_atoms(value) == list(chain)
            count += 1
    assert count == 11 + 11**2 + 11**3 + 11**4


@given(st.lists(st.sampled_from(sorted(CHAIN_ATOMS)), min_size=5, max_size=8))
def test_five_or_more_atoms_rejected(chain):
    with pytest.raises(RuleError) as exc:
        validate_relationship("の".join(chain))
    assert exc.value.codes == ["relationship.too_many_generations"]


def test_normalize_relationship():
    assert normalize_relationship(" 妻 (未届け) の 子 ") == "妻（未届）の子"
    assert normalize_relationship("ｺ") == "コ"


def test_atoms():
    assert relationship_atoms("妻（未届）の子") == ["妻（未届）", "子"]
    assert relationship_atoms("世帯主") == ["世帯主"]
    assert relationship_atoms("子（子の妻）") == ["子", "妻"]


def test_is_spouse():
    assert is_spouse("妻") and is_spouse("夫")
    assert is_spouse("妻（未届）")
    assert not is_spouse("妻（未届）", include_unregistered=False)
    assert not is_spouse("子の妻")
    assert not is_spouse("世帯主")
    with pytest.raises(RuleError):
        is_spouse("配偶者")


@pytest.mark.parametrize(
    "text, rank",
    [
        ("世帯主", (1, 0)),
        ("妻", (1, 1)),
        ("夫", (1, 1)),
        ("妻（未届）", (1, 2)),
        ("子", (1, 3)),
        ("妻の子", (1, 4)),
        ("夫（未届）の子", (1, 4)),
        ("子の妻", (2, 1)),
        ("子の夫（未届）", (2, 1)),
        ("子の子", (2, 2)),
        ("妻の子の子", (2, 2)),
        ("子の妻の子", (2, 2)),
        ("子の子の夫", (2, 3)),
        ("子の子の子", (2, 4)),
        ("子の子の子の子", (2, 6)),
        ("父", (3, 0)),
        ("母", (3, 0)),
        ("兄", (3, 1)),
        ("妹", (3, 1)),
        ("父の父", (3, 2)),
        ("母の母", (3, 2)),
        ("妻の父", (4, 0)),
        ("兄の妻", (4, 0)),
        ("父の兄", (4, 0)),
        ("父の妻", (4, 0)),
        ("子の妻の夫", (4, 0)),
        ("父の父の父", (4, 0)),
        ("縁故者", (4, 1)),
        ("同居人", (4, 2)),
    ],
)
def test_rank_for_certificate_order(text, rank):
    assert rank_for_certificate_order(text) == rank


def test_household_sorted_by_rank():
    household = ["同居人", "父", "子の子", "縁故者", "妻の父", "子", "兄", "子の妻", "妻", "世帯主", "父の母"]
    assert sorted(household, key=rank_for_certificate_order) == [
        "世帯主", "妻", "子", "子の妻", "子の子", "父", "兄", "父の母", "妻の父", "縁故者", "同居人"
    ]
