"""Staff web UI of the register (server-rendered, htmx for partial updates).

Views are thin (architecture rules 1 and 2): parse the request, call ``selectors`` (every read of
personal data, which logs it) or ``services`` (every write), render. Issues from the services
are shown with their Japanese message, code and field; alerts are acknowledged by the clerk on
the confirmation page before ``services.submit`` is called with ``acknowledged=``. The
個人番号 is never rendered: only 登録あり/なし, or a mask of what the clerk typed; between the
steps of an entry it travels encrypted (``forms.seal_my_numbers``), never in an input's value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jumin.core import clock
from jumin.core.errors import Issue, RuleError, error
from jumin.core.templatetags.jumin import fuzzy, seireki, wareki
from jumin.identifiers import rules as idr
from jumin.text import wareki as wareki_text

from . import forms, selectors, services
from .choices import Status, TransactionKind, TransactionStatus
from .models import RECORD_FIELDS, Area, PersonVersion
from .rules import inputs

# ================================================================== helpers


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _issues_of(exc: RuleError) -> list[Issue]:
    return list(exc.issues) or [error("error.unknown", str(exc))]


def _by_field(issues, display=lambda f: f) -> dict[str, list[Issue]]:
    out: dict[str, list[Issue]] = {}
    for i in issues:
        out.setdefault(display(i.field), []).append(i)
    return out


def _issue_rows(issues, display=lambda f: f, names=None) -> list[dict]:
    """Issues for a summary list: message, code, field path and its Japanese label."""
    rows = []
    for i in issues:
        path = display(i.field)
        rows.append({"issue": i, "path": path, "label": forms.path_label(path, names), "anchor": path})
    return rows


def _areas():
    """町字 of this municipality (住所辞書; not personal data)."""
    return list(Area.objects.filter(municipality__is_self=True).order_by("code"))


def _area_choices(empty_label: str) -> list[tuple[str, str]]:
    """The 町字 as choices of a ``{% field … type="select" %}``."""
    return [("", empty_label), *((a.code, f"{a.name}（{a.code}）") for a in _areas())]


def _not_found(request: HttpRequest, exc: RuleError) -> HttpResponse:
    return render(request, "registry/not_found.html", {"issues": _issues_of(exc)}, status=404)


# ================================================================== search (標準仕様書 j330/j340)


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """住民検索. The criteria are POSTed (form and htmx alike, paging included): names and birth
    dates must not end up in URLs, where server access logs, proxies and the browser history
    keep them. A GET only shows the empty form (criteria in a query string are ignored). The
    results partial is returned to htmx requests, the full page otherwise (no JS)."""
    data = request.POST if request.method == "POST" else None
    form = forms.SearchForm(data)
    searched = data is not None and any(k in data for k in forms.SearchForm.CRITERIA)
    page, issues = None, []
    if searched:
        if form.is_valid():
            try:
                page = selectors.search(actor=request.user, query=form.to_query())
            except RuleError as exc:
                issues = _issues_of(exc)
        else:
            issues = [error("search.invalid", f"{form.fields[name].label or name}: {' '.join(errs)}", name)
                      for name, errs in form.errors.items()]
    context = {
        "nav": "search",
        "form_values": data or {},
        "form_errors": _by_field(issues),
        "issues": issues,
        "page": page,
        "criteria": form.criteria_fields() if page is not None else [],
        "searched": searched,
        "area_choices": _area_choices(_("（すべて）")),
        "sex_choices": forms.SEARCH_SEX_CHOICES,
        "htmx": _is_htmx(request),
    }
    template = "registry/partials/search_results.html" if _is_htmx(request) else "registry/search.html"
    return render(request, template, context, status=422 if issues and not _is_htmx(request) else 200)


# ================================================================== person and household views

_SEX = dict(forms.SEX_CHOICES)


def display_value(rec, name: str) -> str:
    """One 住民票 item of a Person or PersonVersion as shown on screen (和暦 dates, labels).
    The 個人番号 is shown only as 登録あり/なし."""
    if name == "my_number":
        return _("登録あり") if rec.my_number_digest or rec.my_number_cipher else _("登録なし")
    if name == "household":
        return rec.household.number if rec.household_id else ""
    if name == "area":
        return rec.area.name if rec.area_id else ""
    if name == "alias_history":
        return "、".join(
            f"{h.get('alias', '')}（{h.get('recorded_on', '')}記載"
            f"{'・' + h['deleted_on'] + '削除' if h.get('deleted_on') else ''}）"
            for h in rec.alias_history or [])
    value = getattr(rec, name, None)
    if name in forms.tx_rules.FUZZY_DATE_FIELDS:
        text = getattr(rec, forms.tx_rules.FUZZY_DATE_FIELDS[name], "")
        if name == "birth_date" and rec.resident_type == "foreign" and not text:
            return seireki(value)  # 外国人住民の生年月日は西暦 (標準仕様書 j80)
        return fuzzy(value, text)
    if name == "removed_on":
        return fuzzy(value, rec.removed_text)
    if isinstance(value, bool):
        return _("有") if value else _("無")
    if isinstance(value, dt.date):
        return wareki(value)
    display = getattr(rec, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    return "" if value is None else str(value)


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str, str]]  # (field name, label, value)


_SECTIONS: list[tuple[str, str, list[str]]] = [
    # (title, when: all / japanese / foreign / nonempty, fields)
    ("基本事項", "all", ["status", "resident_type", "birth_date", "sex", "relationship", "juminhyo_code", "my_number"]),
    ("氏名（日本人住民）", "japanese", ["family_name", "given_name", "family_name_kana", "given_name_kana",
                                  "former_surname", "former_surname_kana"]),
    ("氏名（外国人住民）", "foreign", ["alphabet_name", "family_name", "given_name", "family_name_kana", "given_name_kana",
                                 "alias", "alias_kana", "alias_history"]),
    ("住所", "all", ["postal_code", "address", "katagaki", "area", "address_number", "address_set_on",
                   "became_resident_on", "notified_on", "prev_address", "prev_address_katagaki",
                   "prev_municipality_code", "prev_head_name", "before_move_address", "unregistered_from",
                   "unregistered_to"]),
    ("戸籍の表示", "japanese", ["honseki", "hittosha"]),
    ("外国人住民の記載事項（住基法第30条の45）", "foreign", [
        "nationality_name", "nationality_code", "foreign_category", "residence_status", "period_of_stay",
        "stay_expires_on", "residence_card_number", "became_foreign_resident_on", "residence_notified"]),
    ("転出・消除", "nonempty", ["move_out_address", "move_out_katagaki", "move_out_municipality_code",
                            "move_out_head_name", "move_out_planned_on", "move_out_confirmed_address",
                            "move_out_confirmed_on", "move_in_notice_on", "removal_kind", "removed_on"]),
    ("選挙・保険・年金・児童手当", "all", [
        "elector_registered", "nhi_insured", "nhi_acquired_on", "nhi_lost_on", "elderly_insured",
        "elderly_acquired_on", "elderly_lost_on", "care_insured", "care_acquired_on", "care_lost_on",
        "pension_number", "pension_kind", "pension_acquired_on", "pension_lost_on", "child_allowance_from",
        "child_allowance_to"]),
    ("備考", "nonempty", ["remarks"]),
]


def record_sections(rec) -> list[Section]:
    """Every 住民票 item of a record, grouped; 日本人 / 外国人 items by 住民種別."""
    out = []
    for title, when, names in _SECTIONS:
        if when in ("japanese", "foreign") and rec.resident_type != when:
            continue
        rows = [(n, forms.RECORD_LABELS.get(n, n), display_value(rec, n)) for n in names]
        if when == "nonempty":
            rows = [r for r in rows if r[2]]
            if not rows:
                continue
        out.append(Section(title, rows))
    return out


_DIFF_SKIP = {"my_number_cipher", "my_number_digest", "birth_date_text", "became_resident_text",
              "address_set_text", "removed_text"}


def version_changes(prev: PersonVersion | None, cur: PersonVersion) -> list[tuple[str, str, str]]:
    """What a version changed against the previous one: (label, before, after)."""
    if prev is None:
        return []
    out = []
    for name in RECORD_FIELDS:
        if name in _DIFF_SKIP:
            continue
        key = f"{name}_id" if name in ("household", "area") else name
        text = forms.tx_rules.FUZZY_DATE_FIELDS.get(name)
        if getattr(prev, key) != getattr(cur, key) or (text and getattr(prev, text) != getattr(cur, text)):
            out.append((forms.RECORD_LABELS.get(name, name), display_value(prev, name), display_value(cur, name)))
    if prev.my_number_digest != cur.my_number_digest:
        out.append((forms.RECORD_LABELS["my_number"], display_value(prev, "my_number"),
                    _("登録あり（変更）") if cur.my_number_digest else _("登録なし")))
    return out


def _timeline(versions: list[PersonVersion]) -> list[dict]:
    rows, prev = [], None
    for v in versions:
        rows.append({"v": v, "changes": version_changes(prev, v), "first": prev is None,
                     "cancel_kind": forms.cancel_kind_for(v.transaction.kind)
                     if v.transaction.status == TransactionStatus.COMMITTED else None})
        prev = v
    return list(reversed(rows))  # newest first


_PERSON_KINDS = {
    "resident": ["move_within", "move_out", "move_out_abroad", "death", "disappearance", "ex_officio_removal",
                 "ex_officio_correction", "clerical_correction", "minor_correction", "family_register_change"],
    "japanese": ["former_surname_entry", "former_surname_deletion", "nationality_loss"],
    "foreign": ["alias_entry", "alias_deletion", "naturalization", "nationality_acquisition"],
    "removed": ["move_out_confirm", "clerical_correction"],
}


def _person_kinds(person) -> list[tuple[str, str]]:
    if person.status != Status.RESIDENT:
        kinds = list(_PERSON_KINDS["removed"])
    else:
        kinds = _PERSON_KINDS["resident"] + _PERSON_KINDS[person.resident_type]
        if person.move_out_planned_on:
            kinds.append("move_out_confirm")
    return [(k, forms.kind_label(k)) for k in kinds]


@login_required
def person_detail(request: HttpRequest, atena_number: str) -> HttpResponse:
    """住民票の照会: every item, the history (every version) and the record as of a date."""
    try:
        person = selectors.get_person(actor=request.user, atena_number=atena_number)
    except RuleError as exc:
        return _not_found(request, exc)
    versions = selectors.person_history(actor=request.user, atena_number=atena_number)
    as_of_text = (request.GET.get("as_of") or "").strip()
    as_of, as_of_version, as_of_issues = None, None, []
    if as_of_text:
        try:
            as_of = inputs.exact_date(as_of_text, "as_of", required=True)
            as_of_version = selectors.person_as_of(actor=request.user, atena_number=atena_number, as_of=as_of)
        except RuleError as exc:
            as_of_issues = _issues_of(exc)
    return render(request, "registry/person_detail.html", {
        "person": person,
        "sections": record_sections(person),
        "timeline": _timeline(versions),
        "as_of_text": as_of_text,
        "as_of": as_of,
        "as_of_version": as_of_version,
        "as_of_sections": record_sections(as_of_version) if as_of_version else [],
        "form_values": request.GET,
        "form_errors": _by_field(as_of_issues),
        "as_of_issues": as_of_issues,
        "kinds": _person_kinds(person),
    }, status=422 if as_of_issues else 200)


@login_required
def household_detail(request: HttpRequest, number: str) -> HttpResponse:
    """世帯の照会: members in order with 続柄, the version used as the concurrency token of
    the forms started here, the household's history and the household-level 異動."""
    try:
        household, members = selectors.get_household(actor=request.user, number=number)
    except RuleError as exc:
        return _not_found(request, exc)
    versions = selectors.household_history(actor=request.user, number=number)
    return render(request, "registry/household_detail.html", {
        "household": household,
        "members": members,
        "head": next((m for m in members if m.is_head), members[0] if members else None),
        "history": list(reversed(versions)),
        "kinds": [(k, forms.HOUSEHOLD_KIND_LABELS.get(k) or forms.kind_label(k)) for k in forms.HOUSEHOLD_KINDS],
    })


