"""Check digits and formats of the identifiers a resident record carries. Pure Python.

Every ``validate_*`` function takes what a clerk typed (full-width digits, spaces and hyphens
of any family are accepted where the identifier is numeric), returns the normalised ASCII form,
or raises :class:`~jumin.core.errors.RuleError` carrying exactly one
:class:`~jumin.core.errors.Issue`. Messages never contain the value itself: identifiers such as
the 個人番号 are 特定個人情報 and must not end up in logs through an exception text.

``*_check_digit`` functions take the digits *without* the check digit as an ASCII string and
return the check digit as an ``int``; they raise a plain ``ValueError`` on malformed input,
which is a programming error (call ``normalise_digits`` or a ``validate_*`` function first).

Sources (see also docs: standard-and-law.md §2):

* 個人番号: 番号法施行令第8条, 総務省令第85号（平成26年）第5条.
* 住民票コード: 住民基本台帳法施行規則第1条 and 平成14年総務省告示第436号 (text not yet
  obtained — see :func:`juminhyo_code_check_digit`).
* 全国地方公共団体コード: JIS X 0402 and the 総務省 rule for the 検査数字.
* 宛名番号・世帯番号: 住民記録システム標準仕様書 j130 (モジュラス11, ウェイト2〜7).
* 在留カード番号・特別永住者証明書番号: 住民基本台帳法第30条の45; layout from the
  出入国在留管理庁 specimen (no check digit is published).
"""

from __future__ import annotations

import re

from jumin.core.errors import RuleError, error

__all__ = [
    "ATENA_NUMBER_WIDTH",
    "HOUSEHOLD_NUMBER_WIDTH",
    "HYPHENS",
    "SPACES",
    "juminhyo_code_check_digit",
    "local_government_code_check_digit",
    "m11w27_check_digit",
    "make_atena_number",
    "make_household_number",
    "mask_my_number",
    "my_number_check_digit",
    "normalise_digits",
    "validate_atena_number",
    "validate_household_number",
    "validate_juminhyo_code",
    "validate_local_government_code",
    "validate_my_number",
    "validate_residence_card_number",
    "validate_special_permanent_resident_number",
    "with_check_digit",
]

# --------------------------------------------------------------------------------------------
# Input normalisation
# --------------------------------------------------------------------------------------------

#: Separators a clerk may type between digit groups. Hyphens of every family, including the
#: katakana prolonged sound mark ー (U+30FC), which a Japanese IME produces for "-" in kana mode.
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\uff70\u30fc"
#: Half-width and full-width (U+3000) spaces.
SPACES = " \u3000"

_SEPARATORS = frozenset(HYPHENS + SPACES)
_ASCII_DIGITS = "0123456789"
_FULLWIDTH_DIGITS = "０１２３４５６７８９"
_DIGIT_TABLE = str.maketrans(_FULLWIDTH_DIGITS, _ASCII_DIGITS)


def _to_ascii_digits(value: str) -> str | None:
    """Return the ASCII digit string, or ``None`` if ``value`` holds anything but digits and
    separators. Only ASCII and full-width digits count: ``str.isdigit`` would also accept
    Arabic-Indic digits or superscripts, which are never a valid identifier."""
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    digits = []
    for ch in value.translate(_DIGIT_TABLE):
        if ch in _ASCII_DIGITS:
            digits.append(ch)
        elif ch not in _SEPARATORS:
            return None
    return "".join(digits)


def normalise_digits(value: str, field: str = "") -> str:
    """Return ``value`` as ASCII digits with separators removed.

    Accepts ASCII digits, full-width digits (０-９), half/full-width spaces and hyphens of every
    family (:data:`HYPHENS`). Anything else raises ``RuleError`` with code
    ``digits.invalid_char``. The length is not checked here.

    >>> normalise_digits("１２３４－５６７８ 9018")
    '123456789018'
    """
    digits = _to_ascii_digits(value)
    if digits is None:
        raise RuleError(
            [error("digits.invalid_char", "数字以外の文字が含まれています。", field)]
        )
    return digits


def _digits_of(value: str, length: int, *, code: str, label: str, field: str) -> str:
    """Normalise and check the length, raising ``<code>`` (``xxx.format``) otherwise."""
    digits = _to_ascii_digits(value)
    if digits is None or len(digits) != length:
        raise RuleError(
            [error(code, f"{label}は{length}桁の数字で入力してください。", field, length=length)]
        )
    return digits


def _require_ascii_digits(digits: str, length: int) -> list[int]:
    if not isinstance(digits, str) or len(digits) != length or any(
        ch not in _ASCII_DIGITS for ch in digits
    ):
        raise ValueError(f"expected exactly {length} ASCII digits")
    return [int(ch) for ch in digits]


