"""Validation and normalisation of names and free text typed at the counter. Pure Python.

Four validators, each returning the normalised text or raising
:class:`~jumin.core.errors.RuleError` with every problem found (one issue per code):

* :func:`validate_kanji_name` — 氏名 (漢字), 旧氏, 通称 (住基法第7条第1号, 第30条の45;
  標準仕様書 j10/j20). The character set is MJ 文字情報基盤 / 行政事務標準文字 (標準仕様書
  j1190): ideographs of every CJK extension, supplementary-plane ones such as 𠮷 (U+20BB7),
  Ideographic Variation Sequences (base + U+E0100–U+E01EF) and 外字 in the Private Use Area
  are kept **code point for code point**. No NFC/NFKC is applied to ideographs: NFC maps CJK
  compatibility ideographs (U+F900–U+FAFF, U+2F800–) to their unified counterparts, which
  would silently change a registered 字形.
* :func:`validate_kana_name` — フリガナ, stored as full-width katakana (標準仕様書 j180).
* :func:`validate_alphabet_name` — アルファベット氏名 of foreign residents (標準仕様書 j20).
* :func:`validate_free_text` — 住所, 方書, 本籍, 備考 and other free text.

All four reject, with stable codes (``<prefix>`` is ``name`` for the name validators and
``text`` for free text):

* ``<prefix>.empty`` — nothing left after stripping whitespace;
* ``<prefix>.too_long`` — more than ``max_len`` characters, counting a base character with its
  variation selector or combining marks as one;
* ``<prefix>.control_char`` — C0/C1 controls (category Cc) and the line/paragraph separators
  U+2028/U+2029 (a newline is allowed only in multi-line free text);
* ``<prefix>.lone_surrogate`` — an unpaired surrogate (U+D800–U+DFFF), which cannot be stored
  as UTF-8;
* ``<prefix>.bidi_control`` — bidirectional formatting characters (U+202A–U+202E,
  U+2066–U+2069, U+200E, U+200F, U+061C), which can make a displayed name differ from the
  stored one ("Trojan Source", CVE-2021-42574);
* ``<prefix>.zero_width`` — invisible characters (U+200B–U+200D, U+2060, U+FEFF, U+180E)
  that make two identical-looking names differ;
* ``<prefix>.invalid_variation_selector`` — a variation selector that does not directly follow
  a CJK ideograph (IVS U+E0100–U+E01EF, or the standardized selectors U+FE00–U+FE0F);
* ``name.invalid_char`` / ``kana.not_katakana`` / ``alphabet.not_latin`` /
  ``text.invalid_char`` — characters outside the field's repertoire.

Each issue's ``params`` holds ``position`` (1-based, counted like ``too_long``) and
``codepoint`` (``"U+202E"``) of the first offending character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

import jaconv

from jumin.core.errors import Issue, RuleError, error

__all__ = [
    "ALPHABET_NAME_MAX_LEN",
    "FREE_TEXT_MAX_LEN",
    "KANA_NAME_MAX_LEN",
    "KANJI_NAME_MAX_LEN",
    "is_cjk_ideograph",
    "text_length",
    "validate_alphabet_name",
    "validate_free_text",
    "validate_kana_name",
    "validate_kanji_name",
]

# Default maximum lengths. They are placeholders until the 住基ネット 本人確認情報 layout
# (漢字氏名/カナ氏名 field widths) is confirmed; models pass their own column sizes.
KANJI_NAME_MAX_LEN = 50
KANA_NAME_MAX_LEN = 100
ALPHABET_NAME_MAX_LEN = 100
FREE_TEXT_MAX_LEN = 200

FULLWIDTH_SPACE = "\u3000"

# --------------------------------------------------------------------------------------------
# Character classes
# --------------------------------------------------------------------------------------------

#: CJK ideograph blocks, listed explicitly so that ideographs added after the Unicode version of
#: this Python's ``unicodedata`` (Extension H, Unicode 15; Extension I, 15.1) are still accepted.
_CJK_IDEOGRAPH_RANGES = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified Ideographs
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B (𠮷 U+20BB7)
    (0x2A700, 0x2EE5F),  # Extensions C, D, E, F, I
    (0x2F800, 0x2FA1F),  # Compatibility Ideographs Supplement
    (0x30000, 0x323AF),  # Extensions G, H
)

_IVS = range(0xE0100, 0xE01F0)  # Ideographic Variation Selectors (VS17–VS256)
_SVS = range(0xFE00, 0xFE10)  # Variation Selectors (VS1–VS16)

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e")
_LINE_SEPARATORS = frozenset("\u2028\u2029")
#: Letters (category Lo) that render as blank space; accepted nowhere in a name.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")

#: Hyphens of every family (標準仕様書 j330 treats ー/―/－/‐/ｰ/- as equivalent).
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\uff70"

_PRIVATE_USE = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))


def is_cjk_ideograph(ch: str) -> bool:
    """True for a CJK (unified or compatibility) ideograph of any extension, and for 〇."""
    cp = ord(ch)
    return cp == 0x3007 or any(lo <= cp <= hi for lo, hi in _CJK_IDEOGRAPH_RANGES)


def _is_private_use(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _PRIVATE_USE)


def _is_variation_selector(ch: str) -> bool:
    return ord(ch) in _IVS or ord(ch) in _SVS


def _is_extender(ch: str) -> bool:
    """Characters counted with the preceding base: variation selectors and combining marks."""
    return _is_variation_selector(ch) or unicodedata.category(ch) in ("Mn", "Mc", "Me")


def text_length(value: str) -> int:
    """Length as a clerk sees it: code points, not counting variation selectors and combining
    marks (``"斉\U000E0103藤"`` and ``"𠮷田"`` are 2 characters)."""
    return sum(1 for ch in value if not _is_extender(ch))


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


# --------------------------------------------------------------------------------------------
# Shared scanner
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Field:
    prefix: str  # "name" or "text"
    field: str
    label: str  # Japanese label used in messages, e.g. 氏名
    invalid_code: str  # code for characters outside the repertoire


class _Collector:
    """Keeps the first issue of each code, in order of discovery."""

    def __init__(self, spec: _Field) -> None:
        self.spec = spec
        self.issues: dict[str, Issue] = {}

    def add(self, code: str, message: str, **params) -> None:
        if code not in self.issues:
            self.issues[code] = error(code, message, self.spec.field, **params)

    def add_char(self, code: str, what: str, ch: str, position: int) -> None:
        """An issue about one invisible or unsafe character, named by its code point."""
        cp = _codepoint(ch)
        self.add(
            code,
            f"{self.spec.label}の{position}文字目に{what}（{cp}）が含まれています。",
            position=position,
            codepoint=cp,
        )

    def add_visible_char(self, code: str, ch: str, position: int) -> None:
        """An issue about a visible character outside the field's repertoire, shown as is."""
        cp = _codepoint(ch)
        self.add(
            code,
            f"{self.spec.label}の{position}文字目の「{ch}」（{cp}）は使用できません。",
            position=position,
            codepoint=cp,
        )

    def raise_if_any(self) -> None:
        if self.issues:
            raise RuleError(self.issues.values())


