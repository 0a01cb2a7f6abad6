"""Check digits and formats of 個人番号, 住民票コード, 団体コード, 宛名番号/世帯番号 and card
numbers (jumin.identifiers.rules). No database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jumin.core.errors import RuleError, Severity
from jumin.identifiers.rules import (
    HYPHENS,
    juminhyo_code_check_digit,
    local_government_code_check_digit,
    m11w27_check_digit,
    make_atena_number,
    make_household_number,
    mask_my_number,
    my_number_check_digit,
    normalise_digits,
    validate_atena_number,
    validate_household_number,
    validate_juminhyo_code,
    validate_local_government_code,
    validate_my_number,
    validate_residence_card_number,
    validate_special_permanent_resident_number,
    with_check_digit,
)

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def only_issue(exc: pytest.ExceptionInfo[RuleError]):
    assert len(exc.value.issues) == 1
    return exc.value.issues[0]


def law_my_number_check_digit(first11: str) -> int:
    """Oracle written straight from 総務省令第85号第5条: Pn is the n-th digit from the right,
    Qn = n + 1 (1 ≤ n ≤ 6), n − 5 (7 ≤ n ≤ 11)."""
    total = 0
    for n in range(1, 12):
        p = int(first11[-n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def my_number_remainder(first11: str) -> int:
    return sum(int(d) * w for d, w in zip(first11, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) % 11


digits11 = st.text(alphabet="0123456789", min_size=11, max_size=11)


# --------------------------------------------------------------------------------------------
# normalise_digits
# --------------------------------------------------------------------------------------------


def test_normalise_digits_accepts_fullwidth_spaces_and_every_hyphen():
    assert normalise_digits("１２３４ ５６７８\u30009018") == "123456789018"
    for hyphen in "-‐‑‒–—―−－ｰー":
        assert normalise_digits(f"1234{hyphen}5678") == "12345678"


@pytest.mark.parametrize("value", ["12a4", "1234.5", "١٢٣", "12²", "1234\t5678", "12_34"])
def test_normalise_digits_rejects_anything_else(value):
    with pytest.raises(RuleError) as exc:
        normalise_digits(value, field="x")
    issue = only_issue(exc)
    assert issue.code == "digits.invalid_char"
    assert issue.field == "x"


def test_normalise_digits_rejects_non_str():
    with pytest.raises(TypeError):
        normalise_digits(123456789018)  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(
            st.sampled_from("0123456789"),
            st.booleans(),
            st.sampled_from(["", "", " ", "\u3000", *HYPHENS]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_normalise_digits_ignores_width_and_separators(parts):
    plain = "".join(d for d, _, _ in parts)
    typed = "".join((d.translate(FULLWIDTH) if wide else d) + sep for d, wide, sep in parts)
    assert normalise_digits(typed) == plain


# --------------------------------------------------------------------------------------------
# 個人番号
# --------------------------------------------------------------------------------------------


def test_my_number_worked_examples():
    assert my_number_check_digit("12345678901") == 8
    assert my_number_check_digit("62149832025") == 7
    assert validate_my_number("123456789018") == "123456789018"
    assert validate_my_number("621498320257") == "621498320257"


def test_my_number_remainders_zero_and_one_give_zero():
    assert my_number_remainder("00000000000") == 0
    assert my_number_check_digit("00000000000") == 0
    assert my_number_remainder("00000000006") == 1  # 6 × 2 = 12
    assert my_number_check_digit("00000000006") == 0
    assert my_number_remainder("00000000005") == 10
    assert my_number_check_digit("00000000005") == 1


@pytest.mark.parametrize(
    "typed",
    ["1234 5678 9018", "１２３４５６７８９０１８", "1234-5678-9018", "１２３４－５６７８－９０１８",
     " 1234ｰ5678ー9018\u3000"],
)
def test_my_number_accepts_typed_variants(typed):
    assert validate_my_number(typed) == "123456789018"


@pytest.mark.parametrize(
    "value", ["", "12345678901", "1234567890189", "12345678901A", "١٢٣٤٥٦٧٨٩٠١٨"]
)
def test_my_number_format_errors(value):
    with pytest.raises(RuleError) as exc:
        validate_my_number(value, field="kojin_bango")
    issue = only_issue(exc)
    assert issue.code == "my_number.format"
    assert issue.field == "kojin_bango"
    assert issue.severity is Severity.ERROR
    assert issue.message == "個人番号は12桁の数字で入力してください。"


def test_my_number_check_digit_error_does_not_reveal_the_number():
    with pytest.raises(RuleError) as exc:
        validate_my_number("123456789019")
    issue = only_issue(exc)
    assert issue.code == "my_number.check_digit"
    assert issue.field == "my_number"
    assert "1234" not in str(exc.value)
    assert "9019" not in str(exc.value)
    assert "123456789019" not in repr(issue)


@given(digits11)
def test_my_number_matches_the_law_text_and_m11w27(first11):
    check = my_number_check_digit(first11)
    assert check == law_my_number_check_digit(first11)
    assert check == m11w27_check_digit(first11)
    assert validate_my_number(first11 + str(check)) == first11 + str(check)


@given(digits11, st.integers(0, 11), st.integers(1, 9))
def test_my_number_single_substitutions(first11, position, delta):
    """A substitution in the check digit is always caught. Elsewhere the weighted sum changes by
    w·δ ≢ 0 (mod 11), so the remainder always changes; it goes unnoticed exactly when the old
    and new remainders are 0 and 1, which fold to the same check digit."""
    number = first11 + str(my_number_check_digit(first11))
    new_digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(new_digit) + number[position + 1 :]
    assert changed != number

    old_r, new_r = my_number_remainder(number[:11]), my_number_remainder(changed[:11])
    undetectable = position < 11 and {old_r, new_r} == {0, 1}
    if position < 11:
        assert old_r != new_r
    if undetectable:
        assert validate_my_number(changed) == changed
    else:
        with pytest.raises(RuleError) as exc:
            validate_my_number(changed)
        assert exc.value.codes == ["my_number.check_digit"]


def test_my_number_undetectable_substitution_exists():
    # 00000000000 (remainder 0) and 00000000006 (remainder 1) share the check digit 0.
    assert validate_my_number("000000000000") == "000000000000"
    assert validate_my_number("000000000060") == "000000000060"


def test_mask_my_number_shows_last_four_grouped_like_the_card():
    assert mask_my_number("123456789018") == "**** **** 9018"
    assert mask_my_number("1234-5678-9018") == "**** **** 9018"
    assert mask_my_number("１２３４５６７８９０１８") == "**** **** 9018"


@pytest.mark.parametrize("value", ["12345678901", "1234567890123", "12345678901x"])
def test_mask_my_number_rejects_non_numbers_without_echoing_them(value):
    with pytest.raises(ValueError) as exc:
        mask_my_number(value)
    assert "1234" not in str(exc.value)


# --------------------------------------------------------------------------------------------
# 住民票コード (inferred rule, see juminhyo_code_check_digit)
# --------------------------------------------------------------------------------------------


def test_juminhyo_code_worked_example():
    assert juminhyo_code_check_digit("2472705960") == 8


@pytest.mark.parametrize("code", ["24727059608", "24846016224", "25208017643"])
def test_juminhyo_code_published_samples_validate(code):
    assert validate_juminhyo_code(code) == code
    assert validate_juminhyo_code(code[:3] + " " + code[3:].translate(FULLWIDTH)) == code


def test_juminhyo_code_errors():
    with pytest.raises(RuleError) as exc:
        validate_juminhyo_code("24727059609")
    assert only_issue(exc).code == "juminhyo_code.check_digit"
    with pytest.raises(RuleError) as exc:
        validate_juminhyo_code("2472705960")
    assert only_issue(exc).code == "juminhyo_code.format"


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_juminhyo_code_rule_is_m11w27_over_ten_digits(first10):
    check = juminhyo_code_check_digit(first10)
    assert check == m11w27_check_digit(first10)
    assert validate_juminhyo_code(first10 + str(check)) == first10 + str(check)
    wrong = (check + 1) % 10
    with pytest.raises(RuleError):
        validate_juminhyo_code(first10 + str(wrong))


# --------------------------------------------------------------------------------------------
# 全国地方公共団体コード
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "141003",  # 横浜市
        "131121",  # 世田谷区 (remainder 10)
        "131041",  # 新宿区 (remainder 0 → 1)
        "010006",  # 北海道
        "011002",  # 札幌市
        "271004",  # 大阪市
    ],
)
def test_local_government_code_examples(code):
    assert validate_local_government_code(code) == code
    assert with_check_digit(code[:5]) == code
    assert local_government_code_check_digit(code[:5]) == int(code[5])


def test_local_government_code_remainder_one_gives_zero():
    assert local_government_code_check_digit("20000") == 0  # 2 × 6 = 12, remainder 1
    assert with_check_digit("２００００") == "200000"


def test_local_government_code_differs_from_my_number_fold_at_remainder_zero():
    assert local_government_code_check_digit("00000") == 1


def test_local_government_code_errors():
    with pytest.raises(RuleError) as exc:
        validate_local_government_code("131122")
    assert only_issue(exc).code == "lg_code.check_digit"
    with pytest.raises(RuleError) as exc:
        validate_local_government_code("13112")
    assert only_issue(exc).code == "lg_code.format"
    with pytest.raises(RuleError) as exc:
        with_check_digit("131121")
    assert only_issue(exc).code == "lg_code.format"


@given(st.text(alphabet="0123456789", min_size=5, max_size=5), st.integers(1, 9))
def test_local_government_code_round_trip_and_wrong_digit(first5, delta):
    code = with_check_digit(first5)
    assert validate_local_government_code(code) == code
    wrong = first5 + str((int(code[5]) + delta) % 10)
    with pytest.raises(RuleError):
        validate_local_government_code(wrong)


# --------------------------------------------------------------------------------------------
# 宛名番号・世帯番号 (標準仕様書 j130)
# --------------------------------------------------------------------------------------------


def m11w27_oracle(seq: str) -> int:
    weights = [2, 3, 4, 5, 6, 7]
    total = sum(int(d) * weights[i % 6] for i, d in enumerate(seq[::-1]))
    r = total % 11
    return 0 if r in (0, 1) else 11 - r


def test_m11w27_examples():
    assert m11w27_check_digit("000000001") == 9  # 1×2 = 2 → 11 − 2
    assert m11w27_check_digit("123456789") == 2  # 174 mod 11 = 9 → 2
    assert m11w27_check_digit("000000000") == 0  # remainder 0
    assert m11w27_check_digit("000000006") == 0  # 12 mod 11 = 1 → 0
    assert m11w27_check_digit("5") == 1  # 10 → 1
    with pytest.raises(ValueError):
        m11w27_check_digit("")
    with pytest.raises(ValueError):
        m11w27_check_digit("１２")


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_m11w27_matches_oracle(seq):
    assert m11w27_check_digit(seq) == m11w27_oracle(seq)


def test_make_atena_and_household_numbers():
    assert make_atena_number(1) == "0000000019"
    assert make_atena_number(123456789) == "1234567892"
    assert make_household_number(1) == "0000000019"
    assert make_atena_number(5, width=8) == "00000051"


@pytest.mark.parametrize("seq", [0, -1, 10**9])
def test_make_atena_number_rejects_out_of_range(seq):
    with pytest.raises(ValueError):
        make_atena_number(seq)


def test_make_atena_number_rejects_non_int():
    with pytest.raises(TypeError):
        make_atena_number("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        make_atena_number(True)  # type: ignore[arg-type]


@given(st.integers(1, 10**9 - 1))
def test_atena_number_round_trip(seq):
    number = make_atena_number(seq)
    assert len(number) == 10
    assert int(number[:9]) == seq
    assert validate_atena_number(number) == number
    assert validate_household_number(make_household_number(seq)) == number


@given(st.integers(1, 10**9 - 1), st.integers(0, 9), st.integers(1, 9))
def test_atena_number_single_substitution(seq, position, delta):
    number = make_atena_number(seq)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    body, check = changed[:9], int(changed[9])
    if int(body) == 0:
        expected = "atena_number.format"
    elif m11w27_oracle(body) != check:
        expected = "atena_number.check_digit"
    else:
        assert validate_atena_number(changed) == changed
        return
    with pytest.raises(RuleError) as exc:
        validate_atena_number(changed)
    assert exc.value.codes == [expected]


def test_atena_and_household_number_errors():
    with pytest.raises(RuleError) as exc:
        validate_atena_number("0000000018")
    assert only_issue(exc).code == "atena_number.check_digit"
    with pytest.raises(RuleError) as exc:
        validate_atena_number("000000019")
    assert only_issue(exc).code == "atena_number.format"
    with pytest.raises(RuleError) as exc:
        validate_atena_number("0000000000")  # sequence 0 is never issued
    assert only_issue(exc).code == "atena_number.format"
    with pytest.raises(RuleError) as exc:
        validate_household_number("0000000018", field="setai")
    issue = only_issue(exc)
    assert (issue.code, issue.field) == ("household_number.check_digit", "setai")
    assert validate_atena_number("００００００００１９") == "0000000019"
    assert validate_atena_number("00000051", width=8) == "00000051"


# --------------------------------------------------------------------------------------------
# 在留カード番号・特別永住者証明書番号
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "AB12345678CD",
        "ab12345678cd",
        "ＡＢ１２３４５６７８ＣＤ",
        "AB 1234 5678 CD",
        "ａｂ12345678ｃｄ\u3000",
    ],
)
def test_residence_card_number_normalised(typed):
    assert validate_residence_card_number(typed) == "AB12345678CD"
    assert validate_special_permanent_resident_number(typed) == "AB12345678CD"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "A123456789CD",
        "AB1234567CD",
        "AB123456789D",
        "AB12345678C",
        "AB-12345678-CD",
        "ÀB12345678CD",
    ],
)
def test_card_number_format_errors(value):
    with pytest.raises(RuleError) as exc:
        validate_residence_card_number(value)
    issue = only_issue(exc)
    assert (issue.code, issue.field) == ("residence_card.format", "residence_card_number")
    with pytest.raises(RuleError) as exc:
        validate_special_permanent_resident_number(value)
    assert only_issue(exc).code == "special_permanent_resident.format"