def _fold_mod11(remainder: int) -> int:
    """The usual fold of a modulus-11 remainder to one digit: 11 − r, and 0 when r is 0 or 1."""
    return 0 if remainder <= 1 else 11 - remainder


# --------------------------------------------------------------------------------------------
# 個人番号 (My Number)
# --------------------------------------------------------------------------------------------

#: Qn of 総務省令第85号第5条 applied to the 11 digits from the left (P11 … P1):
#: Qn = n + 1 for 1 ≤ n ≤ 6 and n − 5 for 7 ≤ n ≤ 11, Pn counted from the right.
MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def my_number_check_digit(first11: str) -> int:
    """検査用数字 of a 個人番号 (総務省令第85号第5条, under 番号法施行令第8条).

    ``check = 11 − (Σ Pn×Qn mod 11)``, and ``0`` when the remainder is 0 or 1, where ``Pn`` is
    the n-th of the 11 digits counted from the right and ``Qn`` is ``n+1`` (n ≤ 6) or ``n−5``
    (n ≥ 7); that is, weights 6,5,4,3,2,7,6,5,4,3,2 from the left.

    >>> my_number_check_digit("12345678901")
    8
    >>> my_number_check_digit("62149832025")
    7
    """
    digits = _require_ascii_digits(first11, 11)
    total = sum(d * w for d, w in zip(digits, MY_NUMBER_WEIGHTS))
    return _fold_mod11(total % 11)


def validate_my_number(value: str, field: str = "my_number") -> str:
    """Return the 12-digit 個人番号 or raise ``RuleError``.

    Codes: ``my_number.format`` (not 12 digits after removing spaces and hyphens),
    ``my_number.check_digit`` (the 12th digit is not the 検査用数字 of 総務省令第85号第5条).

    The scheme cannot detect every error: remainders 0 and 1 fold to the same digit, so some
    single-digit substitutions and transpositions keep the number valid.
    """
    digits = _digits_of(value, 12, code="my_number.format", label="個人番号", field=field)
    if my_number_check_digit(digits[:11]) != int(digits[11]):
        raise RuleError(
            [
                error(
                    "my_number.check_digit",
                    "個人番号の検査用数字が一致しません。番号を確認してください。",
                    field,
                )
            ]
        )
    return digits


def mask_my_number(value: str) -> str:
    """Mask a 個人番号 for display: ``"**** **** 9018"``.

    Only the last 4 digits are shown, grouped 4-4-4 as printed on the 個人番号カード so the
    clerk can compare it with the card. The check digit is not verified (stored values are
    masked as they are), but the input must be 12 digits after normalisation; otherwise a
    ``ValueError`` without the value in its text is raised, so nothing leaks into a log.
    """
    digits = _to_ascii_digits(value)
    if digits is None or len(digits) != 12:
        raise ValueError("not a 12-digit 個人番号")
    return f"**** **** {digits[8:]}"


# --------------------------------------------------------------------------------------------
# 住民票コード
# --------------------------------------------------------------------------------------------

#: Inferred weights, from the left, over the 10 random digits of a 住民票コード.
JUMINHYO_CODE_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def juminhyo_code_check_digit(first10: str) -> int:
    """検査数字 of a 住民票コード (11 digits = 10 random digits + 1 検査数字).

    **Source status: unconfirmed; replace this function when the official text is obtained.**
    住民基本台帳法施行規則第1条第2号 delegates the 算式 to 平成14年総務省告示第436号
    (官報 平成14年7月25日), whose text has not been found. The rule implemented here is an
    inference: the 個人番号 scheme of 総務省令第85号第5条 applied to 10 digits, i.e. weights
    5,4,3,2,7,6,5,4,3,2 from the left (2,3,4,5,6,7,2,3,4,5 from the right),
    ``check = 11 − (Σ mod 11)`` and ``0`` when the remainder is 0 or 1.
    Evidence: the published sample codes 24727059608, 24846016224 and 25208017643 all satisfy
    it, and vendor DLP documentation describes the code as a "position weighted Mod11
    checksum". Everything else in Jumin calls only this function and
    :func:`validate_juminhyo_code`, so replacing the rule is a one-function change.

    >>> juminhyo_code_check_digit("2472705960")
    8
    """
    digits = _require_ascii_digits(first10, 10)
    total = sum(d * w for d, w in zip(digits, JUMINHYO_CODE_WEIGHTS))
    return _fold_mod11(total % 11)


