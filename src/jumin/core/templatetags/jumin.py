"""Template tags shared by every screen: 和暦/JST display and the form-field components.

Presentation only (architecture rule 6: timestamps stored in UTC and shown in JST, legal dates
shown in 和暦). Nothing here reads personal data: values come from the view's context.

Form components read two context variables set by the view:

* ``form_values``: the clerk's input (a ``QueryDict`` from the request, or a plain dict), keyed by
  the field path, e.g. ``persons.0.family_name``;
* ``form_errors``: ``{field path: [Issue, ...]}`` as returned by the services (``Issue.field``).
"""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from jumin.core.clock import JST
from jumin.core.errors import RuleError
from jumin.text import wareki as wareki_text

register = template.Library()

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


# ------------------------------------------------------------------ dates


def _as_date(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(JST)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


@register.filter
def wareki(value, style: str = "long") -> str:
    """A date in 和暦 ("令和7年4月1日"; style "short": "R7.4.1"). Dates before 1873 (no 和暦
    equivalent, see jumin.text.wareki) are shown in 西暦."""
    d = _as_date(value)
    if d is None:
        return ""
    try:
        return wareki_text.format_wareki(d, style="short" if style == "short" else "long")
    except RuleError:
        return wareki_text.format_seireki(d)


@register.filter
def seireki(value) -> str:
    """A date in 西暦 ("2025年4月1日")."""
    d = _as_date(value)
    return "" if d is None else wareki_text.format_seireki(d)


@register.filter
def fuzzy(value, text: str = "") -> str:
    """A date that may be 不詳 (標準仕様書 j80): the recorded text when there is one, else 和暦."""
    if text:
        return text
    return wareki(value)


@register.filter
def jst(value) -> str:
    """A UTC timestamp shown in JST with the 和暦 date: "令和8年11月24日 14:56:03"."""
    if not isinstance(value, dt.datetime):
        return ""
    local = value.astimezone(JST) if timezone.is_aware(value) else value
    return f"{wareki(local.date())} {local:%H:%M:%S}"


# ------------------------------------------------------------------ ids and lookups


@register.filter
def field_id(path: str) -> str:
    """The HTML id of the input for a field path: ``persons.0.sex`` → ``f-persons-0-sex``."""
    return "f-" + _ID_UNSAFE.sub("-", str(path))


@register.filter
def error_id(path: str) -> str:
    """The HTML id of the error slot of a field path (``err-…``)."""
    return "err-" + _ID_UNSAFE.sub("-", str(path))


@register.filter
def get(mapping, key):
    """``mapping[key]`` or "" (dicts and QueryDicts)."""
    if mapping is None:
        return ""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def path(prefix, name) -> str:
    """Join field-path segments: ``"persons"|path:0`` → ``persons.0``."""
    return f"{prefix}.{name}" if prefix not in (None, "") else str(name)


@register.filter(name="str")
def to_str(value) -> str:
    return "" if value is None else str(value)


def _value(context, name: str) -> str:
    values = context.get("form_values") or {}
    value = values.get(name, "")
    return "" if value is None else str(value)


def _values(context, name: str) -> list[str]:
    values = context.get("form_values") or {}
    if hasattr(values, "getlist"):
        return values.getlist(name)
    value = values.get(name)
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [] if value in (None, "") else [str(value)]


# The names of the inputs that carry a 個人番号 between the steps of an entry form (used by
# jumin.registry.forms, which makes and opens the tokens).
SEALED_PREFIX = "_mn."
DROP_PREFIX = "_mn_drop."


def is_my_number_path(path: str) -> bool:
    """Whether an input (field path) holds a 個人番号: ``persons.0.my_number``, ``changes.my_number``."""
    path = str(path)
    return not path.startswith("_") and path.rsplit(".", 1)[-1] == "my_number"


def _issues(context, name: str) -> list:
    return list((context.get("form_errors") or {}).get(name, []))


def _has_error(issues) -> bool:
    return any(getattr(i, "is_error", True) for i in issues)


# ------------------------------------------------------------------ form components


@register.inclusion_tag("jumin/field.html", takes_context=True)
def field(context, name, label, type="text", required=False, hint="", choices=None, autofocus=False,
          accesskey="", css="", placeholder="", inputmode="", value=None, size="", maxlength="",
          hide_label=False):
    """One labelled input (text, date-as-text, textarea or select) with its error slot.

    Required fields are marked (aria-required) but not enforced by the browser: the services
    validate and every problem is shown with its code and message.

    An input of a 個人番号 (field path ending in ``my_number``) never gets a value back: a number
    already entered is carried by its token (``_mn.<path>`` in ``form_values``, see
    jumin.registry.forms.seal_my_numbers) in a hidden input, the hint says so (else it says what
    the screens show of the number), and a checkbox lets the clerk forget it."""
    issues = _issues(context, name)
    sealed = ""
    if is_my_number_path(name):
        value = ""
        sealed = _value(context, SEALED_PREFIX + name)
        hint = _("入力済み（変更する場合は再入力）") if sealed else _("確認画面では下4桁のみ、照会画面では登録の有無のみ表示します")
    return {
        "name": name,
        "id": field_id(name),
        "err_id": error_id(name),
        "label": label,
        "type": type,
        "required": required,
        "hint": hint,
        "hint_id": field_id(name) + "-hint" if hint else "",
        "choices": choices or [],
        "autofocus": autofocus,
        "accesskey": accesskey,
        "css": css,
        "placeholder": placeholder,
        "inputmode": inputmode,
        "size": size,
        "maxlength": maxlength,
        "hide_label": hide_label,
        "value": _value(context, name) if value is None else ("" if value is None else str(value)),
        "sealed": sealed,
        "sealed_name": SEALED_PREFIX + name,
        "drop_name": DROP_PREFIX + name,
        "drop_id": field_id(DROP_PREFIX + name),
        "issues": issues,
        "invalid": _has_error(issues),
    }


@register.inclusion_tag("jumin/checkbox.html", takes_context=True)
def checkbox(context, name, label, value="1", css="", describe="", checked=None):
    """One checkbox; checked when ``value`` is among the submitted values of ``name``."""
    issues = _issues(context, name)
    return {
        "name": name,
        "id": field_id(f"{name}.{value}") if value != "1" else field_id(name),
        "err_id": error_id(name),
        "label": label,
        "value": value,
        "css": css,
        "describe": describe,
        "checked": (str(value) in _values(context, name)) if checked is None else checked,
        "issues": issues,
        "invalid": _has_error(issues),
    }


@register.inclusion_tag("jumin/error_slot.html", takes_context=True)
def error_slot(context, name, oob=False):
    """The error slot of a field path that has no input of its own (e.g. ``persons``)."""
    return {"err_id": error_id(name), "issues": _issues(context, name), "oob": oob}
