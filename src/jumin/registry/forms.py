"""Input side of the staff UI: the search form, the layout of each 異動 entry form, and the
conversion of a submitted form into the input format the services take.

Entry-form inputs are named by the *field path* the services use in ``Issue.field``
(``persons.0.family_name``, ``address.area_code``, ``relationships.<宛名番号>``,
``changes.<項目>`` …), so an issue is shown next to the input it belongs to without a mapping
table. Control fields start with ``_`` (``_action``, ``_ack``, ``_hold``, ``_expected.<世帯番号>``,
``_household``, ``_touched`` …) and never reach the services.

Nothing here validates the register's rules: the services do (``services.check`` / ``submit``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from jumin.core.errors import Issue, error
from jumin.core.templatetags.jumin import DROP_PREFIX, SEALED_PREFIX, is_my_number_path
from jumin.identifiers import protection

from .choices import ForeignCategory, ResidentType, Sex, TransactionKind
from .models import Person
from .rules import transactions as tx_rules
from .selectors import SearchQuery

# ------------------------------------------------------------------ search (標準仕様書 j330/j340)


class SearchForm(forms.Form):
    """基本検索 (標準仕様書 j340). Rendered by hand in the template (accesskeys, dense layout);
    this form only cleans the POSTed criteria. Date and sex are validated by the selector so that
    their errors carry the register's codes."""

    kana = forms.CharField(label=_("フリガナ"), required=False, max_length=120)
    kana_mode = forms.ChoiceField(label=_("かなの照合"), required=False, choices=[
        ("seion", _("清音化（濁点・小さい字・長音を区別しない）")), ("exact", _("かなを区別する"))])
    kana_match = forms.ChoiceField(label=_("一致"), required=False, choices=[
        ("prefix", _("前方一致")), ("exact", _("完全一致"))])
    kanji = forms.CharField(label=_("漢字氏名・アルファベット氏名・通称"), required=False, max_length=120)
    birth_date = forms.CharField(label=_("生年月日"), required=False, max_length=40)
    sex = forms.CharField(label=_("性別"), required=False, max_length=2)
    area_code = forms.CharField(label=_("町字"), required=False, max_length=12)
    address = forms.CharField(label=_("住所（部分一致）"), required=False, max_length=200)
    household_number = forms.CharField(label=_("世帯番号"), required=False, max_length=20)
    atena_number = forms.CharField(label=_("宛名番号"), required=False, max_length=20)
    juminhyo_code = forms.CharField(label=_("住民票コード"), required=False, max_length=20)
    include_removed = forms.BooleanField(label=_("除票を含める"), required=False)
    page = forms.IntegerField(required=False, min_value=1)

    CRITERIA = ("kana", "kanji", "birth_date", "sex", "area_code", "address", "household_number",
                "atena_number", "juminhyo_code")
    OPTIONS = ("kana_mode", "kana_match", "include_removed")

    def has_criteria(self) -> bool:
        return any((self.data.get(name) or "").strip() for name in self.CRITERIA)

    def criteria_fields(self) -> list[tuple[str, str]]:
        """The criteria as submitted, as (name, value) pairs for the hidden inputs of the page
        buttons: paging repeats the search that produced the results, in a POST body (names and
        birth dates never go into a URL, where access logs and browser history would keep them)."""
        return [(name, self.data.get(name)) for name in (*self.CRITERIA, *self.OPTIONS)
                if (self.data.get(name) or "").strip()]

    def to_query(self) -> SearchQuery:
        c = self.cleaned_data
        return SearchQuery(
            kana=c["kana"].strip(), kana_mode=c["kana_mode"] or "seion", kana_match=c["kana_match"] or "prefix",
            kanji=c["kanji"].strip(), birth_date=c["birth_date"].strip(), sex=c["sex"].strip(),
            area_code=c["area_code"].strip(), address=c["address"].strip(),
            household_number=c["household_number"].strip(), atena_number=c["atena_number"].strip(),
            juminhyo_code=c["juminhyo_code"].strip(), include_removed=c["include_removed"], page=c["page"] or 1,
        )


# ------------------------------------------------------------------ entry forms: layouts