def validate_juminhyo_code(value: str, field: str = "juminhyo_code") -> str:
    """Return the 11-digit 住民票コード (住基法第7条第13号, 規則第1条) or raise ``RuleError``.

    Codes: ``juminhyo_code.format``, ``juminhyo_code.check_digit`` (rule: see
    :func:`juminhyo_code_check_digit`).
    """
    digits = _digits_of(value, 11, code="juminhyo_code.format", label="住民票コード", field=field)
    if juminhyo_code_check_digit(digits[:10]) != int(digits[10]):
        raise RuleError(
            [
                error(
                    "juminhyo_code.check_digit",
                    "住民票コードの検査数字が一致しません。コードを確認してください。",
                    field,
                )
            ]
        )
    return digits


# --------------------------------------------------------------------------------------------
# 全国地方公共団体コード
# --------------------------------------------------------------------------------------------

LOCAL_GOVERNMENT_CODE_WEIGHTS = (6, 5, 4, 3, 2)


def local_government_code_check_digit(first5: str) -> int:
    """検査数字 of a 全国地方公共団体コード (JIS X 0402 5 digits + 1).

    総務省: 「第1桁から第5桁までの数字に、それぞれ6.5.4.3.2を乗じて算出した積の和を求め、
    その和を11で除し、…11と余り数字との差の下1桁の数字を検査数字とする。」
    So ``check = (11 − Σ mod 11) mod 10``: remainder 0 gives **1** and remainder 1 gives 0 —
    unlike the 個人番号, where remainder 0 gives 0.

    >>> local_government_code_check_digit("14100")  # 横浜市
    3
    >>> local_government_code_check_digit("13104")  # 新宿区 (remainder 0)
    1
    """
    digits = _require_ascii_digits(first5, 5)
    total = sum(d * w for d, w in zip(digits, LOCAL_GOVERNMENT_CODE_WEIGHTS))
    return (11 - total % 11) % 10


def with_check_digit(code5: str, field: str = "lg_code") -> str:
    """Append the 検査数字 to a 5-digit 団体コード (the form most open data uses).

    >>> with_check_digit("13112")
    '131121'
    """
    label = "団体コード（検査数字なし）"
    digits = _digits_of(code5, 5, code="lg_code.format", label=label, field=field)
    return digits + str(local_government_code_check_digit(digits))


def validate_local_government_code(value: str, field: str = "lg_code") -> str:
    """Return the 6-digit 全国地方公共団体コード or raise ``RuleError``.

    Only the 6-digit form is accepted (5 digits would be ambiguous with a typo); use
    :func:`with_check_digit` to convert a 5-digit code. Codes: ``lg_code.format``,
    ``lg_code.check_digit``. Whether the code names an existing 団体 is not checked here.
    """
    digits = _digits_of(value, 6, code="lg_code.format", label="団体コード", field=field)
    if local_government_code_check_digit(digits[:5]) != int(digits[5]):
        raise RuleError(
            [
                error(
                    "lg_code.check_digit",
                    "団体コードの検査数字が一致しません。コードを確認してください。",
                    field,
                )
            ]
        )
    return digits


# --------------------------------------------------------------------------------------------
# 宛名番号・世帯番号 (標準仕様書 j130)
# --------------------------------------------------------------------------------------------

#: Total width of a 宛名番号: a 9-digit zero-padded sequence + 1 check digit (up to
#: 999,999,999 persons per 団体, enough for the largest municipality and its 除票 for 150 years).
#: The standard fixes the check-digit scheme, not the width; a municipality migrating existing
#: numbers passes its own ``width``.
ATENA_NUMBER_WIDTH = 10
#: Total width of a 世帯番号: same layout as the 宛名番号 (9-digit sequence + 1 check digit).
HOUSEHOLD_NUMBER_WIDTH = 10


def m11w27_check_digit(seq_digits: str) -> int:
    """モジュラス11 ウェイト2〜7 (M11W2～7) check digit (標準仕様書 j130).

    Weights 2,3,4,5,6,7,2,3,… are applied from the **rightmost** digit of the sequence;
    ``r = Σ mod 11``; ``check = 0`` if ``r`` is 0 (the standard: 「余りが0の場合、検査付番は0」)
    or 1 (11 − 1 = 10 has no single digit; folded to 0 like the 個人番号), else ``11 − r``.
    For 11 digits this is exactly the 個人番号 rule.

    >>> m11w27_check_digit("000000001")
    9
    """
    if not seq_digits:
        raise ValueError("expected at least one ASCII digit")
    digits = _require_ascii_digits(seq_digits, len(seq_digits))
    total = sum(d * (2 + i % 6) for i, d in enumerate(reversed(digits)))
    return _fold_mod11(total % 11)