# ================================================================== 異動 entry


def _kind_or_404(kind: str) -> str:
    if kind not in TransactionKind.values:
        raise Http404(_("異動事由が正しくありません。"))
    return kind


@login_required
def entry_menu(request: HttpRequest) -> HttpResponse:
    """異動入力: every 異動事由, grouped; a household or person given in the query is passed on."""
    passthrough = {k: request.GET[k] for k in ("household", "person") if request.GET.get(k)}
    groups = [(title, [(k, forms.kind_label(k)) for k in kinds]) for title, kinds in forms.KIND_GROUPS]
    return render(request, "registry/entry_menu.html", {
        "nav": "entry", "groups": groups, "passthrough": passthrough,
        "query": urlencode(passthrough),
    })


@dataclass
class FormState:
    """Everything an entry form needs to be (re-)rendered."""

    values: Any  # QueryDict: the clerk's input, or the initial values
    household: Any = None
    members: list = None  # type: ignore[assignment]
    person: Any = None
    load_issues: list = None  # type: ignore[assignment]

    def names(self) -> dict[str, str]:
        """宛名番号 → 氏名 for labels (members and the person concerned)."""
        out = {m.atena_number: m.full_name for m in (self.members or [])}
        if self.person is not None:
            out[self.person.atena_number] = self.person.full_name
        return out


