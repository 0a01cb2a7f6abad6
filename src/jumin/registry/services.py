"""The one write path of the register (architecture rule 1).

``submit`` takes an explicit actor and the input of one 異動届, validates it with the pure rules,
and in one database transaction writes the 異動 record, the new full-row version of every person
it touches, the current projection used by search, and the operation-log entry. ``decide``
approves or rejects a held (仮登録) 異動 (標準仕様書 j530). ``apply_due_move_outs`` makes the
転出予定 whose 予定日 has come take effect (j50). Nothing of a 異動 is written when any rule
fails; only its operation-log row (result "rejected", "alerts" or "conflict"), since the lookups
it made are reads of personal data (architecture rule 2). ``check`` validates without row locks
and logs its read the same way.

Locking: the households concerned are locked first (sorted by 世帯番号), then the persons (sorted
by 宛名番号). ``expected_versions`` ({世帯番号: version} as read by the clerk) turns a household
changed meanwhile by another clerk into a ``ConflictError`` instead of a silent overwrite.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from django.db import IntegrityError, connection, transaction as db_transaction
from django.db.models import F, Q

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
    notices: list[str] = field(default_factory=list)  # e.g. 世帯主 set ex officio (j490)

    @property
    def held(self) -> bool:
        return self.transaction.status == TransactionStatus.PENDING


@dataclass
class _Trace:
    """What one attempt looked at, for the operation log of a rejected ``submit``/``decide`` and of
    a ``check`` (architecture rule 2: every read of personal data is logged, also when the attempt
    is refused and its database work rolled back)."""

    ctx: rules.Context | None = None
    my_number: bool = False  # a lookup by 個人番号 was made (番号法: 個人番号アクセス)

    def targets(self) -> list[str]:
        """宛名番号 of every person read or matched: loaded (named, household members), matched by
        number or by 3情報, or holding a number the 異動 would record."""
        ctx = self.ctx
        if ctx is None:
            return []
        out = set(ctx.persons)
        for matches in (*ctx.id_matches.values(), *ctx.name_matches.values(), *ctx.resident_name_matches.values()):
            out |= {m["atena_number"] for m in matches}
        for holders in ctx.number_holders.values():
            out |= set(holders)
        return sorted(out)


def _outcome(exc: RuleError) -> str:
    if isinstance(exc, AlertsRequireAcknowledgement):
        return "alerts"
    if isinstance(exc, ConflictError):
        return "conflict"
    if isinstance(exc, PermissionDenied):
        return "denied"
    return "rejected"


def _log_refusal(actor, *, kind: str, function: str, exc: RuleError, trace: _Trace, detail: dict | None = None) -> None:
    """The operation-log row of a refused attempt, written after its own work was rolled back (in
    its own transaction, so it stays). Carries the codes (never a message that could echo input)."""
    with db_transaction.atomic():
        audit_record(actor=actor, kind=kind, function=function, targets=trace.targets(),
                     my_number_accessed=trace.my_number, result=_outcome(exc),
                     detail={"codes": list(dict.fromkeys(exc.codes))} | (detail or {}))


IDENTITY_CONSTRAINTS = {
    "person_jcode_unique": "juminhyo_code", "registry_person.juminhyo_code": "juminhyo_code",
    "person_mn_unique": "my_number", "registry_person.my_number_digest": "my_number",
    "person_rcard_unique": "residence_card_number", "registry_person.residence_card_number": "residence_card_number",
}
"""The unique constraints on identity numbers, by name (PostgreSQL's message) or column (SQLite's)."""


def _identity_race(exc: IntegrityError, cmd: rules.Command | None) -> RuleError | None:
    """A unique identity constraint hit at write time: another clerk recorded a person with the same
    number after this 異動 was checked (the checks run first; this is the race). Reported as the
    same clean error the check gives, never a 500. None for any other integrity error."""
    text = str(exc)
    for marker, name in IDENTITY_CONSTRAINTS.items():
        if marker in text:
            claims = rules.claimed_numbers(cmd) if cmd is not None else []
            field = next((c.field for c in claims if c.name == name), name)
            return RuleError([rules.duplicate_identity(name, field)])
    return None


def _kind_name(kind: Any) -> str:
    return kind if isinstance(kind, str) and kind in rules.KINDS else "unknown"


def _require_actor(actor) -> None:
    if actor is None or getattr(actor, "pk", None) is None or not getattr(actor, "is_active", False):
        raise MissingActor("操作者が指定されていません。")


def _conflict(message: str = "他の職員がこの世帯を先に更新しました。最新の内容を確認してから入力し直してください。") -> ConflictError:
    return ConflictError([error("household.conflict", message, "household_number")])


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


def _version_record(v: PersonVersion) -> dict[str, Any]:
    rec = {name: getattr(v, name) for name in RECORD_FIELDS if name not in ("household", "area")}
    rec["household"] = v.household.number
    rec["area"] = v.area.code if v.area_id else None
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
    m = Municipality.own()
    if m is None:
        raise RuleError([error("setup.municipality", "自団体が設定されていません（jumin seed を実行してください）。")])
    return m


def _load_context(cmd: rules.Command, *, today: dt.date, expected_versions: dict[str, int] | None,
                  exclude_pending: Transaction | None = None, lock: bool = True,
                  trace: _Trace | None = None) -> tuple[rules.Context, dict[str, Household]]:
    """Everything the planner may look at, read under row locks (households, then persons).
    ``lock=False`` reads without locks (``check``: validation must not block the clerks who
    write). ``trace`` records what was read, also when a conflict interrupts the loading."""
    m = _self_municipality()
    ctx = rules.Context(today=today, municipality={"code": m.code, "name": m.name, "prefecture": m.prefecture},
                        blank=blank_record())
    if trace is not None:
        trace.ctx = ctx
    atenas, households = rules.subjects(cmd)
    households |= set(expected_versions or {})
    if cmd.kind in rules.CANCEL_KINDS:
        ctx.cancelled = _load_cancel_target(cmd.data["target_document_number"], atenas, households, lock=lock)
    persons = rules.new_persons(cmd)
    claims = rules.claimed_numbers(cmd)
    if trace is not None:
        trace.my_number = any(c.name == "my_number" for c in claims)
    if lock:
        _lock_identities(claims)
    atenas |= _match_identities(ctx, persons, residents=cmd.kind != "birth")
    _load_number_holders(ctx, claims)
    locked = _lock(ctx, atenas, households, expected_versions=expected_versions, exclude_pending=exclude_pending,
                   lock=lock)
    for matches in ctx.id_matches.values():  # the 除票 to reuse as read under their row lock
        matches[:] = [ctx.persons.get(m["atena_number"], m) for m in matches]
    area_codes = {cmd.data["address"].get("area_code")} if isinstance(cmd.data.get("address"), dict) else set()
    area_codes |= {r["area"] for r in ctx.persons.values() if r.get("area")}
    ctx.areas = {a.code: {"name": a.name, "postal_code": a.postal_code}
                 for a in Area.objects.filter(municipality=m, code__in=[c for c in area_codes if c])}
    _load_move_out_plans(ctx)
    return ctx, locked


def _lock(ctx: rules.Context, atenas: set[str], households: set[str], *, expected_versions: dict[str, int] | None,
          exclude_pending: Transaction | None, lock: bool = True) -> dict[str, Household]:
    """Lock the households concerned (and those of the persons named), check the clerk's
    ``expected_versions``, then lock and load the persons named and every current member, and the
    異動日 of their latest 履歴. ``lock=False``: the same reads without ``FOR UPDATE``."""
    households = households | set(Person.objects.filter(atena_number__in=atenas).values_list("household__number", flat=True))
    hq = Household.objects.filter(number__in=sorted(households)).order_by("number")
    locked = {h.number: h for h in (hq.select_for_update() if lock else hq)}
    for number, version in (expected_versions or {}).items():
        h = locked.get(number)
        if h is None or h.version != int(version):
            raise _conflict()
    ctx.pending_households = {n for n, h in locked.items() if h.pending_transaction_id is not None
                              and (exclude_pending is None or h.pending_transaction_id != exclude_pending.pk)}
    qs = (Person.objects
          # household_id, not household__number: an OR across the join would defeat both indexes
          # (a sequential scan of registry_person under FOR UPDATE; seen at ~1 s with 1M residents)
          .filter(Q(atena_number__in=atenas) | Q(household__in=list(locked.values()), status=Status.RESIDENT))
          .select_related("household", "area").order_by("atena_number"))
    if lock:
        qs = qs.select_for_update(of=("self",))
    pks = []
    for p in qs:
        if p.household.number not in locked and p.atena_number in atenas and p.status == Status.RESIDENT:
            # the person changed household between the first read and the lock
            raise _conflict("他の職員が同時に更新しています。もう一度入力してください。")
        rec = to_record(p)
        if exclude_pending is not None and p.pending_transaction_id == exclude_pending.pk:
            rec["pending"] = False
        ctx.persons[p.atena_number] = rec
        pks.append(p.pk)
        if p.status == Status.RESIDENT:
            ctx.households.setdefault(p.household.number, []).append(p.atena_number)
    for members in ctx.households.values():
        members.sort(key=lambda a: (ctx.persons[a]["member_order"], a))
    latest = PersonVersion.objects.filter(person_id__in=pks, history_no=F("person__history_no"))
    for atena, event_date, recorded_at in latest.values_list("atena_number", "event_date", "recorded_at"):
        ctx.last_event_dates[atena] = event_date or recorded_at.astimezone(clock.JST).date()
    return locked


def _identity_condition(name: str, value: str) -> Q:
    if name == "my_number":
        return Q(my_number_digest=protection.digest(value))
    return Q(**{name: value})


def _lock_identities(claims: list[rules.Claim]) -> None:
    """Two clerks recording the same number at the same time (same 住民票コード, 個人番号 or 在留カード
    番号, for a new person or by a correction) must not both succeed: on PostgreSQL a
    transaction-scoped advisory lock per number makes the second wait, and its identity match then
    sees the first one's record (二重記載の防止). SQLite serialises writers anyway. The unique
    constraints on Person are the net under both."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({f"{c.name}:{protection.digest(c.value) if c.name == 'my_number' else c.value}" for c in claims})
    with connection.cursor() as cur:
        for key in keys:
            digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _match_identities(ctx: rules.Context, persons: list[dict], *, residents: bool = True) -> set[str]:
    """二重記載の防止・再転入者 (標準仕様書 j600): for each person to be recorded, the existing records
    with the same 住民票コード / 個人番号 / 在留カード番号, the 除票 with the same 氏名・性別・生年月日 and
    (``residents``) the current residents with the same 氏名・性別・生年月日. Returns the 宛名番号 of
    the 除票 matched by number, which the caller locks (they are reused)."""
    reusable: set[str] = set()
    for i, person in enumerate(persons):
        cond = Q()
        for name in rules.IDENTITY_FIELDS:
            if person.get(name):
                cond |= _identity_condition(name, person[name])
        if cond:
            ctx.id_matches[i] = [to_record(p) for p in Person.objects.filter(cond).select_related("household", "area")]
            reusable |= {m["atena_number"] for m in ctx.id_matches[i] if m["status"] == Status.REMOVED}
        kanji = search_keys(person)["name_kanji_key"]
        if kanji and person.get("birth_date"):
            same = Person.objects.filter(name_kanji_key=kanji, sex=person.get("sex"), birth_date=person["birth_date"])
            ctx.name_matches[i] = [to_record(p) for p in same.filter(status=Status.REMOVED)
                                   .select_related("household", "area").order_by("atena_number")[:5]]
            if residents:
                ctx.resident_name_matches[i] = [to_record(p) for p in same.filter(status=Status.RESIDENT)
                                                .select_related("household", "area").order_by("atena_number")[:5]]
    return reusable