@dataclass(frozen=True)
class KindUI:
    """How the entry form of one 異動事由 is laid out.

    ``layout``: ``entry`` (new persons, repeatable person block), ``birth`` (one child block),
    ``members`` (check the household members concerned), ``household`` (the whole household),
    ``correction`` (field chooser), ``cancel`` (受付番号 of the 異動 to cancel).
    ``sections``: extra parts of the form (see templates/registry/entry_form.html)."""

    layout: str
    select: bool = False  # a checkbox per member (``persons``)
    new_relationships: bool = False  # 続柄 in the new / target household, per moving member
    relationships: bool = False  # 続柄 to the new 世帯主, per member staying (世帯主不在, j490)
    new_head: bool = False
    sections: tuple[str, ...] = ()
    default_type: str = ResidentType.JAPANESE
    previous_required: bool = False  # 転入前住所 required (転入) or optional (職権記載, 第30条の46)
    help: str = ""


_REMOVAL = KindUI("members", select=True, relationships=True, new_head=True,
                  help=_("世帯主が異動し2人以上が残る場合は、新しい世帯主と残る世帯員の続柄を入力します（標準仕様書 j490）。"))
_ENTRY_SECTIONS = ("address", "household_join", "previous_address")

KIND_UI: dict[str, KindUI] = {
    "move_in": KindUI("entry", sections=_ENTRY_SECTIONS, previous_required=True),
    "move_in_from_abroad": KindUI(
        "entry", sections=_ENTRY_SECTIONS,
        help=_("従前の住所（国外）は分かる範囲で入力します。空欄の場合、転入前住所は「国外」と記録されます（標準仕様書 j900）。")),
    "foreign_entry_30_46": KindUI("entry", sections=_ENTRY_SECTIONS, default_type=ResidentType.FOREIGN),
    "foreign_notification_30_47": KindUI(
        "entry", sections=("address", "household_join", "address_set_on"), default_type=ResidentType.FOREIGN,
        help=_("既に市内に住む外国人が中長期在留者等となった届出です（従前の住所はありません）。住所を定めた年月日は異動日より前でも構いません。")),
    "ex_officio_entry": KindUI("entry", sections=(*_ENTRY_SECTIONS, "unregistered_from")),
    "birth": KindUI("birth"),
    "move_within": KindUI("members", select=True, relationships=True, new_head=True,
                          sections=("address", "household_join"),
                          help=_("世帯の一部が転居する場合は新しい世帯を作ります。続柄（変更後）には転居する方の新しい世帯での続柄、または残る世帯員の新しい世帯主との続柄を入力します。")),
    "move_out": KindUI("members", select=True, relationships=True, new_head=True, sections=("destination",),
                       help=_REMOVAL.help),
    "move_out_abroad": KindUI("members", select=True, relationships=True, new_head=True, sections=("destination",),
                              help=_REMOVAL.help),
    "move_out_confirm": KindUI("members", select=True, relationships=True, new_head=True,
                               sections=("move_out_confirm",),
                               help=_("転入通知により転出を確定します。転出予定のまま世帯主が転出する場合は、残る世帯員の新しい世帯主と続柄を入力します。")),
    "death": _REMOVAL,
    "disappearance": _REMOVAL,
    "ex_officio_removal": _REMOVAL,
    "household_split": KindUI("members", select=True, new_relationships=True, relationships=True, new_head=True,
                              help=_("分離する方を選び、新しい世帯での続柄（1人は世帯主）を入力します。")),
    "household_change": KindUI("members", select=True, new_relationships=True, relationships=True, new_head=True,
                               sections=("target_household",),
                               help=_("異動先の世帯は同じ住所の世帯に限ります。新しい続柄は異動先の世帯主との続柄です。")),
    "household_merge": KindUI("household", new_relationships=True, sections=("target_household",),
                              help=_("この世帯の全員が異動先の世帯に入ります。各世帯員の異動先世帯主との続柄を入力します。")),
    "head_change": KindUI("household", relationships=True, new_head=True,
                          help=_("新しい世帯主を選び、他の世帯員の新しい世帯主との続柄を入力します（標準仕様書 j730）。")),
    "ex_officio_correction": KindUI("correction"),
    "clerical_correction": KindUI("correction"),
    "minor_correction": KindUI("correction"),
    "family_register_change": KindUI("correction"),
    "former_surname_entry": KindUI("members", select=True, sections=("former_surname",)),
    "former_surname_deletion": KindUI("members", select=True),
    "alias_entry": KindUI("members", select=True, sections=("alias",)),
    "alias_deletion": KindUI("members", select=True),
    "naturalization": KindUI("members", select=True, sections=("japanese",)),
    "nationality_acquisition": KindUI("members", select=True, sections=("japanese",)),
    "nationality_loss": KindUI("members", select=True, sections=("foreign",)),
    "cancel_increase": KindUI("cancel"),
    "cancel_decrease": KindUI("cancel"),
    "cancel_correction": KindUI("cancel"),
}

