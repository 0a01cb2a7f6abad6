"""Names and free text (jumin.text.names). No database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jumin.core.errors import RuleError, Severity
from jumin.text.names import (
    text_length,
    validate_alphabet_name,
    validate_free_text,
    validate_kana_name,
    validate_kanji_name,
)

YOSHI = "\U00020BB7"  # 𠮷 (つちよし), supplementary plane
SAI_IVS = "斉\U000E0103"  # 斉 + VS20 (IVS registered in the Moji_Joho collection)
KAMI_SVS = "神\ufe00"  # standardized variation sequence of 神 (compatibility form)
COMPAT_RO = "\ufa1f"  # CJK compatibility ideograph 﨟 — NFC would not keep it, we must
COMPAT_SUPP = "\U0002F800"  # CJK Compatibility Ideographs Supplement, NFC → U+4E3D
EXT_H = "\U00031350"  # Extension H (Unicode 15), unassigned in Python 3.11's unicodedata
GAIJI = "\ue000"  # private-use 外字


def codes(exc: pytest.ExceptionInfo[RuleError]) -> list[str]:
    return exc.value.codes


# --------------------------------------------------------------------------------------------
# 氏名 (漢字): code points kept exactly
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        f"{YOSHI}田　太郎",
        f"{SAI_IVS}藤　花子",
        f"{KAMI_SVS}田",
        f"{COMPAT_RO}{COMPAT_SUPP}",
        f"山{EXT_H}",
        f"山{GAIJI}",
        "佐々木　〆子",
        "〇山",
        "ヤマダ・ジョン",
        "渡邊　ゝゞヽヾ",
        "ＡＢＣ　ａｂｃ",
        "金　민수",
    ],
)
def test_kanji_name_keeps_code_points_exactly(name):
    result = validate_kanji_name(name)
    assert result == name
    assert result.encode("utf-8") == name.encode("utf-8")


def test_ivs_name_byte_exact_and_counted_as_one_character():
    name = f"{SAI_IVS}藤"
    expected = b"\xe6\x96\x89\xf3\xa0\x84\x83\xe8\x97\xa4"  # 斉 U+E0103 藤 in UTF-8
    assert validate_kanji_name(name, max_len=2).encode("utf-8") == expected
    assert text_length(name) == 2
    assert text_length(f"{YOSHI}田") == 2


def test_kanji_name_whitespace_normalised():
    assert validate_kanji_name("  山田 \u3000 太郎\u3000") == "山田\u3000太郎"
    assert validate_kanji_name("山田\u00a0太郎") == "山田\u3000太郎"


def test_kanji_name_converts_halfwidth_kana_and_composes_voiced_marks():
    assert validate_kanji_name("ﾔﾏﾀﾞ　はなこ") == "ヤマダ　はなこ"
    assert validate_kanji_name("か\u3099さこ") == "がさこ"
    assert validate_kanji_name("カ゛ク") == "ガク"


@pytest.mark.parametrize(
    ("name", "code", "position", "codepoint"),
    [
        ("山田\x07", "name.control_char", 3, "U+0007"),
        ("山\t田", "name.control_char", 2, "U+0009"),
        ("山\n田", "name.control_char", 2, "U+000A"),
        ("山\x85田", "name.control_char", 2, "U+0085"),
        ("山\u2028田", "name.control_char", 2, "U+2028"),
        ("山\ud800田", "name.lone_surrogate", 2, "U+D800"),
        ("山\udc00", "name.lone_surrogate", 2, "U+DC00"),
        ("山\u202e田", "name.bidi_control", 2, "U+202E"),
        ("山\u202a田", "name.bidi_control", 2, "U+202A"),
        ("山\u2066田", "name.bidi_control", 2, "U+2066"),
        ("山\u2069田", "name.bidi_control", 2, "U+2069"),
        ("山\u200e田", "name.bidi_control", 2, "U+200E"),
        ("山\u200f田", "name.bidi_control", 2, "U+200F"),
        ("山\u061c田", "name.bidi_control", 2, "U+061C"),
        ("山\u200b田", "name.zero_width", 2, "U+200B"),
        ("山\u200c田", "name.zero_width", 2, "U+200C"),
        ("山\u200d田", "name.zero_width", 2, "U+200D"),
        ("山\ufeff田", "name.zero_width", 2, "U+FEFF"),
        ("山\u2060田", "name.zero_width", 2, "U+2060"),
        ("\U000E0100山", "name.invalid_variation_selector", 1, "U+E0100"),
        ("あ\U000E0100", "name.invalid_variation_selector", 1, "U+E0100"),
        ("A\U000E0100", "name.invalid_variation_selector", 1, "U+E0100"),
        ("山\U000E0100\U000E0101", "name.invalid_variation_selector", 1, "U+E0101"),
        ("山\u3000\U000E0100", "name.invalid_variation_selector", 2, "U+E0100"),
        ("あ\ufe0f", "name.invalid_variation_selector", 1, "U+FE0F"),
        ("山田1", "name.invalid_char", 3, "U+0031"),
        ("山田😀", "name.invalid_char", 3, "U+1F600"),
        ("山田!", "name.invalid_char", 3, "U+0021"),
        ("山田\u3164", "name.invalid_char", 3, "U+3164"),
        ("山\u00ad田", "name.invalid_char", 2, "U+00AD"),
        ("山\u0301田", "name.invalid_char", 1, "U+0301"),
        ("\u2f00山", "name.invalid_char", 1, "U+2F00"),  # Kangxi radical ⼀, not the ideograph 一
        ("山\ufffe", "name.invalid_char", 2, "U+FFFE"),
    ],
)
def test_kanji_name_rejects_each_forbidden_class(name, code, position, codepoint):
    with pytest.raises(RuleError) as exc:
        validate_kanji_name(name, field="shimei")
    assert codes(exc) == [code]
    issue = exc.value.issues[0]
    assert issue.field == "shimei"
    assert issue.severity is Severity.ERROR
    assert issue.params == {"position": position, "codepoint": codepoint}
    assert f"{position}文字目" in issue.message
    assert codepoint in issue.message


def test_standardized_variation_selector_after_ideograph_is_kept():
    assert validate_kanji_name("山\ufe0f") == "山\ufe0f"


def test_invalid_char_message_shows_the_character():
    with pytest.raises(RuleError) as exc:
        validate_kanji_name("山田1")
    assert exc.value.issues[0].message == "氏名の3文字目の「1」（U+0031）は使用できません。"


def test_every_problem_is_reported_once_in_order():
    with pytest.raises(RuleError) as exc:
        validate_kanji_name("山\u202e田\x07\x08\u202d" + "山" * 60, max_len=50)
    assert codes(exc) == ["name.bidi_control", "name.control_char", "name.too_long"]
    assert exc.value.issues[1].params["position"] == 4


@pytest.mark.parametrize("blank", ["", " ", "\u3000\u3000", " \t\n"])
def test_kanji_name_empty(blank):
    with pytest.raises(RuleError) as exc:
        validate_kanji_name(blank)
    assert codes(exc) == ["name.empty"]
    assert exc.value.issues[0].message == "氏名を入力してください。"
    assert validate_kanji_name(blank, required=False) == ""


def test_kanji_name_length_boundary():
    assert validate_kanji_name("山" * 5, max_len=5) == "山" * 5
    assert validate_kanji_name(f"{SAI_IVS}" * 5, max_len=5) == SAI_IVS * 5
    with pytest.raises(RuleError) as exc:
        validate_kanji_name("山" * 6, max_len=5, label="旧氏")
    issue = exc.value.issues[0]
    assert issue.code == "name.too_long"
    assert issue.message == "旧氏は5文字以内で入力してください（現在6文字）。"
    assert issue.params == {"max_len": 5, "length": 6}


def test_non_str_is_a_programming_error():
    with pytest.raises(TypeError):
        validate_kanji_name(None)  # type: ignore[arg-type]


ideograph = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),
)
ideograph_with_ivs = st.builds(
    lambda base, vs: base + chr(vs), ideograph, st.integers(0xE0100, 0xE01EF)
)
name_part = st.lists(st.one_of(ideograph, ideograph_with_ivs), min_size=1, max_size=8).map("".join)


@given(name_part, name_part)
def test_any_ideographs_and_ivs_survive_unchanged(surname, given_name):
    name = f"{surname}\u3000{given_name}"
    assert validate_kanji_name(name) == name


FORBIDDEN = {
    "name.control_char": st.sampled_from("\x00\x07\x1b\x7f\x85\x9f\u2028\u2029"),
    "name.bidi_control": st.sampled_from(
        "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    ),
    "name.zero_width": st.sampled_from("\u200b\u200c\u200d\u2060\ufeff"),
    "name.lone_surrogate": st.integers(0xD800, 0xDFFF).map(chr),
}


@pytest.mark.parametrize("code", sorted(FORBIDDEN))
@given(data=st.data())
def test_a_forbidden_character_anywhere_is_caught(code, data):
    name = data.draw(name_part)
    bad = data.draw(FORBIDDEN[code])
    at = data.draw(st.integers(1, len(name)))  # inner position (ends are stripped first)
    with pytest.raises(RuleError) as exc:
        validate_kanji_name(name[:at] + bad + name[at:] + "郎")
    assert code in codes(exc)


# --------------------------------------------------------------------------------------------
# フリガナ
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ヤマダ　タロウ", "ヤマダ　タロウ"),
        ("やまだ たろう", "ヤマダ　タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("  ﾔﾏﾀﾞ   ﾀﾛｳ ", "ヤマダ　タロウ"),
        ("ゔぃくとりあ", "ヴィクトリア"),
        ("ｺｰﾋｰ", "コーヒー"),
        ("コ-ヒ－", "コーヒー"),
        ("ジョン・スミス", "ジョン・スミス"),
        ("カ\u3099ク", "ガク"),
        ("か゛く", "ガク"),
        ("ヲヰヱヵヶヮ", "ヲヰヱヵヶヮ"),
        ("さゝき", "サヽキ"),
    ],
)
def test_kana_name_normalised_to_fullwidth_katakana(typed, stored):
    assert validate_kana_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "position", "char"),
    [("山田", 1, "山"), ("ヤマダ1", 4, "1"), ("yamada", 1, "y"), ("ヤマダ。", 4, "。")],
)
def test_kana_name_rejects_non_katakana(typed, position, char):
    with pytest.raises(RuleError) as exc:
        validate_kana_name(typed, field="kana")
    issue = exc.value.issues[0]
    assert (issue.code, issue.field) == ("kana.not_katakana", "kana")
    assert issue.params["position"] == position
    assert f"「{char}」" in issue.message


def test_kana_name_shares_the_safety_checks():
    with pytest.raises(RuleError) as exc:
        validate_kana_name("ヤマ\u202eダ\u200b")
    assert codes(exc) == ["name.bidi_control", "name.zero_width"]
    with pytest.raises(RuleError) as exc:
        validate_kana_name("　")
    assert codes(exc) == ["name.empty"]
    assert exc.value.issues[0].message == "フリガナを入力してください。"
    with pytest.raises(RuleError) as exc:
        validate_kana_name("ア" * 11, max_len=10)
    assert codes(exc) == ["name.too_long"]


@given(st.text(alphabet=st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA), min_size=1))
def test_katakana_is_stored_unchanged(kana):
    assert validate_kana_name(kana) == kana


# --------------------------------------------------------------------------------------------
# アルファベット氏名
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Smith, John", "SMITH, JOHN"),
        ("  smith   john ", "SMITH JOHN"),
        ("ＳＭＩＴＨ　ＪＯＨＮ", "SMITH JOHN"),
        ("O’Brien", "O'BRIEN"),
        ("Jean–Luc", "JEAN-LUC"),
        ("José Müller", "JOSÉ MÜLLER"),
        ("Jose\u0301", "JOSÉ"),  # decomposed input composed (NFC via NFKC)
        ("Łukasz Øster", "ŁUKASZ ØSTER"),
        ("Straße", "STRASSE"),
        ("NGUYEN VAN A.", "NGUYEN VAN A."),
    ],
)
def test_alphabet_name_normalised(typed, stored):
    assert validate_alphabet_name(typed) == stored


def test_alphabet_name_composed_form_is_nfc():
    assert validate_alphabet_name("Jose\u0301") == "JOS\u00c9"


@pytest.mark.parametrize(
    ("typed", "char"), [("Иван", "И"), ("SMITH2", "2"), ("李", "李"), ("A_B", "_")]
)
def test_alphabet_name_rejects_non_latin(typed, char):
    with pytest.raises(RuleError) as exc:
        validate_alphabet_name(typed)
    issue = exc.value.issues[0]
    assert issue.code == "alphabet.not_latin"
    assert f"「{char}」" in issue.message


def test_alphabet_name_shares_the_safety_checks():
    with pytest.raises(RuleError) as exc:
        validate_alphabet_name("SMITH\u202eJOHN")
    assert codes(exc) == ["name.bidi_control"]
    with pytest.raises(RuleError) as exc:
        validate_alphabet_name("SMITH\x00")
    assert codes(exc) == ["name.control_char"]


# --------------------------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------------------------


def test_free_text_keeps_everything_visible_exactly():
    address = f"東京都千代田区{COMPAT_RO}町1丁目2番3号　{SAI_IVS}藤ビル#101（A棟）〒"
    assert validate_free_text(f"  {address} ", "address") == address


def test_free_text_newlines_only_when_multiline():
    with pytest.raises(RuleError) as exc:
        validate_free_text("一行目\n二行目", "remarks", label="備考")
    assert codes(exc) == ["text.control_char"]
    assert exc.value.issues[0].message.startswith("備考の4文字目に制御文字")
    assert validate_free_text("一行目\r\n二行目\r三行目\n", "remarks", multiline=True) == (
        "一行目\n二行目\n三行目"
    )
    with pytest.raises(RuleError) as exc:
        validate_free_text("一行目\n\x0b二行目", "remarks", multiline=True)
    assert codes(exc) == ["text.control_char"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("本町\u202e1", "text.bidi_control"),
        ("本町\u200b1", "text.zero_width"),
        ("本町\ud83d", "text.lone_surrogate"),
        ("本町\x1b1", "text.control_char"),
        ("1\U000E0100", "text.invalid_variation_selector"),
        ("本町\u00ad1", "text.invalid_char"),
        ("本町\uffff", "text.invalid_char"),
        ("\u0301本町", "text.invalid_char"),
    ],
)
def test_free_text_rejects_invisible_and_unsafe_characters(text, code):
    with pytest.raises(RuleError) as exc:
        validate_free_text(text, "address")
    assert codes(exc) == [code]
    assert exc.value.issues[0].field == "address"


def test_free_text_empty_and_length():
    with pytest.raises(RuleError) as exc:
        validate_free_text(" ", "katagaki", label="方書")
    assert codes(exc) == ["text.empty"]
    assert validate_free_text(" ", "katagaki", required=False) == ""
    with pytest.raises(RuleError) as exc:
        validate_free_text("あ" * 11, "katagaki", 10)
    assert codes(exc) == ["text.too_long"]