def _load_number_holders(ctx: rules.Context, claims: list[rules.Claim]) -> None:
    """For the numbers a correction (or 国籍喪失) would record: who holds each now (二重記載の防止)."""
    for claim in claims:
        if claim.atena is not None:
            ctx.number_holders[(claim.name, claim.value)] = list(
                Person.objects.filter(_identity_condition(claim.name, claim.value)).values_list("atena_number", flat=True))


def _load_cancel_target(document_number: str, atenas: set[str], households: set[str], *,
                        lock: bool = True) -> dict | None:
    """異動の取消し (j980): the target 異動 and, for every person it touched, the record as it was
    before its first version and the 履歴番号 of its last one (a 転出 that took effect later, or a
    帰化, writes two versions of the same person)."""
    qs = Transaction.objects.filter(document_number=document_number, status=TransactionStatus.COMMITTED)
    target = (qs.select_for_update() if lock else qs).first()
    if target is None:
        return None
    before: dict[str, dict | None] = {}
    after_no: dict[str, int] = {}
    for v in PersonVersion.objects.filter(transaction=target).order_by("atena_number", "history_no"):
        if v.atena_number in after_no:
            after_no[v.atena_number] = v.history_no
            continue
        atenas.add(v.atena_number)
        after_no[v.atena_number] = v.history_no
        prev = (PersonVersion.objects.filter(atena_number=v.atena_number, history_no__lt=v.history_no)
                .select_related("household", "area").order_by("-history_no").first())
        before[v.atena_number] = _version_record(prev) if prev else None
        if prev:
            households.add(prev.household.number)
    return {"kind": target.kind, "event_date": target.event_date, "before": before, "after_history_no": after_no,
            "already_cancelled": target.cancelled_by.filter(status=TransactionStatus.COMMITTED).exists(),
            "transaction": target}


