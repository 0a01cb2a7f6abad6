"""Kana search keys (標準仕様書 j330 あいまい検索). Pure Python.

A key is computed once when a フリガナ is stored and again from what the clerk types; two names
match when their keys are equal (or, for prefix search, when one key starts with the other).

j330 asks the search to treat as equal:

* hiragana, katakana and half-width katakana (both modes here);
* full-width and half-width spaces, and to ignore the space between 氏 and 名 (both modes:
  every space is removed — search by 名 alone is done by keying 氏 and 名 separately);
* ー ― － ‐ ｰ - (both modes; ``exact`` maps them all to ``ー``, ``seion`` removes them because
  j330 also says 長音を無視する);
* 清音・濁音・半濁音 (ヒ=ピ …), with the examples ヂ=ジ, ズ=ヅ, ワ=ハ, ヴァ=バ, ヴィ=ビ,
  ヴ=ブ, オ=ヲ; large and small kana (ッ=ツ, ャ=ヤ, ュ=ユ, ョ=ヨ); and, optionally, ウ after an
  オ段 kana read as オ (トウキョウ = トオキョオ) — these in ``seion`` (清音化) mode only.

The ``seion`` key is built in this order (the order matters, see each step):

1. ヴァ ヴィ ヴゥ ヴェ ヴォ ヴュ ヴ → バ ビ ブ ベ ボ ビュ ブ, and ヷ ヸ ヹ ヺ → バ ビ ベ ボ
   (before small kana are enlarged, or ヴァ would become ブア);
2. ヂ → ジ, ヅ → ズ (before 清音化, so that ヂ and ジ both become シ, ヅ and ズ both ス:
   consequently チ ≠ ヂ and ツ ≠ ヅ in this mode — j330 names ヂ=ジ/ズ=ヅ, and modern spelling
   uses ジ/ズ, so that equality is the one kept);
3. small kana enlarged: ァィゥェォ ッ ャュョ ヮ ヵヶ → アイウエオ ツ ヤユヨ ワ カケ;
4. ヲ → オ, ヰ → イ, ヱ → エ, and ワ → ハ (j330 lists ワ=ハ; this makes ワダ = ハダ = ハタ);
5. 濁点・半濁点 removed (ガ→カ, ザ→サ, ダ→タ, バ/パ→ハ, ヾ→ヽ, and stray combining marks);
6. with ``fold_ou`` (default on in ``seion`` mode): ウ directly after an オ段 kana
   (オコソトノホモヨロ, and ゴ ボ ポ ョ ォ ヲ …, which the steps above have folded) becomes オ,
   left to right, looking at the already converted previous character — so オウウ → オオオ
   and the key is idempotent.

Characters other than kana, spaces and hyphens (kanji, Latin letters …) pass through
unchanged. Keys are idempotent: ``kana_search_key(k, m) == k`` for every key ``k`` of mode ``m``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

import jaconv

__all__ = ["KanaKeyMode", "kana_prefix_key", "kana_search_key"]

KanaKeyMode = Literal["seion", "exact"]

#: Hyphens and the prolonged sound mark (j330: ー/―/－/‐/ｰ/- are equivalent).
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\uff70\u30fc"
_HYPHEN_TO_CHOONPU = str.maketrans({h: "ー" for h in _HYPHENS})
_HYPHEN_REMOVE = str.maketrans({h: None for h in _HYPHENS})

#: Spacing and half-width (semi-)voiced marks → combining marks, composed by NFC afterwards.
_MARKS_TO_COMBINING = str.maketrans(
    {"\u309b": "\u3099", "\u309c": "\u309a", "\uff9e": "\u3099", "\uff9f": "\u309a"}
)
_WHITESPACE = re.compile(r"\s+")
_KANA_WITH_MARK = re.compile(r"[\u3041-\u30ff][\u3099\u309a]")

_VU = re.compile("ヴ([ァィゥェォュ]?)")
_VU_MAP = {"ァ": "バ", "ィ": "ビ", "ゥ": "ブ", "ェ": "ベ", "ォ": "ボ", "ュ": "ビュ", "": "ブ"}
_SEION_TABLE = str.maketrans(
    {
        # step 1 (single characters): ワ゛ ヰ゛ ヱ゛ ヲ゛
        "ヷ": "バ", "ヸ": "ビ", "ヹ": "ベ", "ヺ": "ボ",
    }
)
_DI_DU = str.maketrans({"ヂ": "ジ", "ヅ": "ズ"})
_SMALL_TO_LARGE = str.maketrans(
    "ァィゥェォッャュョヮヵヶ",
    "アイウエオツヤユヨワカケ",
)
_OLD_KANA = str.maketrans({"ヲ": "オ", "ヰ": "イ", "ヱ": "エ", "ワ": "ハ"})


def _build_dakuten_fold() -> dict[int, str]:
    """ガ→カ, パ→ハ, ヾ→ヽ …: every katakana whose canonical decomposition is a base plus
    U+3099 or U+309A, plus the bare combining marks themselves (removed)."""
    table: dict[int, str | None] = {0x3099: None, 0x309A: None}
    for cp in range(0x30A1, 0x3100):
        decomposition = unicodedata.normalize("NFD", chr(cp))
        if len(decomposition) == 2 and decomposition[1] in "\u3099\u309a":
            table[cp] = decomposition[0]
    return table


_DAKUTEN_FOLD = _build_dakuten_fold()
#: オ段 kana, including voiced and small ones so that ``fold_ou`` also works in ``exact`` mode.
_O_DAN = frozenset("オコソトノホモヨロヲォョゴゾドボポヺ")


def _normalise_script(value: str) -> str:
    """Half-width katakana and hiragana → full-width katakana; (semi-)voiced marks composed;
    all whitespace removed (full-width and half-width spaces are equivalent and ignored)."""
    text = jaconv.h2z(value, kana=True, ascii=False, digit=False)
    text = jaconv.hira2kata(text.translate(_MARKS_TO_COMBINING))
    text = _WHITESPACE.sub("", text)
    return _KANA_WITH_MARK.sub(lambda m: unicodedata.normalize("NFC", m.group(0)), text)


def _fold_ou(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch == "ウ" and out and out[-1] in _O_DAN:
            ch = "オ"
        out.append(ch)
    return "".join(out)


def kana_search_key(
    value: str, mode: KanaKeyMode = "seion", *, fold_ou: bool | None = None
) -> str:
    """Search key of a kana name per 標準仕様書 j330 (details in the module docstring).

    ``mode="exact"``: script, width, spaces and hyphens normalised (the key of
    ``"やまだ　たろう"``, ``"ﾔﾏﾀﾞ ﾀﾛｳ"`` and ``"ヤマダタロウ"`` is ``"ヤマダタロウ"``).
    ``mode="seion"`` (清音化): additionally 濁音/半濁音, small kana, ヴ, ヲヰヱ, ワ and 長音 folded
    (``"ヤマダ　タロウ"`` → ``"ヤマタタロオ"``).
    ``fold_ou`` (オ段 + ウ → オ, j330 「変換してもよい」) defaults to on in ``seion`` mode and
    off in ``exact`` mode.

    >>> kana_search_key("ｷﾞｮｰｻﾞ")
    'キヨサ'
    >>> kana_search_key("とうきょう", mode="exact")
    'トウキョウ'
    """
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    if mode not in ("seion", "exact"):
        raise ValueError(f"unknown mode {mode!r}")
    if fold_ou is None:
        fold_ou = mode == "seion"

    text = _normalise_script(value)
    if mode == "exact":
        text = text.translate(_HYPHEN_TO_CHOONPU)
    else:
        text = text.translate(_HYPHEN_REMOVE)
        text = _VU.sub(lambda m: _VU_MAP[m.group(1)], text).translate(_SEION_TABLE)
        text = text.translate(_DI_DU)
        text = text.translate(_SMALL_TO_LARGE)
        text = text.translate(_OLD_KANA)
        text = text.translate(_DAKUTEN_FOLD)
    return _fold_ou(text) if fold_ou else text


def kana_prefix_key(
    value: str, mode: KanaKeyMode = "seion", *, fold_ou: bool | None = None
) -> str:
    """Key for prefix (前方一致) search: match stored keys that start with this key.

    Same as :func:`kana_search_key`, except that in ``seion`` mode a trailing ヴ is dropped:
    the clerk may not have typed the small vowel yet, and ヴ / ヴァ / ヴィ … fold to different
    keys (フ, ハ, ヒ …), so the prefix stops before it. With that, for any full name ``x`` and
    any prefix ``p`` of it, ``kana_search_key(x).startswith(kana_prefix_key(p))``.
    """
    if mode == "seion":
        text = _normalise_script(value).translate(_HYPHEN_REMOVE)
        if text.endswith("ヴ"):
            value = text[:-1]
    return kana_search_key(value, mode, fold_ou=fold_ou)