def _load_state(request: HttpRequest, kind: str, values: QueryDict) -> FormState:
    """Load (through the selectors, which log the read) the household and person the form is
    about: from ``_household`` / ``_person`` of a submitted form or from the query string."""
    ui = forms.KIND_UI[kind]
    state = FormState(values=values, members=[], load_issues=[])
    number = (values.get("_household") or "").strip()
    atena = (values.get("_person") or "").strip()
    if atena:
        try:
            state.person = selectors.get_person(actor=request.user, atena_number=idr.normalise_digits(atena),
                                                purpose="異動入力")
        except RuleError as exc:
            state.load_issues += _issues_of(exc)
    if state.person is not None and not number and ui.layout not in ("correction", "cancel"):
        number = state.person.household.number
    if number and ui.layout not in ("cancel",):
        try:
            state.household, state.members = selectors.get_household(
                actor=request.user, number=idr.normalise_digits(number))
        except RuleError as exc:
            state.load_issues += _issues_of(exc)
    if state.person is not None and all(m.atena_number != state.person.atena_number for m in state.members):
        if ui.layout == "members":
            state.members = [*state.members, state.person]  # e.g. a 除票 for 転出確定
    return state


def _initial_values(request: HttpRequest, kind: str) -> QueryDict:
    """Initial values of an entry form started from a household, a person or a 異動."""
    ui = forms.KIND_UI[kind]
    q = QueryDict(mutable=True)
    household = (request.GET.get("household") or "").strip()
    person = (request.GET.get("person") or "").strip()
    if household:
        q["_household"] = household
    if person:
        q["_person"] = person
    if request.GET.get("target"):
        q["target_document_number"] = request.GET["target"]
    if ui.layout == "entry":
        q["persons.0.resident_type"] = ui.default_type
    if ui.layout == "birth":
        q["child.resident_type"] = ui.default_type
    return q