def _check(
    value: str,
    spec: _Field,
    max_len: int,
    allowed: Callable[[str, str], bool],
    *,
    allow_newline: bool = False,
) -> None:
    """Check ``value`` (already normalised) and raise ``RuleError`` listing every problem.

    ``allowed(ch, prev)`` decides whether a character that is not a control, bidi, zero-width,
    surrogate or variation-selector character belongs to the field's repertoire; ``prev`` is the
    preceding character ("" at the start).
    """
    issues = _Collector(spec)
    p = spec.prefix
    if not value:
        issues.add(f"{p}.empty", f"{spec.label}を入力してください。")
        issues.raise_if_any()

    position = 0
    prev = ""
    for ch in value:
        if not _is_extender(ch) or position == 0:
            position += 1
        cat = unicodedata.category(ch)
        if cat == "Cs":
            issues.add_char(f"{p}.lone_surrogate", "対になっていないサロゲート", ch, position)
        elif ch in _BIDI_CONTROLS:
            issues.add_char(f"{p}.bidi_control", "文字の表示方向を変える制御文字", ch, position)
        elif ch in _ZERO_WIDTH:
            issues.add_char(f"{p}.zero_width", "幅のない（見えない）文字", ch, position)
        elif ch == "\n" and allow_newline:
            pass
        elif cat == "Cc" or ch in _LINE_SEPARATORS:
            issues.add_char(f"{p}.control_char", "制御文字", ch, position)
        elif _is_variation_selector(ch):
            if not (prev and is_cjk_ideograph(prev)):
                issues.add_char(
                    f"{p}.invalid_variation_selector",
                    "漢字の後ろにない異体字セレクタ",
                    ch,
                    position,
                )
        elif ch in _INVISIBLE_LETTERS:
            issues.add_char(spec.invalid_code, "使用できない文字", ch, position)
        elif cat in ("Cf", "Cn", "Zs") or cat.startswith("M"):
            # not shown in the message: invisible, or a mark that would combine with 「
            if not allowed(ch, prev):
                issues.add_char(spec.invalid_code, "使用できない文字", ch, position)
        elif not allowed(ch, prev):
            issues.add_visible_char(spec.invalid_code, ch, position)
        prev = ch

    if position > max_len:
        issues.add(
            f"{p}.too_long",
            f"{spec.label}は{max_len}文字以内で入力してください（現在{position}文字）。",
            max_len=max_len,
            length=position,
        )
    issues.raise_if_any()


