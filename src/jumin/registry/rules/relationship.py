"""続柄 (relationship to the 世帯主): grammar, normalisation and certificate order. Pure Python.

Sources: 住民基本台帳法第7条第4号 (世帯主でない者は世帯主の氏名及び世帯主との続柄);
住民記録システム標準仕様書 j110 (1.1.11 続柄) and j1010 (5.2 世帯員の並び順);
住民基本台帳事務処理要領 第2-1-(2)-エ (続柄の記載).

Grammar (標準仕様書 j110)
-------------------------
* ``世帯主``, ``縁故者``, ``同居人``: only on their own.
* Otherwise a chain of 1–4 atoms joined by 「の」, each atom one of
  ``夫 妻 夫（未届） 妻（未届） 子 父 母 兄 姉 弟 妹`` — e.g. 妻, 子, 妻の子, 子の妻, 子の子,
  父の母, 妻（未届）の子, 子の子の子の子. The chain is read from the 世帯主: 「妻の父」 is the
  世帯主's wife's father.
* 5 atoms or more (5代以上) → ``relationship.too_many_generations``; such kin are 「縁故者」.
* **Decision (未届):** 夫（未届）/妻（未届） (内縁の夫婦, 要領) may stand at any position of a
  chain, like 夫/妻: 「妻（未届）の子」 (the partner's child) is the form the 要領 uses, and a
  child's common-law spouse is 「子の妻（未届）」. They count as one atom.
* The spec's own notations 「子（子の夫）」「子（子の妻）」 are accepted and stored as the
  canonical chains 「子の夫」「子の妻」.
* Forbidden terms (祖父, 祖母, 孫, おじ, おば, 甥, 姪, 家事使用人, 準世帯主 per j110, and the
  other colloquial terms in ``_FORBIDDEN``) are rejected with the correct form.

Normalisation: NFKC, all spaces removed, parentheses made full-width （）, 「未届け」→「未届」.

Error codes: ``relationship.empty``, ``relationship.forbidden_term`` (params ``term``,
``suggestions``), ``relationship.unknown_term`` (param ``term``),
``relationship.too_many_generations`` (params ``atoms``, ``suggestion`` = 縁故者),
``relationship.standalone_only`` (世帯主/縁故者/同居人 inside a chain; param ``suggestions``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from jumin.core.errors import Issue, RuleError, error

__all__ = [
    "CHAIN_ATOMS",
    "HEAD",
    "MAX_ATOMS",
    "SPOUSE_ATOMS",
    "STANDALONE_TERMS",
    "is_spouse",
    "normalize_relationship",
    "rank_for_certificate_order",
    "relationship_atoms",
    "validate_relationship",
]

HEAD = "世帯主"
KIN_OUTSIDE = "縁故者"
LODGER = "同居人"
STANDALONE_TERMS: frozenset[str] = frozenset({HEAD, KIN_OUTSIDE, LODGER})
SPOUSE_ATOMS: frozenset[str] = frozenset({"夫", "妻", "夫（未届）", "妻（未届）"})
REGISTERED_SPOUSE_ATOMS: frozenset[str] = frozenset({"夫", "妻"})
PARENT_ATOMS: frozenset[str] = frozenset({"父", "母"})
SIBLING_ATOMS: frozenset[str] = frozenset({"兄", "姉", "弟", "妹"})
CHILD = "子"
CHAIN_ATOMS: frozenset[str] = SPOUSE_ATOMS | PARENT_ATOMS | SIBLING_ATOMS | {CHILD}
MAX_ATOMS = 4
"""標準仕様書 j110: 「の」でつなぐ続柄は4代まで; 5代以上は縁故者."""

_JOINER = "の"
_SPEC_FORMS = {"子（子の夫）": "子の夫", "子（子の妻）": "子の妻"}

_ALLOWED_HINT = (
    "使用できる続柄：世帯主、夫、妻、夫（未届）、妻（未届）、子、父、母、兄、姉、弟、妹"
    "（「の」でつないで4代まで。例：妻の子、子の妻、父の母）、縁故者、同居人"
)

# term -> (replacements when the term starts the value, replacements inside a chain or None
# when the same). Each replacement is a valid chain; several mean "one of these".
_UNCLES = ("父の兄", "父の弟", "母の兄", "母の弟")
_AUNTS = ("父の姉", "父の妹", "母の姉", "母の妹")
_NEPHEWS = ("兄の子", "弟の子", "姉の子", "妹の子")
_COUSINS = tuple(f"{p}の{s}の子" for p in ("父", "母") for s in ("兄", "弟", "姉", "妹"))
_FORBIDDEN_GROUPS: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...] | None]] = [
    (("孫", "まご"), ("子の子",), None),
    (("曾孫", "曽孫", "ひ孫", "ひまご"), ("子の子の子",), None),
    (("玄孫", "やしゃご"), ("子の子の子の子",), None),
    (("祖父", "そふ", "おじいさん"), ("父の父", "母の父"), None),
    (("祖母", "そぼ", "おばあさん"), ("父の母", "母の母"), None),
    (("祖父母",), ("父の父", "父の母", "母の父", "母の母"), None),
    (("曾祖父", "曽祖父"), ("父の父の父", "父の母の父", "母の父の父", "母の母の父"), None),
    (("曾祖母", "曽祖母"), ("父の父の母", "父の母の母", "母の父の母", "母の母の母"), None),
    (("おじ", "小父"), _UNCLES, None),
    (("伯父",), ("父の兄", "母の兄", "父の姉の夫", "母の姉の夫"), None),
    (("叔父",), ("父の弟", "母の弟", "父の妹の夫", "母の妹の夫"), None),
    (("おば", "小母"), _AUNTS, None),
    (("伯母",), ("父の姉", "母の姉", "父の兄の妻", "母の兄の妻"), None),
    (("叔母",), ("父の妹", "母の妹", "父の弟の妻", "母の弟の妻"), None),
    (("甥", "おい"), _NEPHEWS, None),
    (("姪", "めい"), _NEPHEWS, None),
    (("いとこ", "従兄弟", "従姉妹", "従兄", "従弟", "従姉", "従妹"), _COUSINS, None),
    (("兄弟", "姉妹", "兄弟姉妹", "きょうだい"), ("兄", "弟", "姉", "妹"), None),
    (("父母", "両親"), ("父", "母"), None),
    (("息子", "娘", "実子", "養子", "養女", "特別養子", "婿養子", "長子", "末子"), ("子",), None),
    (("実父", "養父"), ("父",), None),
    (("実母", "養母"), ("母",), None),
    (("継子", "連れ子", "連子"), ("妻の子", "夫の子"), ("子",)),
    (("継父",), ("母の夫",), None),
    (("継母",), ("父の妻",), None),
    (("嫁",), ("子の妻",), ("妻",)),
    (("婿", "娘婿"), ("子の夫",), ("夫",)),
    (("兄嫁",), ("兄の妻",), None),
    (("義父", "舅", "しゅうと"), ("妻の父", "夫の父"), None),
    (("義母", "姑", "しゅうとめ"), ("妻の母", "夫の母"), None),
    (("義兄",), ("妻の兄", "夫の兄", "姉の夫"), None),
    (("義姉",), ("妻の姉", "夫の姉", "兄の妻"), None),
    (("義弟",), ("妻の弟", "夫の弟", "妹の夫"), None),
    (("義妹",), ("妻の妹", "夫の妹", "弟の妻"), None),
    (("内縁の妻", "内妻", "未届の妻", "妻（内縁）"), ("妻（未届）",), None),
    (("内縁の夫", "内夫", "未届の夫", "夫（内縁）"), ("夫（未届）",), None),
    (("配偶者",), ("夫", "妻"), None),
    (("家事使用人", "使用人", "雇人", "従業員", "家政婦", "下宿人", "間借人", "知人", "友人"), (LODGER,), None),
    (("親族", "親戚", "親類"), (KIN_OUTSIDE,), None),
    (("準世帯主",), (HEAD,), None),
    (("本人",), (HEAD,), None),
]
_FORBIDDEN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
for _terms, _alone, _in_chain in _FORBIDDEN_GROUPS:
    for _t in _terms:
        _FORBIDDEN[_t] = (_alone, _in_chain or _alone)
del _terms, _alone, _in_chain, _t

# 長男, 次女, 二男, 三女, 4男 … (birth-order terms; 要領: 世帯主の子は全て「子」)
_BIRTH_ORDER = re.compile(r"^(?:長|次|二|三|四|五|六|七|八|九|十|末|[0-9]+)(?:男|女)$")
_MAX_SUGGESTIONS = 8


def _kata_to_hira(s: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in s)


def normalize_relationship(text: str) -> str:
    """NFKC, no spaces, full-width （）, 未届け → 未届. Does not validate."""
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"\s+", "", s)
    s = s.replace("(", "（").replace(")", "）").replace("未届け", "未届")
    return _SPEC_FORMS.get(s, s)


def _tokens(s: str) -> list[str]:
    raw = s.split(_JOINER)
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] in ("内縁", "未届") and i + 1 < len(raw) and raw[i + 1] in ("妻", "夫"):
            out.append(f"{raw[i]}の{raw[i + 1]}")  # 内縁の妻 is one (forbidden) term
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return out


def _forbidden(token: str, first: bool) -> tuple[str, ...] | None:
    key = _kata_to_hira(token)
    entry = _FORBIDDEN.get(token) or _FORBIDDEN.get(key)
    if entry is not None:
        return entry[0] if first else entry[1]
    if _BIRTH_ORDER.match(token):
        return ("子",)
    return None


def _quote_options(options: list[str] | tuple[str, ...]) -> str:
    return "又は".join(f"「{o}」" for o in options)


def _chain_suggestions(tokens: list[str]) -> list[str]:
    """Whole-value suggestions: each token replaced by its allowed form(s)."""
    choices: list[tuple[str, ...]] = []
    for i, tok in enumerate(tokens):
        if tok in CHAIN_ATOMS:
            choices.append((tok,))
            continue
        repl = _forbidden(tok, first=i == 0)
        if repl is None:
            return []
        choices.append(repl)
    out: list[str] = []
    for combo in itertools.islice(itertools.product(*choices), 64):
        parts = [p for c in combo for p in c.split(_JOINER)]
        if len(parts) > 1 and any(p in STANDALONE_TERMS for p in parts):
            continue
        value = _JOINER.join(parts) if len(parts) <= MAX_ATOMS else KIN_OUTSIDE
        if value not in out:
            out.append(value)
        if len(out) >= _MAX_SUGGESTIONS:
            break
    return out


def _validate(text: str, field: str) -> list[str]:
    """Return the atoms of a valid value or raise RuleError with every problem found."""
    s = normalize_relationship(text)
    if not s:
        raise RuleError([error("relationship.empty", "続柄を入力してください。", field)])
    if s in STANDALONE_TERMS:
        return [s]
    tokens = _tokens(s)
    issues: list[Issue] = []

    if any(tok == "" for tok in tokens):
        issues.append(
            error(
                "relationship.unknown_term",
                f"「{s}」は続柄として正しくありません（「の」の位置を確認してください）。{_ALLOWED_HINT}",
                field,
                term=s,
            )
        )
        raise RuleError(issues)

    suggestions = None
    seen: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok in CHAIN_ATOMS or tok in seen:
            continue
        seen.add(tok)
        repl = _forbidden(tok, first=i == 0)
        if repl is not None:
            if suggestions is None:
                suggestions = _chain_suggestions(tokens)
            options = suggestions or list(repl)
            if _kata_to_hira(tok) == "準世帯主" or tok == "準世帯主":
                msg = (
                    "「準世帯主」は続柄として使用できません。世帯主とするか、"
                    "世帯主との続柄（妻、子など）を記載してください。"
                )
            else:
                msg = f"「{tok}」は続柄として使用できません。{_quote_options(options)}と記載してください。"
            issues.append(
                error("relationship.forbidden_term", msg, field, term=tok, suggestions=options)
            )
        elif tok in STANDALONE_TERMS:
            rest = [t for t in tokens if t != tok]
            fixable = tok == HEAD and rest and all(t in CHAIN_ATOMS for t in rest)
            sugg = [_JOINER.join(rest)] if fixable else []
            hint = f"「{sugg[0]}」と記載してください。" if sugg else ""
            issues.append(
                error(
                    "relationship.standalone_only",
                    f"「{tok}」は他の続柄と「の」でつないで使用できません。{hint}",
                    field,
                    term=tok,
                    suggestions=sugg,
                )
            )
        else:
            issues.append(
                error(
                    "relationship.unknown_term",
                    f"「{tok}」は続柄として使用できません。{_ALLOWED_HINT}",
                    field,
                    term=tok,
                )
            )
    if issues:
        raise RuleError(issues)

    if len(tokens) > MAX_ATOMS:
        raise RuleError(
            [
                error(
                    "relationship.too_many_generations",
                    f"「{s}」は{len(tokens)}代にわたる続柄です。続柄は4代までです。"
                    "5代以上の親族は「縁故者」と記載してください。",
                    field,
                    atoms=len(tokens),
                    suggestion=KIN_OUTSIDE,
                )
            ]
        )
    return tokens


def validate_relationship(text: str, *, field: str = "relationship") -> str:
    """Validate a 続柄 and return its canonical form (e.g. " 妻 (未届) の子" → "妻（未届）の子").

    Raises ``RuleError`` carrying every problem found (see the module docstring for codes).
    """
    return _JOINER.join(_validate(text, field))


def relationship_atoms(text: str) -> list[str]:
    """The atoms of a valid 続柄: "妻（未届）の子" → ["妻（未届）", "子"]; "世帯主" → ["世帯主"]."""
    return _validate(text, "relationship")


def is_spouse(text: str, *, include_unregistered: bool = True) -> bool:
    """True when the person is the 世帯主's spouse: 夫 or 妻, and by default also 夫（未届）/
    妻（未届） (内縁, which the 要領 treats like a spouse for the 住民票)."""
    atoms = relationship_atoms(text)
    allowed = SPOUSE_ATOMS if include_unregistered else REGISTERED_SPOUSE_ATOMS
    return len(atoms) == 1 and atoms[0] in allowed


def _descendant_subrank(atoms: list[str]) -> int | None:
    """Sub-rank within 第2順位 for the family of a child of the 世帯主 (or of the 配偶者).

    The chain must be 子 followed by 子/spouse atoms with no two spouse atoms in a row (子の妻,
    子の子, 子の子の夫, 子の妻の子 …). Sub-rank = 2·(generations − 1) for a descendant,
    2·generations − 1 for a descendant's spouse: 子の妻 1, 子の子 2, 子の子の妻 3, 子の子の子 4 …
    """
    if atoms and atoms[0] in SPOUSE_ATOMS and len(atoms) > 1 and atoms[1] == CHILD:
        atoms = atoms[1:]  # 配偶者の子 counts as 子
    if not atoms or atoms[0] != CHILD:
        return None
    for prev, cur in zip(atoms, atoms[1:]):
        if cur not in SPOUSE_ATOMS and cur != CHILD:
            return None
        if cur in SPOUSE_ATOMS and prev in SPOUSE_ATOMS:
            return None
    generations = sum(1 for a in atoms if a == CHILD)
    if atoms[-1] in SPOUSE_ATOMS:
        return 2 * generations - 1
    return 2 * (generations - 1)


def rank_for_certificate_order(text: str) -> tuple[int, int]:
    """Sort key (順位, 細目) for 世帯連記式 certificates (標準仕様書 j1010, 5.2 世帯員の並び順).

    Sort the household by this tuple, then by the key j1010 prescribes inside a 順位 (生年月日,
    then 宛名番号; for 第2順位 the caller groups by the child the family belongs to):

    ======  ==================================================================
    (1, 0)  世帯主
    (1, 1)  夫 / 妻
    (1, 2)  夫（未届） / 妻（未届）
    (1, 3)  子
    (1, 4)  配偶者の子 (妻の子, 夫の子, 妻（未届）の子 …) — decision: listed with the
            世帯主's children, right after them
    (2, k)  families of the children: 子の妻/子の夫 k=1, 子の子 k=2, 子の子の妻 k=3,
            子の子の子 k=4 … (see ``_descendant_subrank``)
    (3, 0)  父 / 母 (j1010: 筆頭者 first — the caller knows who that is)
    (3, 1)  兄 / 姉 / 弟 / 妹
    (3, 2)  祖父母 (父の父, 父の母, 母の父, 母の母)
    (4, 0)  other 親族 (妻の父, 兄の妻, 父の兄 …)
    (4, 1)  縁故者
    (4, 2)  同居人
    ======  ==================================================================
    """
    atoms = relationship_atoms(text)
    if atoms == [HEAD]:
        return (1, 0)
    if atoms == [KIN_OUTSIDE]:
        return (4, 1)
    if atoms == [LODGER]:
        return (4, 2)
    if len(atoms) == 1:
        a = atoms[0]
        if a in REGISTERED_SPOUSE_ATOMS:
            return (1, 1)
        if a in SPOUSE_ATOMS:
            return (1, 2)
        if a == CHILD:
            return (1, 3)
        if a in PARENT_ATOMS:
            return (3, 0)
        if a in SIBLING_ATOMS:
            return (3, 1)
    if len(atoms) == 2 and atoms[0] in SPOUSE_ATOMS and atoms[1] == CHILD:
        return (1, 4)
    sub = _descendant_subrank(atoms)
    if sub is not None:
        return (2, sub)
    if len(atoms) == 2 and atoms[0] in PARENT_ATOMS and atoms[1] in PARENT_ATOMS:
        return (3, 2)
    return (4, 0)