def _complete_initial(kind: str, state: FormState) -> None:
    """Pre-fill what the loaded household / person imply (members checked, 世帯番号, version)."""
    ui = forms.KIND_UI[kind]
    q = state.values
    if state.household is not None:
        q[f"_expected.{state.household.number}"] = str(state.household.version)
        q["_household"] = state.household.number
        if ui.layout in ("household", "birth", "entry"):  # 転入/出生 into this household
            q.setdefault("household_number", state.household.number)
    if ui.layout == "members":
        if state.person is not None:
            q.setlist("persons", [state.person.atena_number])
        elif kind in ("move_within", "move_out", "move_out_abroad"):
            q.setlist("persons", [m.atena_number for m in state.members])
    if ui.layout == "correction" and state.person is not None:
        q["persons"] = state.person.atena_number
        q[f"_expected.{state.person.household.number}"] = str(state.person.household.version)


def _form_context(request: HttpRequest, kind: str, state: FormState, *, issues=(), entry=None,
                  banner: str = "", conflict: bool = False) -> dict:
    ui = forms.KIND_UI[kind]
    display = entry.display_field if entry is not None else (lambda f: f)
    issues = list(state.load_issues or []) + list(issues)
    values = state.values
    blocks = forms.block_indexes(values) or [0]
    change_rows = []
    if ui.layout == "correction" and state.person is not None:
        for name in dict.fromkeys(values.getlist("_changes")):
            if name in forms.CORRECTION_FIELDS[kind] or name == "my_number":
                change_rows.append(_change_row(state.person, name))
    # error slots that have no input of their own (refreshed by the inline validation)
    members = state.members or []
    slots = [name for name, present in [
        ("persons", ui.layout in ("entry", "correction") or (ui.select and members)),
        ("new_head", ui.new_head and members), ("changes", ui.layout == "correction"),
        ("address", ui.layout == "entry" or "address" in ui.sections),
        ("household_number", ui.layout == "household")] if present]
    slots += [f"persons.{m.atena_number}" for m in members if ui.select]
    return {
        "nav": "entry",
        "kind": kind,
        "kind_label": forms.kind_label(kind),
        "legal_basis": forms.tx_rules.KINDS[kind].legal_basis,
        "fuzzy_event": forms.tx_rules.KINDS[kind].fuzzy_event,
        "future_allowed": forms.tx_rules.KINDS[kind].future_allowed,
        "ui": ui,
        "form_values": values,
        "form_errors": _by_field(issues, display),
        "issue_rows": _issue_rows([i for i in issues if i.is_error], display, state.names()),
        "alert_rows": _issue_rows([i for i in issues if not i.is_error], display, state.names()),
        "banner": banner,
        "conflict": conflict,
        "state": state,
        "household": state.household,
        "members": state.members or [],
        "person": state.person,
        "blocks": blocks,
        "next_block": max(blocks) + 1,
        "area_choices": _area_choices(_("（選択）")),
        "sex_choices": forms.SEX_CHOICES,
        "resident_type_choices": forms.RESIDENT_TYPE_CHOICES,
        "foreign_category_choices": forms.FOREIGN_CATEGORY_CHOICES,
        "correction_choices": forms.correction_choices(kind),
        "change_rows": change_rows,
        "expected": [(k.split(".", 1)[1], values.get(k)) for k in values if k.startswith("_expected.")],
        "slots": ",".join(slots),
    }


