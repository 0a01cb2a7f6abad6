"""``jumin close_moveouts``: the daily batch that turns 転出予定者 whose 予定日 has come into
除票 (標準仕様書 j50, 9.1 バッチ処理). Run it once a day (e.g. from cron at 00:30)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jumin.accounts.services import system_actor
from jumin.core import context
from jumin.registry import services


class Command(BaseCommand):
    help = "転出予定日を過ぎた転出予定者を除票にします（日次バッチ）。"

    def handle(self, *args, **options):
        token = context.set_current(context.RequestContext(request_id=context.current().request_id, channel="batch", terminal="batch"))
        try:
            out = services.apply_due_move_outs(actor=system_actor())
        finally:
            context.reset(token)
        for result in out.results:
            self.stdout.write(f"OK\t{result.transaction.document_number}\t{','.join(result.atena_numbers)}")
        for number, issues in out.failures.items():
            for issue in issues:
                self.stdout.write(f"ERROR\t{number}\t{issue.code}\t{issue.message}")
        self.stdout.write(f"SUMMARY\tclosed={len(out.results)}\tfailed={len(out.failures)}")
        if out.failures:
            raise CommandError("処理できなかった転出予定者があります。上の一覧を確認してください。")
