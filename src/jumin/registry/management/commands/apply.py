"""``jumin apply FILE.jsonl --actor USERNAME [--hold] [--acknowledge-alerts]``: apply a file of
異動届 in order.

Input: one JSON object per line (UTF-8; blank lines are skipped)::

    {"kind": "move_in", "data": {...}, "acknowledged_alerts": ["notification.late"], "ref": "A-17"}

``kind``, ``data`` and ``acknowledged_alerts`` are those of ``POST /api/v1/transactions``
(``hold`` and ``expected_versions`` are accepted too); ``ref`` is an optional client reference,
echoed as the last column of that entry's result lines. Each entry is submitted through
``jumin.registry.services.submit`` in its own database transaction, with the actor named by
``--actor``: a bad entry is reported and the following entries are still applied.

Output (standard output), one or more lines per entry, tab-separated::

    <line no>  OK     <受付番号>  <宛名番号,...>
    <line no>  ERROR  <code>      <field>  <message>       (one line per error)
    <line no>  ALERT  <code>      <field>  <message>       (alerts not acknowledged: not applied)
    SUMMARY    total=<n>  ok=<n>  failed=<n>

Exit status 0 when every entry was accepted, 1 otherwise.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import traceback
import uuid
from typing import Any, Iterable, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jumin.core import context
from jumin.core.errors import Issue, RuleError, error
from jumin.registry import services

ALLOWED_KEYS = frozenset({"kind", "data", "acknowledged_alerts", "ref", "hold", "expected_versions"})


def _clean(value: Any) -> str:
    """One output column: tabs and line breaks would break the format."""
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


class _Entry(Exception):
    """A line that cannot be submitted; carries its issues."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues


class Command(BaseCommand):
    help = "異動届のファイル（1行に1件のJSON）を順に入力します。1件ごとに結果を1行以上出力します。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="異動届のファイル（JSON Lines、UTF-8）。- は標準入力")
        parser.add_argument("--actor", required=True, help="入力者（職員のユーザー名）")
        parser.add_argument("--hold", action="store_true", help="すべて仮登録（決裁待ち）として入力する")
        parser.add_argument("--acknowledge-alerts", action="store_true",
                            help="アラートをすべて確認済みとして入力する（確認したアラートは異動に記録されます）")

    def handle(self, *args, file: str, actor: str, hold: bool, acknowledge_alerts: bool, **options) -> None:
        staff = get_user_model().objects.filter(username=actor).first()
        if staff is None or not staff.is_active:
            raise CommandError(f"有効な職員 {actor} が見つかりません（入力者なしでは入力できません）。")
        try:
            stream: TextIO = sys.stdin if file == "-" else open(file, encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"ファイルを開けません: {file}（{exc.strerror}）") from None
        token = context.set_current(context.RequestContext(
            request_id=uuid.uuid4().hex, terminal=socket.gethostname()[:64], channel="batch"))
        total = ok = 0
        try:
            with stream if stream is not sys.stdin else contextlib.nullcontext(stream):
                for number, line in enumerate(stream, 1):
                    if not line.strip():
                        continue
                    total += 1
                    ok += self._apply_line(number, line, staff, hold=hold, acknowledge_all=acknowledge_alerts)
        finally:
            context.reset(token)
        failed = total - ok
        self.stdout.write(f"SUMMARY\ttotal={total}\tok={ok}\tfailed={failed}")
        if failed:
            raise CommandError(f"{total}件中{failed}件の異動届を受理できませんでした。", returncode=1)
        self.stderr.write(f"{total}件の異動届をすべて受理しました。")

    # ------------------------------------------------------------------ one entry

    def _apply_line(self, number: int, line: str, staff, *, hold: bool, acknowledge_all: bool) -> int:
        ref = ""
        try:
            entry = self._parse(line)
            ref = _clean(entry.get("ref", ""))
            result = self._submit(entry, staff, hold=hold, acknowledge_all=acknowledge_all)
        except _Entry as exc:
            self._report(number, "ERROR", exc.issues, ref)
            return 0
        except services.AlertsRequireAcknowledgement as exc:
            self._report(number, "ALERT", exc.issues, ref)
            return 0
        except RuleError as exc:
            self._report(number, "ERROR", exc.issues, ref)
            return 0
        except Exception:  # noqa: BLE001 - one broken entry must not stop the file
            self.stderr.write(f"{number}行目の処理中に予期しないエラーが発生しました:\n{traceback.format_exc()}")
            self._report(number, "ERROR", [error("internal.error", "処理中に予期しないエラーが発生しました。")], ref)
            return 0
        self._emit([str(number), "OK", result.transaction.document_number, ",".join(result.atena_numbers)], ref)
        return 1

    def _parse(self, line: str) -> dict:
        try:
            entry = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            raise _Entry([error("batch.invalid_json", f"JSONとして読み取れません（{exc.msg}、{exc.colno}文字目）。")]) from None
        if not isinstance(entry, dict):
            raise _Entry([error("batch.not_object", "1行に1件のJSONオブジェクトを書いてください。")])
        issues = [error("batch.unknown_key", "不明な項目です。", key) for key in sorted(set(entry) - ALLOWED_KEYS)]
        if not isinstance(entry.get("kind"), str):
            issues.append(error("kind.unknown", "異動事由が正しくありません。", "kind"))
        ack = entry.get("acknowledged_alerts", [])
        if not isinstance(ack, list) or not all(isinstance(a, str) for a in ack):
            issues.append(error("batch.invalid_value", "アラートのコードの配列で指定してください。", "acknowledged_alerts"))
        if not isinstance(entry.get("hold", False), bool):
            issues.append(error("batch.invalid_value", "true または false で指定してください。", "hold"))
        versions = entry.get("expected_versions", {})
        if not isinstance(versions, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in versions.values()):
            issues.append(error("batch.invalid_value", "世帯番号と版（整数）の対応で指定してください。", "expected_versions"))
        if issues:
            raise _Entry(issues)
        return entry

    def _submit(self, entry: dict, staff, *, hold: bool, acknowledge_all: bool):
        kwargs = dict(actor=staff, kind=entry["kind"], data=entry.get("data"), hold=hold or entry.get("hold", False),
                      expected_versions=entry.get("expected_versions") or None)
        acknowledged = list(entry.get("acknowledged_alerts", []))
        try:
            return services.submit(acknowledged=acknowledged, **kwargs)
        except services.AlertsRequireAcknowledgement as exc:
            if not acknowledge_all:
                raise
            # --acknowledge-alerts: the operator acknowledged every alert; nothing was written by
            # the first attempt, so submit again with the alerts' codes (recorded on the 異動).
            return services.submit(acknowledged=acknowledged + exc.codes, **kwargs)

    def _report(self, number: int, status: str, issues: Iterable[Issue], ref: str) -> None:
        for issue in issues:
            self._emit([str(number), status, issue.code, issue.field, issue.message], ref)

    def _emit(self, columns: list[str], ref: str) -> None:
        if ref:
            columns = [*columns, ref]
        self.stdout.write("\t".join(_clean(c) for c in columns))