def _render_form(request, kind, state, *, status=200, **kw) -> HttpResponse:
    return render(request, "registry/entry_form.html", _form_context(request, kind, state, **kw), status=status)


def _check(request: HttpRequest, kind: str, entry: forms.EntryInput) -> list[Issue]:
    try:
        return services.check(actor=request.user, kind=kind, data=entry.data)
    except RuleError as exc:
        return _issues_of(exc)


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request: HttpRequest, kind: str) -> HttpResponse:
    """The entry form of one 異動事由. POST ``_action=confirm`` validates (services.check) and
    shows the confirmation page, or the form again with every issue; ``_action=edit`` goes back
    to the form with the input unchanged."""
    _kind_or_404(kind)
    if request.method == "GET":
        state = _load_state(request, kind, _initial_values(request, kind))
        _complete_initial(kind, state)
        return _render_form(request, kind, state)
    clear, values, token_issues = _opened(request)
    state = _load_state(request, kind, values)
    entry = forms.entry_input(kind, clear)
    if request.POST.get("_action") == "edit":
        return _render_form(request, kind, state, issues=token_issues, entry=entry,
                            status=422 if token_issues else 200)
    issues = token_issues + _check(request, kind, entry)
    if any(i.is_error for i in issues):
        return _render_form(request, kind, state, issues=issues, entry=entry, status=422)
    return _render_confirm(request, kind, state, entry, values, alerts=[i for i in issues if not i.is_error])