KIND_GROUPS: list[tuple[str, list[str]]] = [
    (_("転入・記載"), ["move_in", "move_in_from_abroad", "foreign_entry_30_46", "foreign_notification_30_47",
                    "ex_officio_entry", "birth"]),
    (_("転居・転出"), ["move_within", "move_out", "move_out_abroad", "move_out_confirm"]),
    (_("世帯"), ["household_split", "household_change", "household_merge", "head_change"]),
    (_("消除"), ["death", "disappearance", "ex_officio_removal"]),
    (_("修正"), ["ex_officio_correction", "clerical_correction", "minor_correction", "family_register_change"]),
    (_("旧氏・通称・国籍"), ["former_surname_entry", "former_surname_deletion", "alias_entry", "alias_deletion",
                          "naturalization", "nationality_acquisition", "nationality_loss"]),
    (_("異動の取消し"), ["cancel_increase", "cancel_decrease", "cancel_correction"]),
]

HOUSEHOLD_KINDS = ["move_within", "move_out", "move_out_abroad", "household_split", "household_change",
                   "household_merge", "head_change", "birth", "death", "move_in"]
"""The 異動 started from the household view (pre-filled with the household and its version)."""
HOUSEHOLD_KIND_LABELS = {"move_in": _("転入（この世帯に入る）"), "birth": _("出生（この世帯に入る）")}


def kind_label(kind: str) -> str:
    return TransactionKind(kind).label


def cancel_kind_for(kind: str) -> str | None:
    """The 異動の取消し kind that cancels a 異動 of ``kind`` (標準仕様書 j980)."""
    if kind in tx_rules.CANCEL_KINDS or kind not in tx_rules.KINDS:
        return None
    return tx_rules.CANCEL_FOR_CATEGORY[tx_rules.KINDS[kind].category]


# ------------------------------------------------------------------ choices and labels

SEX_CHOICES = [("", _("（選択）")), *Sex.choices]
SEARCH_SEX_CHOICES = [("", _("（指定なし）")), *Sex.choices]
RESIDENT_TYPE_CHOICES = list(ResidentType.choices)
FOREIGN_CATEGORY_CHOICES = [("", _("（選択）")), *ForeignCategory.choices]

RECORD_LABELS: dict[str, str] = {f.name: str(f.verbose_name) for f in Person._meta.fields} | {"my_number": "個人番号"}
"""Labels of the 住民票 items (the model's verbose names)."""

LABELS: dict[str, str] = {
    **RECORD_LABELS,
    "kind": "異動事由",
    "event_date": "異動日",
    "notified_on": "届出日",
    "remarks": "備考",
    "persons": "異動者",
    "child": "出生子",
    "address": "異動後の住所",
    "area_code": "町字",
    "previous_address": "転入前住所",
    "destination": "転出先",
    "municipality_code": "自治体コード",
    "head_name": "世帯主の氏名",
    "household_number": "世帯番号",
    "target_household_number": "異動先の世帯番号",
    "new_head": "新しい世帯主",
    "relationships": "続柄（新しい世帯主との続柄）",
    "new_relationships": "続柄（異動後の世帯での続柄）",
    "confirmed_address": "転出確定地",
    "notice_on": "転入通知受理日",
    "changes": "修正内容",
    "japanese": "日本人住民としての記載事項",
    "foreign": "外国人住民の記載事項",
    "target_document_number": "取り消す異動の受付番号",
    "unregistered_from": "未届期間の開始日",
    "address_set_on": "住所を定めた年月日",
    "returning_atena_number": "再転入者の宛名番号（除票）",
    "my_number": "個人番号",
    "document_number": "受付番号",
}
"""Labels of the segments of an input field path (entry forms, confirmation, issues)."""

CORRECTION_FIELDS = {
    "ex_officio_correction": tx_rules.CORRECTABLE_FIELDS,
    "clerical_correction": tx_rules.CORRECTABLE_FIELDS,
    "minor_correction": tx_rules.MINOR_FIELDS,
    "family_register_change": tx_rules.KOSEKI_FIELDS,
}
_FIELD_ORDER = {f.name: i for i, f in enumerate(Person._meta.fields)}


def correction_choices(kind: str) -> list[tuple[str, str]]:
    """(項目, 表示名) a clerk may correct with ``kind``, in the order of the 住民票."""
    names = sorted(CORRECTION_FIELDS.get(kind, ()), key=lambda n: _FIELD_ORDER.get(n, 999))
    return [(n, RECORD_LABELS.get(n, n)) for n in names]


def correction_widget(name: str) -> str:
    """How the new value of a corrected item is entered: checkbox, select or text."""
    if name in tx_rules.BOOL_FIELDS:
        return "checkbox"
    if name in ("sex", "foreign_category"):
        return "select"
    return "text"