def _make_sequence_number(seq: int, width: int) -> str:
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise TypeError("seq must be an int")
    if width < 2:
        raise ValueError("width must leave room for a sequence and a check digit")
    if seq < 1 or seq >= 10 ** (width - 1):
        raise ValueError(f"sequence {seq} does not fit in {width - 1} digits")
    body = str(seq).zfill(width - 1)
    return body + str(m11w27_check_digit(body))


def make_atena_number(seq: int, width: int = ATENA_NUMBER_WIDTH) -> str:
    """宛名番号 for sequence ``seq`` (≥ 1): zero-padded to ``width − 1`` digits + M11W2〜7 check
    digit (標準仕様書 j130).

    >>> make_atena_number(1)
    '0000000019'
    """
    return _make_sequence_number(seq, width)


def make_household_number(seq: int, width: int = HOUSEHOLD_NUMBER_WIDTH) -> str:
    """世帯番号 for sequence ``seq`` (≥ 1), same layout and check digit as the 宛名番号
    (標準仕様書 j130)."""
    return _make_sequence_number(seq, width)


def _validate_sequence_number(
    value: str, width: int, *, kind: str, label: str, field: str
) -> str:
    digits = _digits_of(value, width, code=f"{kind}.format", label=label, field=field)
    body = digits[:-1]
    if int(body) == 0:  # sequences start at 1: an all-zero body is never issued
        raise RuleError(
            [error(f"{kind}.format", f"{label}が正しくありません。番号を確認してください。", field)]
        )
    if m11w27_check_digit(body) != int(digits[-1]):
        raise RuleError(
            [
                error(
                    f"{kind}.check_digit",
                    f"{label}の検査数字が一致しません。番号を確認してください。",
                    field,
                )
            ]
        )
    return digits


def validate_atena_number(
    value: str, field: str = "atena_number", width: int = ATENA_NUMBER_WIDTH
) -> str:
    """Return the 宛名番号 (標準仕様書 j130) or raise ``RuleError``.

    Codes: ``atena_number.format`` (not ``width`` digits, or sequence 0),
    ``atena_number.check_digit``.
    """
    return _validate_sequence_number(
        value, width, kind="atena_number", label="宛名番号", field=field
    )


def validate_household_number(
    value: str, field: str = "household_number", width: int = HOUSEHOLD_NUMBER_WIDTH
) -> str:
    """Return the 世帯番号 (標準仕様書 j130) or raise ``RuleError``.

    Codes: ``household_number.format``, ``household_number.check_digit``.
    """
    return _validate_sequence_number(
        value, width, kind="household_number", label="世帯番号", field=field
    )


# --------------------------------------------------------------------------------------------
# 在留カード番号・特別永住者証明書番号 (住基法第30条の45)
# --------------------------------------------------------------------------------------------

_CARD_NUMBER = re.compile(r"[A-Z]{2}[0-9]{8}[A-Z]{2}", re.ASCII)
_FULLWIDTH_ALNUM = str.maketrans(
    "".join(chr(c) for c in range(0xFF10, 0xFF1A))
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B)),
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)


def _normalise_card_number(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    ascii_ = value.translate(_FULLWIDTH_ALNUM)
    return "".join(ch for ch in ascii_ if ch not in SPACES).upper()


def _validate_card_number(value: str, *, code: str, label: str, field: str) -> str:
    number = _normalise_card_number(value)
    if not _CARD_NUMBER.fullmatch(number):
        raise RuleError(
            [error(code, f"{label}は英字2桁・数字8桁・英字2桁の12文字で入力してください。", field)]
        )
    return number


def validate_residence_card_number(value: str, field: str = "residence_card_number") -> str:
    """Return the 在留カード番号 (e.g. ``"AB12345678CD"``) or raise ``RuleError``.

    Layout 英字2 + 数字8 + 英字2 as on the 出入国在留管理庁 specimen; no check digit is
    published, so only the format is checked (code ``residence_card.format``). Full-width
    letters and digits are converted to ASCII, lower case to upper case, and spaces removed.
    """
    return _validate_card_number(
        value, code="residence_card.format", label="在留カード番号", field=field
    )


def validate_special_permanent_resident_number(
    value: str, field: str = "special_permanent_resident_number"
) -> str:
    """Return the 特別永住者証明書番号 or raise ``RuleError`` (code
    ``special_permanent_resident.format``).

    **Unconfirmed layout**: assumed to be the same 12 characters (英字2 + 数字8 + 英字2) as the
    在留カード番号, because 出入国在留管理庁's 「在留カード等番号失効情報照会」 accepts both
    under one input. Normalisation as in :func:`validate_residence_card_number`.
    """
    return _validate_card_number(
        value, code="special_permanent_resident.format", label="特別永住者証明書番号", field=field
    )