def _opened(request: HttpRequest) -> tuple[QueryDict, QueryDict, list[Issue]]:
    """A submitted entry form as (input with every 個人番号 in clear — for the services only —,
    the same input with every 個人番号 sealed — the only one a page may be rendered from —, the
    errors of carried 個人番号 that could not be opened)."""
    owner = str(request.user.pk)
    clear, issues = forms.open_my_numbers(request.POST, owner=owner)
    return clear, forms.seal_my_numbers(clear, owner=owner), issues


def _render_confirm(request, kind, state: FormState, entry: forms.EntryInput, values: QueryDict, *, alerts,
                    status=200, banner: str = "") -> HttpResponse:
    names = state.names()
    return render(request, "registry/entry_confirm.html", {
        "nav": "entry",
        "kind": kind,
        "kind_label": forms.kind_label(kind),
        "legal_basis": forms.tx_rules.KINDS[kind].legal_basis,
        "summary": _summary(entry.data, names),
        "alert_rows": _issue_rows(alerts, entry.display_field, names),
        "carried": forms.carried_fields(values),  # sealed: the 個人番号 only as its token
        "acknowledged": entry.acknowledged,
        "hold": entry.hold,
        "expected": sorted(entry.expected_versions.items()),
        "household": state.household,
        "banner": banner,
    }, status=status)


def _summary(data: dict, names: dict[str, str], *, entry: bool = True) -> list[tuple[str, str]]:
    """The entry as (label, value) rows for the confirmation page. The 個人番号 is masked."""
    areas = {a.code: a.name for a in _areas()}
    rows: list[tuple[str, str]] = []

    def value_of(path: str, value) -> str:
        last = path.rsplit(".", 1)[-1]
        if isinstance(value, str) and value and (forms.is_date_field(last) or last == "birth_date"):
            try:  # shown normalised (和暦) so that the clerk sees how it was read
                return wareki_text.parse_fuzzy_date(value, allow_fuzzy=True).text
            except RuleError:
                return value
        if last == "my_number":
            try:
                return idr.mask_my_number(str(value))
            except ValueError:  # an invalid number is rejected before this page
                return "********"
        if last == "area_code":
            return f"{areas.get(value, '')}（{value}）"
        if last == "sex":
            return str(_SEX.get(str(value), value))
        if last in ("persons", "new_head") or (isinstance(value, str) and value in names):
            return f"{names.get(value, '')}（{value}）"
        if isinstance(value, bool):
            return _("有") if value else _("無")
        if last == "resident_type":
            return dict(forms.RESIDENT_TYPE_CHOICES).get(value, value)
        if last == "foreign_category":
            return dict(forms.FOREIGN_CATEGORY_CHOICES).get(value, value)
        return "" if value is None else str(value)

    def walk(path: str, value) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{path}.{k}" if path else k, v)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, v in enumerate(value):
                walk(f"{path}.{i}", v)
        elif isinstance(value, list):
            rows.append((forms.path_label(path, names), "、".join(value_of(path, v) for v in value)))
        else:
            rows.append((forms.path_label(path, names), value_of(path, value) if value != "" else _("（空欄にする）")))

    walk("", data)
    if entry and "notified_on" not in data and "event_date" in data:
        rows.insert(1, (forms.LABELS["notified_on"], _("本日（%(date)s）") % {"date": wareki(clock.today())}))
    return rows


def _is_touched(path: str, touched: list[str]) -> bool:
    return any(path == t or path.startswith(t + ".") or t.startswith(path + ".") for t in touched if path)