def _require_str(value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")


def _collapse_spaces(value: str, space: str) -> str:
    """Strip the ends and turn every inner run of whitespace into one ``space``.

    Only whitespace that is not a control character is collapsed; a tab or newline inside a
    name stays and is then rejected as a control character.
    """
    value = value.strip()
    return re.sub(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+", space, value)


_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_VOICED_MARKS = str.maketrans(
    {"\u309b": "\u3099", "\u309c": "\u309a", "\uff9e": "\u3099", "\uff9f": "\u309a"}
)
_KANA_WITH_MARK = re.compile(r"[\u3041-\u30ff][\u3099\u309a]")


def _compose_kana_marks(value: str) -> str:
    """Compose kana + combining (semi-)voiced mark into the precomposed kana (か+゛→が).

    Applied only to kana pairs, never to ideographs, so compatibility ideographs survive."""
    return _KANA_WITH_MARK.sub(lambda m: unicodedata.normalize("NFC", m.group(0)), value)


# --------------------------------------------------------------------------------------------
# 氏名 (漢字)
# --------------------------------------------------------------------------------------------

#: Non-letter characters found in registered names: 〇 (Nl), 々〆ヽヾゝゞー are letters already;
#: ・ separates parts of a foreign resident's name written in kana or kanji.
_KANJI_NAME_EXTRA = frozenset("\u3000\u3007\u30fb")


def _kanji_name_char(ch: str, prev: str) -> bool:
    if is_cjk_ideograph(ch) or ch in _KANJI_NAME_EXTRA or _is_private_use(ch):
        return True
    return unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo")


def validate_kanji_name(
    value: str,
    field: str = "name",
    max_len: int = KANJI_NAME_MAX_LEN,
    *,
    label: str = "氏名",
    required: bool = True,
) -> str:
    """Validate a 氏名 / 旧氏 / 通称 written in kanji (住基法第7条第1号; 標準仕様書 j10, j20,
    character set MJ per j1190) and return it normalised.

    Normalisation, and nothing more: leading/trailing whitespace stripped; inner runs of spaces
    (half-width, full-width, other Unicode spaces) become one full-width space U+3000 (the
    customary separator between 氏 and 名); half-width katakana become full-width; a kana
    followed by a combining (semi-)voiced mark is composed. Ideographs, IVS and 外字 (PUA) are
    kept exactly.

    Repertoire: letters of any script (category L*), CJK ideographs of every extension, 〇, ・,
    the full-width space, private-use 外字, and an ideograph + one variation selector. Digits,
    symbols, emoji and punctuation are rejected with ``name.invalid_char``.

    ``required=False`` returns ``""`` for blank input instead of raising ``name.empty``.
    """
    _require_str(value)
    text = _collapse_spaces(value, FULLWIDTH_SPACE)
    if _HALFWIDTH_KANA.search(text):
        text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    text = _compose_kana_marks(text.translate(_VOICED_MARKS))
    if not text and not required:
        return ""
    _check(
        text,
        _Field("name", field, label, "name.invalid_char"),
        max_len,
        _kanji_name_char,
    )
    return text


# --------------------------------------------------------------------------------------------
# フリガナ (katakana)
# --------------------------------------------------------------------------------------------

#: ァ (U+30A1) … ヺ (U+30FA), ・ ー ヽ ヾ, and the full-width space.
_KATAKANA = frozenset(chr(c) for c in range(0x30A1, 0x30FF)) | {FULLWIDTH_SPACE}
_KANA_HYPHENS = str.maketrans({h: "ー" for h in HYPHENS})


def validate_kana_name(
    value: str,
    field: str = "name_kana",
    max_len: int = KANA_NAME_MAX_LEN,
    *,
    label: str = "フリガナ",
    required: bool = True,
) -> str:
    """Validate a フリガナ and return it as full-width katakana (標準仕様書 j180: フリガナは
    カタカナで管理し、住基ネットへの送信時に変換する).

    Accepted input, all converted to full-width katakana: katakana, hiragana (ゔ→ヴ, ゝ→ヽ),
    half-width katakana (ｶﾞ→ガ), kana + combining or spacing (semi-)voiced marks (カ゛→ガ).
    Any hyphen (``-``, ``－``, ``‐``, ``―``, ``ｰ`` …) becomes the 長音 ``ー``. Whitespace between
    氏 and 名 (or between parts of a name) becomes one full-width space; ends are stripped.

    Repertoire after conversion: ァ–ヺ, ・, ー, ヽ, ヾ and the full-width space; anything else
    (kanji, Latin letters, digits …) is rejected with ``kana.not_katakana``.
    """
    _require_str(value)
    text = _collapse_spaces(value, FULLWIDTH_SPACE)
    text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    text = jaconv.hira2kata(text.translate(_VOICED_MARKS))
    text = _compose_kana_marks(text).translate(_KANA_HYPHENS)
    if not text and not required:
        return ""
    _check(
        text,
        _Field("name", field, label, "kana.not_katakana"),
        max_len,
        lambda ch, prev: ch in _KATAKANA,
    )
    return text


# --------------------------------------------------------------------------------------------
# アルファベット氏名
# --------------------------------------------------------------------------------------------

_ALPHABET_PUNCTUATION = frozenset(" -'.,")
_ALPHABET_MAP = str.maketrans(
    {
        **{h: "-" for h in "\u2010\u2011\u2012\u2013\u2212"},
        "\u2019": "'",  # right single quotation mark, typed by many keyboards for O'Brien
        "\u2018": "'",
        "\u02bc": "'",  # modifier letter apostrophe
    }
)


def _is_latin_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, "")


def _alphabet_name_char(ch: str, prev: str) -> bool:
    if ch in _ALPHABET_PUNCTUATION or _is_latin_letter(ch):
        return True
    # a combining accent is allowed on a Latin letter (or after another accent), e.g. N̈
    return unicodedata.category(ch) == "Mn" and bool(prev) and (
        _is_latin_letter(prev) or unicodedata.category(prev) == "Mn"
    )


def validate_alphabet_name(
    value: str,
    field: str = "name_alphabet",
    max_len: int = ALPHABET_NAME_MAX_LEN,
    *,
    label: str = "氏名（アルファベット）",
    required: bool = True,
) -> str:
    """Validate a foreign resident's name in Latin letters (標準仕様書 j20; 住基法第30条の45,
    as written on the 在留カード / 特別永住者証明書) and return it normalised.

    Normalisation: NFKC (full-width ``ＳＭＩＴＨ`` → ``SMITH``, composed accents), upper case
    (``str.upper``: ``ß`` → ``SS`` as in passports' machine-readable zone), typographic
    apostrophes → ``'``, hyphens → ``-``, whitespace runs → one ASCII space, ends stripped.

    Repertoire: Latin letters including accented ones (É, Ñ, Ø, Ł …) and combining accents on
    them, space, hyphen, apostrophe, period and comma. Anything else (digits, kana, kanji,
    Cyrillic …) is rejected with ``alphabet.not_latin``.
    """
    _require_str(value)
    text = unicodedata.normalize("NFKC", value).translate(_ALPHABET_MAP)
    text = _collapse_spaces(text, " ").upper().translate(_ALPHABET_MAP)
    if not text and not required:
        return ""
    _check(
        text,
        _Field("name", field, label, "alphabet.not_latin"),
        max_len,
        _alphabet_name_char,
    )
    return text


# --------------------------------------------------------------------------------------------
# Free text: 住所, 方書, 本籍, 備考 …
# --------------------------------------------------------------------------------------------


def _free_text_char(ch: str, prev: str) -> bool:
    if is_cjk_ideograph(ch) or _is_private_use(ch):
        return True
    cat = unicodedata.category(ch)
    # Unassigned code points and noncharacters (Cn), format characters not handled above (Cf,
    # e.g. soft hyphen, tag characters) and lone combining marks at the start are refused.
    if cat in ("Cn", "Cf"):
        return False
    if cat.startswith("M"):
        return bool(prev) and prev != "\n"
    return True


def validate_free_text(
    value: str,
    field: str,
    max_len: int = FREE_TEXT_MAX_LEN,
    *,
    label: str = "入力内容",
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Validate free text such as 住所, 方書, 本籍, 備考 and return it normalised.

    The text is kept as typed (no NFC/NFKC, so MJ characters, IVS and compatibility ideographs
    survive, 標準仕様書 j1190); only the ends are stripped and, when ``multiline``, CR LF / CR
    become LF. Newlines are allowed only when ``multiline`` is true.

    Rejected: the invisible and dangerous classes listed in the module docstring, with codes
    ``text.*``, plus unassigned code points, noncharacters and other format characters
    (``text.invalid_char``). Letters, digits, punctuation and symbols of any script are allowed.
    """
    _require_str(value)
    text = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value
    text = text.strip()
    if not text and not required:
        return ""
    _check(
        text,
        _Field("text", field, label, "text.invalid_char"),
        max_len,
        _free_text_char,
        allow_newline=multiline,
    )
    return text