def _transaction_input(tx: Transaction) -> dict:
    """The input of a 異動 as stored (a held one keeps it under "input", 個人番号 encrypted beside)."""
    payload = tx.payload if isinstance(tx.payload, dict) else {}
    return payload["input"] if "input" in payload and "protected" in payload else payload


def _latest_move_out_version(atena: str) -> PersonVersion | None:
    """The version written by the person's latest 転出届 (its transaction selected)."""
    return (PersonVersion.objects.filter(atena_number=atena, reason__in=rules.MOVE_OUT_KINDS)
            .select_related("transaction").order_by("-history_no").first())


def _load_move_out_plans(ctx: rules.Context) -> None:
    """For every 転出予定者 loaded: the kind of their 転出届 and what it said about the 世帯主 of
    those who stay (applied when the 転出 takes effect)."""
    planned = [a for a, r in ctx.persons.items() if r["status"] == Status.RESIDENT and r.get("move_out_planned_on")]
    for atena in planned:
        v = _latest_move_out_version(atena)
        if v is not None:
            ctx.move_out_plans[atena] = {"kind": v.transaction.kind, "document_number": v.transaction.document_number,
                                         **rules.head_instruction(_transaction_input(v.transaction))}


# ------------------------------------------------------------------ submit / check / decide


def submit(*, actor, kind: str, data: dict[str, Any], hold: bool = False,
           acknowledged: Iterable[str] = (), expected_versions: dict[str, int] | None = None) -> Result:
    """Validate and record one 異動届. ``hold=True`` enters it as 仮登録 for approval (j530).

    Raises RuleError (errors, nothing written), AlertsRequireAcknowledgement (alerts whose codes
    are not in ``acknowledged``), ConflictError (a household in ``expected_versions`` changed) or
    MissingActor. A refused 異動 writes nothing but its operation-log row (result "rejected",
    "alerts" or "conflict", the persons it read or matched, the codes): the lookups it made —
    whether a 個人番号 is on the register, say — are personal-data reads too (architecture rule 2)."""
    _require_actor(actor)
    acknowledged = list(acknowledged)
    today = clock.today()
    trace = _Trace()
    cmd = None
    try:
        cmd = rules.parse(kind, data, today)
        with db_transaction.atomic():
            ctx, locked = _load_context(cmd, today=today, expected_versions=expected_versions, trace=trace)
            plan = rules.plan(cmd, ctx)
            _raise_for(plan, acknowledged)
            if hold:
                return _hold(actor, cmd, plan, ctx, data, acknowledged)
            tx = _new_transaction(actor, cmd, plan, ctx, payload=_jsonable(data), acknowledged=acknowledged,
                                  status=TransactionStatus.COMMITTED)
            return _apply(actor, cmd, plan, ctx, locked, tx)
    except IntegrityError as exc:
        race = _identity_race(exc, cmd)
        if race is None:
            raise
        _log_refusal(actor, kind="write", function=f"registry.{_kind_name(kind)}", exc=race, trace=trace)
        raise race from exc
    except RuleError as exc:
        _log_refusal(actor, kind="write", function=f"registry.{_kind_name(kind)}", exc=exc, trace=trace)
        raise