@login_required
@require_POST
def entry_validate(request: HttpRequest, kind: str) -> HttpResponse:
    """Inline validation (htmx): ``services.check`` on the form as it stands; the issues of the
    fields the clerk has touched are swapped into their slots (out of band), the rest listed."""
    _kind_or_404(kind)
    clear, _sealed, token_issues = _opened(request)
    entry = forms.entry_input(kind, clear)
    issues = token_issues + [i for i in _check(request, kind, entry)
                             if _is_touched(entry.display_field(i.field), entry.touched)]
    slots = {k for k in request.POST if not k.startswith("_") and k != "csrfmiddlewaretoken"}
    slots |= {s for s in (request.POST.get("_slots") or "").split(",") if s}
    slots |= {f"changes.{n}" for n in request.POST.getlist("_changes") if n}
    by_field = _by_field(issues, entry.display_field)
    unmatched = [i for i in issues if entry.display_field(i.field) not in slots]
    return render(request, "registry/partials/validation.html", {
        "oob": [(path, by_field.get(path, [])) for path in sorted(slots)],
        "issue_rows": _issue_rows(unmatched, entry.display_field),
        "n_errors": sum(1 for i in issues if i.is_error),
        "n_alerts": sum(1 for i in issues if not i.is_error),
    })


@login_required
def entry_person_block(request: HttpRequest, kind: str) -> HttpResponse:
    """One more person block for the 転入系 forms (htmx), plus the add button for the next."""
    _kind_or_404(kind)
    try:
        index = max(0, min(int(request.GET.get("index", "1")), 99))
    except ValueError:
        index = 1
    ui = forms.KIND_UI[kind]
    q = QueryDict(mutable=True)
    q[f"persons.{index}.resident_type"] = ui.default_type
    return render(request, "registry/partials/person_block_added.html", {
        "kind": kind, "ui": ui, "index": index, "next_block": index + 1, "form_values": q, "form_errors": {},
        "sex_choices": forms.SEX_CHOICES, "resident_type_choices": forms.RESIDENT_TYPE_CHOICES,
        "foreign_category_choices": forms.FOREIGN_CATEGORY_CHOICES, "autofocus": True,
    })


def _change_row(person, name: str) -> dict:
    return {
        "name": name,
        "label": forms.RECORD_LABELS.get(name, name),
        "current": display_value(person, name) if name != "my_number" else display_value(person, "my_number"),
        "widget": forms.correction_widget(name),
        "choices": forms.correction_widget_choices(name),
        "hint": _("和暦・西暦") if forms.is_date_field(name) else "",
        "path": f"changes.{name}",
    }


@login_required
def entry_change_row(request: HttpRequest, kind: str) -> HttpResponse:
    """A correction row (htmx): the chosen item, its current value and an input for the new one."""
    _kind_or_404(kind)
    name = request.GET.get("_field", "")
    if forms.KIND_UI[kind].layout != "correction" or name not in forms.CORRECTION_FIELDS[kind]:
        return HttpResponse(status=204)
    try:
        person = selectors.get_person(actor=request.user, atena_number=request.GET.get("person", ""),
                                      purpose="異動入力（修正項目）")
    except RuleError:
        return HttpResponse(status=204)
    return render(request, "registry/partials/change_row.html", {
        "row": _change_row(person, name), "form_values": {}, "form_errors": {}, "autofocus": True})


@login_required
@require_POST
def entry_submit(request: HttpRequest, kind: str) -> HttpResponse:
    """Record the confirmed entry (services.submit). On any problem the clerk's input comes back
    unchanged: errors on the form, unacknowledged alerts on the confirmation page, a conflict
    with a link to reload the household."""
    _kind_or_404(kind)
    clear, values, token_issues = _opened(request)
    entry = forms.entry_input(kind, clear)
    if token_issues:
        state = _load_state(request, kind, values)
        return _render_form(request, kind, state, issues=token_issues, entry=entry, status=422,
                            banner=_("登録できませんでした。エラーを修正してください（入力内容は保持しています）。"))
    try:
        result = services.submit(actor=request.user, kind=kind, data=entry.data, hold=entry.hold,
                                 acknowledged=entry.acknowledged,
                                 expected_versions=entry.expected_versions or None)
    except services.ConflictError as exc:
        state = _load_state(request, kind, values)
        return _render_form(request, kind, state, issues=_issues_of(exc), entry=entry, conflict=True, status=409)
    except services.AlertsRequireAcknowledgement as exc:
        state = _load_state(request, kind, values)
        return _render_confirm(request, kind, state, entry, values, alerts=_issues_of(exc), status=422,
                               banner=_("すべてのアラートを確認し、チェックを付けてから登録してください。"))
    except services.PermissionDenied as exc:
        state = _load_state(request, kind, values)
        return _render_form(request, kind, state, issues=_issues_of(exc), entry=entry, status=403)
    except RuleError as exc:
        state = _load_state(request, kind, values)
        return _render_form(request, kind, state, issues=_issues_of(exc), entry=entry, status=422,
                            banner=_("登録できませんでした。エラーを修正してください（入力内容は保持しています）。"))
    tx = result.transaction
    if result.held:
        messages.warning(request, _("仮登録しました（決裁待ち）。受付番号 %(number)s") % {"number": tx.document_number})
    else:
        messages.success(request, _("登録しました。受付番号 %(number)s") % {"number": tx.document_number})
    return redirect("registry:transaction", document_number=tx.document_number)


