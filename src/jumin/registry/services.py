"""The one write path of the register (architecture rule 1).

``submit`` takes an explicit actor and the input of one 異動届, validates it with the pure rules,
and in one database transaction writes the 異動 record, the new full-row version of every person
it touches, the current projection used by search, and the operation-log entry. ``decide``
approves or rejects a held (仮登録) 異動. Nothing is written when any rule fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from django.db import transaction as db_transaction
from django.db.models import Q

from jumin.audit.services import MissingActor, record as audit_record
from jumin.core import clock, context
from jumin.core.errors import Issue, RuleError, error
from jumin.identifiers import protection
from jumin.text.kana import kana_search_key

from . import numbering
from .choices import Status, TransactionStatus
from .models import RECORD_FIELDS, Area, Household, Municipality, Person, PersonVersion, Transaction
from .rules import transactions as rules


class AlertsRequireAcknowledgement(RuleError):
    """Alerts (標準仕様書 j1440 アラート) the clerk has not acknowledged yet. Nothing was written."""


class ConflictError(RuleError):
    """Another clerk changed the same household first. Nothing was written."""


class PermissionDenied(RuleError):
    pass


@dataclass
class Result:
    transaction: Transaction
    atena_numbers: list[str]
    household_numbers: list[str]
    alerts: list[Issue] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return self.transaction.status == TransactionStatus.PENDING


def _require_actor(actor) -> None:
    if actor is None or getattr(actor, "pk", None) is None or not getattr(actor, "is_active", False):
        raise MissingActor("操作者が指定されていません。")


# ------------------------------------------------------------------ records


def blank_record() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in Person._meta.concrete_fields:
        if f.name not in RECORD_FIELDS:
            continue
        if f.name in ("household", "area"):
            out[f.name] = None
        elif f.has_default():
            out[f.name] = f.get_default()
        elif f.null:
            out[f.name] = None
        else:
            out[f.name] = ""
    out["my_number"] = ""
    return out


def to_record(p: Person) -> dict[str, Any]:
    rec = {name: getattr(p, name) for name in RECORD_FIELDS if name not in ("household", "area")}
    rec["household"] = p.household.number
    rec["area"] = p.area.code if p.area_id else None
    rec["atena_number"] = p.atena_number
    rec["history_no"] = p.history_no
    rec["pending"] = p.pending_transaction_id is not None
    return rec


def search_keys(rec: dict[str, Any]) -> dict[str, str]:
    kana = f"{rec.get('family_name_kana', '')}{rec.get('given_name_kana', '')}"
    kanji = f"{rec.get('family_name', '')}{rec.get('given_name', '')}"
    return {
        "name_kana_key": kana_search_key(kana, mode="seion") if kana else "",
        "name_kana_exact": kana_search_key(kana, mode="exact") if kana else "",
        "name_kanji_key": kanji.replace(" ", "").replace("\u3000", "") or (rec.get("alphabet_name") or "").upper(),
        "alias_kana_key": kana_search_key(rec["alias_kana"], mode="seion") if rec.get("alias_kana") else "",
    }


# ------------------------------------------------------------------ context loading


def _self_municipality() -> Municipality:
    m = Municipality.objects.filter(is_self=True).first()
    if m is None:
        raise RuleError([error("setup.municipality", "自団体が設定されていません（jumin seed を実行してください）。")])
    return m


def _new_persons(cmd: rules.Command) -> list[dict]:
    if isinstance(cmd.data.get("persons"), list) and cmd.data["persons"] and isinstance(cmd.data["persons"][0], dict):
        return cmd.data["persons"]
    if isinstance(cmd.data.get("child"), dict):
        return [cmd.data["child"]]
    return []


def _load_context(cmd: rules.Command, *, today: dt.date, expected_versions: dict[str, int] | None,
                  exclude_pending: Transaction | None = None) -> tuple[rules.Context, dict[str, Household]]:
    m = _self_municipality()
    ctx = rules.Context(today=today, municipality={"code": m.code, "name": m.name, "prefecture": m.prefecture},
                        blank=blank_record())
    atenas, households = rules.subjects(cmd)
    cancelled = None
    if cmd.kind in rules.CANCEL_KINDS:
        target = (Transaction.objects.select_for_update()
                  .filter(document_number=cmd.data["target_document_number"], status=TransactionStatus.COMMITTED).first())
        if target is not None:
            versions = list(PersonVersion.objects.filter(transaction=target).select_related("household", "area"))
            before: dict[str, dict | None] = {}
            after_no: dict[str, int] = {}
            for v in versions:
                atenas.add(v.atena_number)
                after_no[v.atena_number] = v.history_no
                prev = (PersonVersion.objects.filter(atena_number=v.atena_number, history_no__lt=v.history_no)
                        .select_related("household", "area").order_by("-history_no").first())
                before[v.atena_number] = _version_record(prev) if prev else None
                if prev:
                    households.add(prev.household.number)
            cancelled = {"kind": target.kind, "event_date": target.event_date, "before": before,
                         "after_history_no": after_no, "already_cancelled": target.cancelled_by.exists(),
                         "transaction": target}
    # households of the persons concerned, then lock households (sorted) before persons
    for number in Person.objects.filter(atena_number__in=atenas).values_list("household__number", flat=True):
        households.add(number)
    locked = {h.number: h for h in Household.objects.select_for_update().filter(number__in=sorted(households)).order_by("number")}
    for number, version in (expected_versions or {}).items():
        h = locked.get(number)
        if h is None or h.version != int(version):
            raise ConflictError([error("household.conflict",
                                       "他の職員がこの世帯を先に更新しました。最新の内容を確認してから入力し直してください。",
                                       "household_number")])
    qs = (Person.objects.select_for_update(of=("self",))
          .filter(Q(atena_number__in=atenas) | Q(household__number__in=list(locked), status=Status.RESIDENT))
          .select_related("household", "area").order_by("atena_number"))
    for p in qs:
        if p.household.number not in locked and p.atena_number in atenas and p.status == Status.RESIDENT:
            raise ConflictError([error("household.conflict", "他の職員が同時に更新しています。もう一度入力してください。", "")])
        rec = to_record(p)
        if exclude_pending is not None and p.pending_transaction_id == exclude_pending.pk:
            rec["pending"] = False
        ctx.persons[p.atena_number] = rec
        if p.status == Status.RESIDENT:
            ctx.households.setdefault(p.household.number, []).append(p.atena_number)
    for number in ctx.households:
        ctx.households[number].sort(key=lambda a: ctx.persons[a]["member_order"])
    area_codes = {a.get("area_code") for a in (cmd.data.get("address"),) if isinstance(a, dict)}
    area_codes |= {r["area"] for r in ctx.persons.values() if r.get("area")}
    ctx.areas = {a.code: {"name": a.name, "postal_code": a.postal_code}
                 for a in Area.objects.filter(municipality=m, code__in=[c for c in area_codes if c])}
    for i, person in enumerate(_new_persons(cmd)):
        cond = Q()
        if person.get("juminhyo_code"):
            cond |= Q(juminhyo_code=person["juminhyo_code"])
        if person.get("my_number"):
            cond |= Q(my_number_digest=protection.digest(person["my_number"]))
        if person.get("residence_card_number"):
            cond |= Q(residence_card_number=person["residence_card_number"])
        if cond:
            ctx.id_matches[i] = [to_record(p) for p in Person.objects.filter(cond).select_related("household", "area")]
        kanji = f"{person.get('family_name', '')}{person.get('given_name', '')}" or (person.get("alphabet_name") or "").upper()
        if kanji and person.get("birth_date"):
            ctx.name_matches[i] = [to_record(p) for p in Person.objects.filter(
                status=Status.REMOVED, name_kanji_key=kanji, sex=person.get("sex"), birth_date=person["birth_date"]
            ).select_related("household", "area")[:5]]
        returning = person.get("returning_atena_number")
        if returning and returning not in ctx.persons:
            p = Person.objects.filter(atena_number=returning).select_related("household", "area").first()
            if p:
                ctx.persons[returning] = to_record(p)
    if cancelled:
        ctx.cancelled = cancelled
    return ctx, locked


def _version_record(v: PersonVersion) -> dict[str, Any]:
    rec = {name: getattr(v, name) for name in RECORD_FIELDS if name not in ("household", "area")}
    rec["household"] = v.household.number
    rec["area"] = v.area.code if v.area_id else None
    return rec


# ------------------------------------------------------------------ submit / decide


def submit(*, actor, kind: str, data: dict[str, Any], hold: bool = False,
           acknowledged: Iterable[str] = (), expected_versions: dict[str, int] | None = None) -> Result:
    """Validate and record one 異動届. ``hold=True`` enters it as 仮登録 for approval (j530)."""
    _require_actor(actor)
    today = clock.today()
    cmd = rules.parse(kind, data, today)
    with db_transaction.atomic():
        ctx, locked = _load_context(cmd, today=today, expected_versions=expected_versions)
        plan = rules.plan(cmd, ctx)
        _raise_for(plan, acknowledged)
        if hold:
            return _hold(actor, cmd, plan, data, acknowledged)
        return _apply(actor, cmd, plan, ctx, locked, data=data, acknowledged=acknowledged)


def check(*, actor, kind: str, data: dict[str, Any]) -> list[Issue]:
    """Validate without writing (the confirmation step of the entry form)."""
    _require_actor(actor)
    today = clock.today()
    try:
        cmd = rules.parse(kind, data, today)
    except RuleError as exc:
        return exc.issues
    with db_transaction.atomic():
        ctx, _ = _load_context(cmd, today=today, expected_versions=None)
        issues = rules.plan(cmd, ctx).issues
        db_transaction.set_rollback(True)
    return issues


def _raise_for(plan: rules.Plan, acknowledged: Iterable[str]) -> None:
    if plan.errors:
        raise RuleError(plan.errors)
    missing = [a for a in plan.alerts if a.code not in set(acknowledged)]
    if missing:
        raise AlertsRequireAcknowledgement(missing)


def _new_transaction(actor, cmd: rules.Command, plan: rules.Plan, data, acknowledged, status: str) -> Transaction:
    ctx = context.current()
    return Transaction.objects.create(
        document_number=numbering.new_document_number(clock.today().year),
        kind=cmd.kind, status=status, event_date=cmd.event_date, event_date_text=cmd.event_text,
        notified_on=cmd.notified_on, late_notification=plan.late_notification, operator=actor,
        terminal=ctx.terminal, channel=ctx.channel, payload=_jsonable(data),
        acknowledged_alerts=sorted({a.code for a in plan.alerts} & set(acknowledged)),
    )


def _jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _jsonable(v) for k, v in data.items() if k not in ("my_number",)} | (
            {"my_number": "(保護)"} if isinstance(data, dict) and data.get("my_number") else {})
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def _hold(actor, cmd, plan, data, acknowledged) -> Result:
    tx = _new_transaction(actor, cmd, plan, data, acknowledged, TransactionStatus.PENDING)
    # the payload must keep the 個人番号 to be applied later: store it encrypted beside
    tx.payload = {"input": _jsonable(data), "protected": _protect_numbers(data)}
    existing = [ch.ref for ch in plan.changes if not ch.new]
    tx.subjects = existing
    tx.save(update_fields=["payload", "subjects"])
    Person.objects.filter(atena_number__in=existing).update(pending_transaction=tx)
    audit_record(actor=actor, kind="write", function=f"registry.hold.{cmd.kind}", targets=existing,
                 detail={"document_number": tx.document_number})
    return Result(transaction=tx, atena_numbers=existing, household_numbers=[], alerts=plan.alerts)


def _protect_numbers(data: Any, path: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            p = f"{path}.{k}" if path else str(k)
            if k == "my_number" and v:
                out[p] = protection.encrypt(str(v))
            else:
                out |= _protect_numbers(v, p)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out |= _protect_numbers(v, f"{path}.{i}")
    return out


def _restore_numbers(data: Any, protected: dict[str, str]) -> Any:
    import copy

    data = copy.deepcopy(data)
    for path, cipher in protected.items():
        parts = path.split(".")
        node = data
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[parts[-1]] = protection.decrypt(cipher)
    return data


def decide(*, actor, document_number: str, approve: bool, note: str = "") -> Result:
    """決裁 of a 仮登録 (標準仕様書 j530). Approval re-validates against the current register and
    commits exactly as a direct entry would; rejection releases the persons."""
    _require_actor(actor)
    if not getattr(actor, "is_approver", False):
        raise PermissionDenied([error("permission.approve", "決裁の権限がありません。")])
    with db_transaction.atomic():
        tx = Transaction.objects.select_for_update().filter(document_number=document_number).first()
        if tx is None or tx.status != TransactionStatus.PENDING:
            raise RuleError([error("decide.not_pending", "決裁待ちの異動が見つかりません。", "document_number")])
        if tx.operator_id == actor.pk:
            raise PermissionDenied([error("decide.self_approval", "自分が入力した異動は決裁できません。")])
        if not approve:
            Person.objects.filter(pending_transaction=tx).update(pending_transaction=None)
            tx.status, tx.approver, tx.decided_at, tx.decision_note = TransactionStatus.REJECTED, actor, clock.now(), note
            tx.save(update_fields=["status", "approver", "decided_at", "decision_note"])
            audit_record(actor=actor, kind="approve", function="registry.reject", targets=tx.subjects,
                         detail={"document_number": tx.document_number})
            return Result(transaction=tx, atena_numbers=list(tx.subjects), household_numbers=[])
        data = _restore_numbers(tx.payload["input"], tx.payload.get("protected", {}))
        today = clock.today()
        cmd = rules.parse(tx.kind, data, today)
        ctx, locked = _load_context(cmd, today=today, expected_versions=None, exclude_pending=tx)
        plan = rules.plan(cmd, ctx)
        _raise_for(plan, tx.acknowledged_alerts)
        result = _apply(actor, cmd, plan, ctx, locked, existing_tx=tx)
        tx.status, tx.approver, tx.decided_at, tx.decision_note = TransactionStatus.COMMITTED, actor, clock.now(), note
        tx.save(update_fields=["status", "approver", "decided_at", "decision_note"])
        Person.objects.filter(pending_transaction=tx).update(pending_transaction=None)
        audit_record(actor=actor, kind="approve", function="registry.approve", targets=result.atena_numbers,
                     detail={"document_number": tx.document_number})
        return result


def _apply(actor, cmd: rules.Command, plan: rules.Plan, ctx: rules.Context, locked: dict[str, Household],
           *, data=None, acknowledged=(), existing_tx: Transaction | None = None) -> Result:
    tx = existing_tx or _new_transaction(actor, cmd, plan, data, acknowledged, TransactionStatus.COMMITTED)
    now = clock.now()
    new_households: dict[str, Household] = {}
    areas = {a.code: a for a in Area.objects.filter(code__in={ch.record.get("area") for ch in plan.changes if ch.record.get("area")},
                                                     municipality__is_self=True)}
    touched_households: set[str] = set()
    atenas: list[str] = []
    existing = {p.atena_number: p for p in Person.objects.filter(
        atena_number__in=[ch.ref for ch in plan.changes if not ch.new]).select_related("household")}
    for ch in plan.changes:
        rec = dict(ch.record)
        number = rec["household"]
        if number.startswith("new:"):
            if number not in new_households:
                new_households[number] = Household.objects.create(number=numbering.new_household_number())
            household = new_households[number]
        else:
            household = locked.get(number) or Household.objects.get(number=number)
        touched_households.add(household.number)
        if ch.new:
            person = Person(atena_number=numbering.new_atena_number())
        else:
            person = existing[ch.ref]
            touched_households.add(person.household.number)
        my_number = rec.pop("my_number", "")
        if ch.reuse_atena and not rec.get("my_number_cipher"):
            # a returning former resident keeps the 個人番号 on record (標準仕様書 j600)
            rec["my_number_cipher"], rec["my_number_digest"] = person.my_number_cipher, person.my_number_digest
        for name in RECORD_FIELDS:
            if name in ("household", "area"):
                continue
            if name in rec:
                setattr(person, name, rec[name])
        if my_number:
            person.my_number_cipher = protection.encrypt(my_number)
            person.my_number_digest = protection.digest(my_number)
        if person.status == Status.RESIDENT and not person.juminhyo_code:
            person.juminhyo_code = numbering.new_juminhyo_code()
        person.household = household
        person.area = areas.get(rec.get("area")) if rec.get("area") else None
        for key, value in search_keys(rec | {"alias_kana": person.alias_kana}).items():
            setattr(person, key, value)
        person.history_no += 1
        person.pending_transaction = None
        person.save()
        version = PersonVersion(person=person, atena_number=person.atena_number, history_no=person.history_no,
                                transaction=tx, reason=cmd.kind,
                                event_date=cmd.event_date if cmd.kind not in rules.CANCEL_KINDS else (ctx.cancelled or {}).get("event_date"),
                                event_date_text=cmd.event_text, reported_on=cmd.notified_on, recorded_at=now, operator=actor)
        for name in RECORD_FIELDS:
            setattr(version, name, getattr(person, name))
        version.save()
        atenas.append(person.atena_number)
    if touched_households:
        from django.db.models import F

        Household.objects.filter(number__in=touched_households).update(version=F("version") + 1)
    tx.subjects = atenas
    if cmd.kind in rules.CANCEL_KINDS and ctx.cancelled:
        tx.cancels = ctx.cancelled["transaction"]
    tx.save(update_fields=["subjects", "cancels"])
    audit_record(actor=actor, kind="write", function=f"registry.{cmd.kind}", targets=atenas,
                 my_number_accessed=any(ch.record.get("my_number") for ch in plan.changes),
                 detail={"document_number": tx.document_number})
    return Result(transaction=tx, atena_numbers=atenas, household_numbers=sorted(touched_households), alerts=plan.alerts)