def check(*, actor, kind: str, data: dict[str, Any]) -> list[Issue]:
    """Validate without writing (the confirmation step of the entry form). Reads without row
    locks (inline validation runs on every field change and must not block the clerks who write),
    and logs the read (kind "read", result "checked", the persons read or matched, the codes)."""
    _require_actor(actor)
    today = clock.today()
    try:
        cmd = rules.parse(kind, data, today)
    except RuleError as exc:
        return exc.issues  # nothing was read
    trace = _Trace()
    try:
        with db_transaction.atomic():
            ctx, _ = _load_context(cmd, today=today, expected_versions=None, lock=False, trace=trace)
            issues = rules.plan(cmd, ctx).issues
            db_transaction.set_rollback(True)
    except RuleError as exc:
        issues = exc.issues
    audit_record(actor=actor, kind="read", function=f"registry.check.{cmd.kind}", targets=trace.targets(),
                 my_number_accessed=trace.my_number, result="checked",
                 detail={"codes": list(dict.fromkeys(i.code for i in issues))})
    return issues


def _raise_for(plan: rules.Plan, acknowledged: Iterable[str]) -> None:
    if plan.errors:
        raise RuleError(plan.errors)
    acknowledged = set(acknowledged)
    missing = [a for a in plan.alerts if a.code not in acknowledged]
    if missing:
        raise AlertsRequireAcknowledgement(missing)