# ================================================================== transactions and 決裁


def _subjects(request, tx) -> list:
    out = []
    for atena in tx.subjects:
        try:
            out.append(selectors.get_person(actor=request.user, atena_number=atena, purpose="異動結果の表示"))
        except RuleError:
            continue
    return out


def _payload_rows(tx, subjects) -> list[tuple[str, str]]:
    """The input of a held 異動 as recorded (the 個人番号 is kept encrypted apart: never shown)."""
    data = tx.payload.get("input", tx.payload) if isinstance(tx.payload, dict) else {}
    names = {p.atena_number: p.full_name for p in subjects}
    return _summary(data if isinstance(data, dict) else {}, names, entry=False)


@login_required
def transaction_detail(request: HttpRequest, document_number: str) -> HttpResponse:
    """One 異動 (the result page after an entry): 受付番号, state, persons concerned."""
    try:
        tx = selectors.get_transaction(actor=request.user, document_number=document_number)
    except RuleError as exc:
        return _not_found(request, exc)
    subjects = _subjects(request, tx)
    return render(request, "registry/transaction_detail.html", {
        "tx": tx, "subjects": subjects,
        "households": sorted({p.household.number for p in subjects}),
        "payload_rows": _payload_rows(tx, subjects) if tx.status == TransactionStatus.PENDING else [],
    })


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """仮登録の決裁待ち一覧 (標準仕様書 j530)."""
    txs = selectors.pending_transactions(actor=request.user)
    return render(request, "registry/approvals.html", {"nav": "approvals", "transactions": txs})


@login_required
@require_http_methods(["GET", "POST"])
def approval_detail(request: HttpRequest, document_number: str) -> HttpResponse:
    """One 仮登録 and its 決裁 (approve or reject with a note). Only staff with 決裁権限 may
    decide; the service enforces it and its error is shown here."""
    try:
        tx = selectors.get_transaction(actor=request.user, document_number=document_number)
    except RuleError as exc:
        return _not_found(request, exc)
    issues, status = [], 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "reject"):
            issues, status = [error("decide.choice", _("承認または却下を選んでください。"), "decision")], 422
        else:
            try:
                services.decide(actor=request.user, document_number=document_number,
                                approve=decision == "approve", note=request.POST.get("note", "").strip())
            except services.PermissionDenied as exc:
                issues, status = _issues_of(exc), 403
            except RuleError as exc:
                issues, status = _issues_of(exc), 422
            else:
                if decision == "approve":
                    messages.success(request, _("承認し、本登録しました。受付番号 %(n)s") % {"n": document_number})
                else:
                    messages.warning(request, _("却下しました。受付番号 %(n)s") % {"n": document_number})
                return redirect("registry:transaction", document_number=document_number)
    subjects = _subjects(request, tx)
    return render(request, "registry/approval_detail.html", {
        "nav": "approvals", "tx": tx, "subjects": subjects, "payload_rows": _payload_rows(tx, subjects),
        "issues": issues, "note": request.POST.get("note", "") if request.method == "POST" else "",
        "can_decide": tx.status == TransactionStatus.PENDING and getattr(request.user, "is_approver", False)
        and tx.operator_id != request.user.pk,
    }, status=status)