def correction_widget_choices(name: str) -> list:
    return {"sex": SEX_CHOICES, "foreign_category": FOREIGN_CATEGORY_CHOICES}.get(name, [])


def is_date_field(name: str) -> bool:
    return (name in tx_rules.DATE_FIELDS or name in tx_rules.FUZZY_DATE_FIELDS
            or name in ("became_foreign_resident_on", "event_date", "notified_on", "notice_on", "unregistered_from"))


# ------------------------------------------------------------------ submitted form → service input

_INDEX = re.compile(r"^\d+$")
CONTROL_PREFIX = "_"
# inputs of a person block that carry a value even when the clerk typed nothing
_BLOCK_DEFAULTS = {"resident_type"}


@dataclass
class EntryInput:
    """A submitted entry form: ``data`` for the services, plus what the UI needs to map issues
    back onto the inputs and to carry the entry through the confirmation step."""

    kind: str
    data: dict[str, Any]
    block_index: dict[int, int]  # persons.N in ``data`` → the person block N as numbered in the form
    expected_versions: dict[str, int]
    acknowledged: list[str]
    hold: bool
    household: str
    touched: list[str]

    def display_field(self, field: str) -> str:
        """The form's field path for an ``Issue.field`` of the services.

        Person blocks are renumbered when empty blocks are dropped; member selections
        (``persons.N`` = the N-th checked member) are shown beside that member's row."""
        parts = field.split(".") if field else []
        if len(parts) >= 2 and parts[0] == "persons" and _INDEX.match(parts[1]):
            i = int(parts[1])
            persons = self.data.get("persons")
            if KIND_UI[self.kind].layout == "entry":
                parts[1] = str(self.block_index.get(i, i))
            elif isinstance(persons, list) and i < len(persons) and isinstance(persons[i], str):
                parts[1] = persons[i]
        return ".".join(parts)


def _set_path(root: dict, parts: list[str], value: Any) -> None:
    node = root
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[parts[-1]] = value


def entry_input(kind: str, post) -> EntryInput:
    """Turn a submitted entry form (``QueryDict``) into the input of ``services.submit``.

    Empty inputs are left out (the parsers treat a missing value as not entered), except the
    items chosen for a correction, where an empty value means "clear this item"."""
    ui = KIND_UI[kind]
    data: dict[str, Any] = {}
    for key in post:
        if key.startswith(CONTROL_PREFIX) or key == "csrfmiddlewaretoken" or key.startswith("changes."):
            continue
        values = [v.strip() for v in post.getlist(key)]
        if key == "persons" and ui.layout in ("members", "correction"):
            value: Any = [v for v in values if v]
        else:
            value = values[-1] if values else ""
        if value in ("", []):
            continue
        _set_path(data, key.split("."), value)
    if ui.layout == "correction":
        changes = {}
        for name in post.getlist("_changes"):
            if not name or name in changes:
                continue
            raw = post.get(f"changes.{name}", "").strip()
            changes[name] = raw in ("1", "on", "true") if name in tx_rules.BOOL_FIELDS else raw
        if changes:
            data["changes"] = changes
    block_index: dict[int, int] = {}
    if ui.layout == "entry":
        blocks = data.get("persons") if isinstance(data.get("persons"), dict) else {}
        persons = []
        for key in sorted((k for k in blocks if _INDEX.match(k)), key=int):
            block = blocks[key]
            if not isinstance(block, dict) or not (set(block) - _BLOCK_DEFAULTS):
                continue  # an untouched (empty) block
            block_index[len(persons)] = int(key)
            persons.append(block)
        data["persons"] = persons
    expected = {}
    for key in post:
        if key.startswith("_expected."):
            try:
                expected[key.split(".", 1)[1]] = int(post.get(key))
            except (TypeError, ValueError):
                continue
    return EntryInput(
        kind=kind, data=data, block_index=block_index, expected_versions=expected,
        acknowledged=[c for c in post.getlist("_ack") if c],
        hold=post.get("_hold") in ("1", "on", "true"),
        household=(post.get("_household") or "").strip(),
        touched=[t for t in (post.get("_touched") or "").split(",") if t],
    )


def carried_fields(values) -> list[tuple[str, str]]:
    """The clerk's input as (name, value) pairs, to carry through the confirmation step in hidden
    inputs (nothing of the entry is kept on the server between the steps). ``values`` must be
    sealed (``seal_my_numbers``): a 個人番号 travels only as its token, never in clear."""
    skip = {"csrfmiddlewaretoken", "_action", "_ack", "_hold", "_touched"}
    return [(k, v) for k in values for v in values.getlist(k) if k not in skip and not is_my_number_path(k)]