def _event_date(cmd: rules.Command, ctx: rules.Context) -> dt.date | None:
    """異動日; a 取消し carries the 異動日 of the 異動 it cancels."""
    if cmd.kind in rules.CANCEL_KINDS:
        return (ctx.cancelled or {}).get("event_date")
    return cmd.event_date


def _new_transaction(actor, cmd: rules.Command, plan: rules.Plan, ctx: rules.Context, *, payload: dict,
                     acknowledged: Iterable[str], status: str) -> Transaction:
    request = context.current()
    return Transaction.objects.create(
        document_number=numbering.new_document_number(clock.today().year),
        kind=cmd.kind, status=status, event_date=_event_date(cmd, ctx), event_date_text=cmd.event_text,
        notified_on=cmd.notified_on, late_notification=plan.late_notification, operator=actor,
        terminal=request.terminal, channel=request.channel, payload=payload,
        acknowledged_alerts=sorted({a.code for a in plan.alerts} & set(acknowledged)),
    )


def _jsonable(data: Any) -> Any:
    """The input as kept in Transaction.payload: JSON values only, and the 個人番号 replaced by a
    mark — it is never stored in clear (番号法第12条)."""
    if isinstance(data, dict):
        return {str(k): ("(保護)" if k == "my_number" else _jsonable(v))
                for k, v in data.items() if not (k == "my_number" and not v)}
    if isinstance(data, (list, tuple)):
        return [_jsonable(v) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def _hold(actor, cmd: rules.Command, plan: rules.Plan, ctx: rules.Context, data, acknowledged) -> Result:
    """仮登録 (j530): the 異動 is kept with its input (個人番号 encrypted beside it) and blocks every
    other 異動 on the persons it touches; no version is written until 決裁."""
    payload = {"input": _jsonable(data), "protected": _protect_numbers(data)}
    tx = _new_transaction(actor, cmd, plan, ctx, payload=payload, acknowledged=acknowledged,
                          status=TransactionStatus.PENDING)
    existing = list(dict.fromkeys(ch.ref for ch in plan.changes if not ch.new))
    tx.subjects = existing
    tx.save(update_fields=["subjects"])
    Person.objects.filter(atena_number__in=existing).update(pending_transaction=tx)
    # the households it changes are held too: nothing joins or leaves them until the 決裁
    Household.objects.filter(number__in=rules.households_held(ctx, plan)).update(pending_transaction=tx)
    audit_record(actor=actor, kind="write", function=f"registry.hold.{cmd.kind}", targets=existing,
                 my_number_accessed=bool(payload["protected"]), detail={"document_number": tx.document_number})
    return Result(transaction=tx, atena_numbers=existing, household_numbers=[], alerts=plan.alerts, notices=plan.notices)


def _protect_numbers(data: Any, path: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            p = f"{path}.{k}" if path else str(k)
            if k == "my_number" and v:
                out[p] = protection.encrypt(str(v))
            else:
                out |= _protect_numbers(v, p)
    elif isinstance(data, (list, tuple)):
        for i, v in enumerate(data):
            out |= _protect_numbers(v, f"{path}.{i}")
    return out


def _restore_numbers(data: Any, protected: dict[str, str]) -> Any:
    data = copy.deepcopy(data)
    for path, cipher in protected.items():
        parts = path.split(".")
        node = data
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[parts[-1]] = protection.decrypt(cipher)
    return data


def decide(*, actor, document_number: str, approve: bool, note: str = "", acknowledged: Iterable[str] = ()) -> Result:
    """決裁 of a 仮登録 (標準仕様書 j530) by a 決裁権限 holder other than the clerk who entered it.
    Approval re-validates against the register as it is now and commits exactly as a direct entry
    would (届出日 as entered; alerts acknowledged at entry, plus ``acknowledged`` for new ones);
    rejection releases the persons. Either way the encrypted 個人番号 kept for the 決裁 is dropped."""
    _require_actor(actor)
    trace = _Trace()
    cmd = None
    try:
        if not getattr(actor, "is_approver", False):
            raise PermissionDenied([error("permission.approve", "決裁の権限がありません。")])
        with db_transaction.atomic():
            tx = Transaction.objects.select_for_update().filter(document_number=document_number).first()
            if tx is None or tx.status != TransactionStatus.PENDING:
                raise RuleError([error("decide.not_pending", "決裁待ちの異動が見つかりません。", "document_number")])
            if tx.operator_id == actor.pk:
                raise PermissionDenied([error("decide.self_approval", "自分が入力した異動は決裁できません。")])
            if not approve:
                _release(tx)
                held_numbers = bool(tx.payload.get("protected")) if isinstance(tx.payload, dict) else False
                _close(tx, actor, TransactionStatus.REJECTED, note)
                # the encrypted 個人番号 kept for the 決裁 is dropped: logged as an access to it
                audit_record(actor=actor, kind="approve", function="registry.reject", targets=tx.subjects,
                             my_number_accessed=held_numbers, detail={"document_number": tx.document_number})
                return Result(transaction=tx, atena_numbers=list(tx.subjects), household_numbers=[])
            data = _restore_numbers(tx.payload["input"], tx.payload.get("protected", {}))
            if tx.notified_on:
                data["notified_on"] = tx.notified_on.isoformat()
            today = clock.today()
            cmd = rules.parse(tx.kind, data, today)
            ctx, locked = _load_context(cmd, today=today, expected_versions=None, exclude_pending=tx, trace=trace)
            plan = rules.plan(cmd, ctx)
            acknowledged = set(tx.acknowledged_alerts) | set(acknowledged)
            _raise_for(plan, acknowledged)
            tx.acknowledged_alerts = sorted({a.code for a in plan.alerts} & acknowledged)
            result = _apply(actor, cmd, plan, ctx, locked, tx)
            _release(tx)
            _close(tx, actor, TransactionStatus.COMMITTED, note)
            audit_record(actor=actor, kind="approve", function="registry.approve", targets=result.atena_numbers,
                         detail={"document_number": tx.document_number})
            return result
    except IntegrityError as exc:
        race = _identity_race(exc, cmd)
        if race is None:
            raise
        _log_refusal(actor, kind="approve", function="registry.approve", exc=race, trace=trace,
                     detail={"document_number": document_number})
        raise race from exc
    except RuleError as exc:
        _log_refusal(actor, kind="approve", function="registry.approve" if approve else "registry.reject",
                     exc=exc, trace=trace, detail={"document_number": str(document_number)[:40]})
        raise


def _release(tx: Transaction) -> None:
    """The persons and households a 仮登録 held are free again (標準仕様書 j530)."""
    Person.objects.filter(pending_transaction=tx).update(pending_transaction=None)
    Household.objects.filter(pending_transaction=tx).update(pending_transaction=None)


def _close(tx: Transaction, actor, status: str, note: str) -> None:
    tx.status, tx.approver, tx.decided_at, tx.decision_note = status, actor, clock.now(), note
    tx.payload = _transaction_input(tx)
    tx.save(update_fields=["status", "approver", "decided_at", "decision_note", "payload", "acknowledged_alerts"])


# ------------------------------------------------------------------ writing


def _apply(actor, cmd: rules.Command, plan: rules.Plan, ctx: rules.Context, locked: dict[str, Household],
           tx: Transaction) -> Result:
    """Write the plan of ``cmd`` as versions of ``tx``, then the 異動 record and the log entry."""
    atenas, households = _write_versions(tx.operator, tx, plan.changes, locked, reason=cmd.kind,
                                         event_date=_event_date(cmd, ctx), event_text=cmd.event_text,
                                         reported_on=cmd.notified_on)
    tx.subjects = atenas
    if cmd.kind in rules.CANCEL_KINDS and ctx.cancelled:
        tx.cancels = ctx.cancelled["transaction"]
    tx.save(update_fields=["subjects", "cancels"])
    audit_record(actor=actor, kind="write", function=f"registry.{cmd.kind}", targets=atenas,
                 my_number_accessed=any(ch.record.get("my_number") for ch in plan.changes),
                 detail={"document_number": tx.document_number})
    return Result(transaction=tx, atena_numbers=atenas, household_numbers=households, alerts=plan.alerts,
                  notices=plan.notices)


def _write_versions(operator, tx: Transaction, changes: list[rules.Change], locked: dict[str, Household], *,
                    reason: str, event_date: dt.date | None, event_text: str,
                    reported_on: dt.date | None) -> tuple[list[str], list[str]]:
    """For each change: update the person's current projection and append its full-row version
    (標準仕様書 j200) naming the ``operator`` (入力者: the clerk who entered the 異動, also when an
    approver commits it); bump the version of every household touched. Returns (宛名番号, 世帯番号)."""
    now = clock.now()
    new_households: dict[str, Household] = {}
    areas = {a.code: a for a in Area.objects.filter(
        code__in={ch.record.get("area") for ch in changes if ch.record.get("area")}, municipality__is_self=True)}
    existing = {p.atena_number: p for p in Person.objects.filter(
        atena_number__in=[ch.ref for ch in changes if not ch.new]).select_related("household")}
    touched: set[str] = set()
    atenas: list[str] = []
    versions: list[PersonVersion] = []
    for ch in changes:
        rec = dict(ch.record)
        number = rec["household"]
        if number.startswith("new:"):
            if number not in new_households:
                new_households[number] = Household.objects.create(number=numbering.new_household_number())
            household = new_households[number]
        else:
            household = locked.get(number) or Household.objects.get(number=number)
        if ch.new:
            person = Person(atena_number=numbering.new_atena_number())
        else:
            person = existing[ch.ref]
            touched.add(person.household.number)
        touched.add(household.number)
        my_number = rec.pop("my_number", "")
        if ch.reuse_atena and not rec.get("my_number_cipher"):
            # a returning former resident keeps the 個人番号 on record (標準仕様書 j600)
            rec["my_number_cipher"], rec["my_number_digest"] = person.my_number_cipher, person.my_number_digest
        for name in RECORD_FIELDS:
            if name not in ("household", "area") and name in rec:
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
                                transaction=tx, reason=ch.reason or reason, event_date=event_date,
                                event_date_text=event_text, reported_on=reported_on, recorded_at=now, operator=operator)
        for name in RECORD_FIELDS:
            setattr(version, name, getattr(person, name))
        versions.append(version)
        if person.atena_number not in atenas:
            atenas.append(person.atena_number)
    # new rows only (append-only): one INSERT for all the versions of this 異動
    PersonVersion.objects.bulk_create(versions)
    if touched:
        Household.objects.filter(number__in=touched).update(version=F("version") + 1)
    return atenas, sorted(touched)


# ------------------------------------------------------------------ batch


@dataclass
class DueMoveOuts:
    results: list[Result] = field(default_factory=list)
    failures: dict[str, list[Issue]] = field(default_factory=dict)  # 受付番号 of the 転出届 → why not


def apply_due_move_outs(*, actor, today: dt.date | None = None) -> DueMoveOuts:
    """転出予定日の到来 (標準仕様書 j50): every 転出予定者 whose 予定日 has come without a 転入通知
    becomes a 除票 as of the 予定日, and 世帯主不在 (j490) is applied as their 転出届 said. The new
    versions belong to the 転出届 itself (so that its 取消し undoes both steps). One database
    transaction per 転出届; one that cannot be applied (e.g. the household changed so that a new
    世帯主 must be named) is reported in ``failures`` and left for the clerk. Run daily."""
    _require_actor(actor)
    today = today or clock.today()
    due = defaultdict(list)
    for atena in (Person.objects.filter(status=Status.RESIDENT, move_out_planned_on__lte=today, pending_transaction=None)
                  .order_by("atena_number").values_list("atena_number", flat=True)):
        v = _latest_move_out_version(atena)
        if v is not None:
            due[v.transaction_id].append(atena)
    out = DueMoveOuts()
    for tx_id, atenas in due.items():
        tx = Transaction.objects.get(pk=tx_id)
        try:
            with db_transaction.atomic():
                out.results.append(_move_out_effect(actor, tx, atenas, today))
        except RuleError as exc:
            out.failures[tx.document_number] = exc.issues
    return out


def _move_out_effect(actor, tx: Transaction, atenas: list[str], today: dt.date) -> Result:
    cmd = rules.Command(kind=tx.kind, event=None, notified_on=today, data={"persons": atenas})
    ctx, locked = _load_context(cmd, today=today, expected_versions=None)
    plan = rules.plan_move_out_effect(ctx, atenas)
    if plan.errors:
        raise RuleError(plan.errors)
    written, households = _write_versions(actor, tx, plan.changes, locked, reason=tx.kind, event_date=tx.event_date,
                                          event_text="", reported_on=tx.notified_on)
    audit_record(actor=actor, kind="write", function="registry.move_out_effective", targets=written,
                 detail={"document_number": tx.document_number})
    return Result(transaction=tx, atena_numbers=written, household_numbers=households, notices=plan.notices)