# ------------------------------------------------------------------ 個人番号 between the steps
#
# The 個人番号 is never written back into a page (番号法第12条 安全管理措置): not in the hidden inputs
# of the confirmation page, not in the value of a form shown again after an error. Between the
# steps it travels as a token ``_mn.<field path>``: the number encrypted and authenticated
# (Fernet, jumin.identifiers.protection) together with the staff member and the field it belongs
# to, so that a token is useless in another session's form, in another field, or once altered.

# SEALED_PREFIX: the hidden input ``_mn.<field path>`` carrying the token of the 個人番号 typed into
# ``<field path>``; DROP_PREFIX: the checkbox ``_mn_drop.<field path>`` to forget it (the clerk wants
# the item empty). Defined with the form component that renders them.
_SEAL_PURPOSE = "jumin.registry.entry"


def seal_my_number(number: str, *, owner: str, path: str) -> str:
    return protection.encrypt(json.dumps([_SEAL_PURPOSE, str(owner), path, number], ensure_ascii=False))


def unseal_my_number(token: str, *, owner: str, path: str) -> str:
    """The 個人番号 of a token made by ``seal_my_number`` for the same staff member and field;
    ``ValueError`` (without the token or the number in its text) for anything else."""
    try:
        purpose, who, where, number = json.loads(protection.decrypt(token))
    except (ValueError, TypeError) as exc:  # altered, truncated, foreign key, not our JSON: all the same
        raise ValueError("invalid 個人番号 token") from exc
    if purpose != _SEAL_PURPOSE or who != str(owner) or where != path or not isinstance(number, str):
        raise ValueError("invalid 個人番号 token")
    return number


def open_my_numbers(post, *, owner: str) -> tuple[QueryDict, list[Issue]]:
    """The submitted form with every 個人番号 in clear, for ``entry_input``: the number typed now,
    else the one carried as a token (unless the clerk chose to forget it). A token that does not
    open (altered or not made for this clerk and field) is an error on that field: the clerk
    types the number again."""
    clear = post.copy()
    issues: list[Issue] = []
    paths = {k for k in post if is_my_number_path(k)}
    paths |= {k[len(SEALED_PREFIX):] for k in post if k.startswith(SEALED_PREFIX)}
    for key in [k for k in clear if k.startswith((SEALED_PREFIX, DROP_PREFIX))]:
        del clear[key]
    for path in sorted(p for p in paths if is_my_number_path(p)):
        typed = (post.get(path) or "").strip()
        token = post.get(SEALED_PREFIX + path) or ""
        if typed or not token or post.get(DROP_PREFIX + path):
            clear[path] = typed
            continue
        try:
            clear[path] = unseal_my_number(token, owner=owner, path=path)
        except ValueError:
            clear[path] = ""
            issues.append(error("my_number.token_invalid", str(_(
                "入力済みの個人番号を引き継げませんでした（改ざんされたか、有効でない情報です）。個人番号を再入力してください。")),
                path))
    return clear, issues


def seal_my_numbers(values, *, owner: str) -> QueryDict:
    """The form values to put back into a page: each 個人番号 removed from its input and carried
    as a token in ``_mn.<field path>`` instead."""
    sealed = values.copy()
    for path in [k for k in values if is_my_number_path(k)]:
        number = (values.get(path) or "").strip()
        del sealed[path]
        if number:
            sealed[SEALED_PREFIX + path] = seal_my_number(number, owner=owner, path=path)
    return sealed


def block_indexes(post, prefix: str = "persons") -> list[int]:
    """Indexes of the person blocks present in a submitted entry form, in order."""
    found = set()
    for key in post:
        parts = key.split(".")
        if len(parts) >= 3 and parts[0] == prefix and _INDEX.match(parts[1]):
            found.add(int(parts[1]))
    return sorted(found)


def path_label(path: str, names: dict[str, str] | None = None) -> str:
    """A readable Japanese label for a field path: ``persons.1.given_name`` → 異動者 2人目 名."""
    names = names or {}
    out = []
    parts = path.split(".") if path else []
    for i, part in enumerate(parts):
        prev = parts[i - 1] if i else ""
        if part in names:
            out.append(names[part])
        elif _INDEX.match(part) and prev == "persons" and len(part) <= 3:
            out.append(f"{int(part) + 1}人目")
        elif part in LABELS:
            out.append(LABELS[part])
        else:
            out.append(part)
    return " ".join(out)
