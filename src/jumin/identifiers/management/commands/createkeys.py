"""``jumin createkeys``: create the 個人番号 encryption and lookup keys in JUMIN_KEY_DIR, once."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jumin.identifiers import protection


class Command(BaseCommand):
    help = "個人番号の暗号鍵を作成します（初回のみ。既存の鍵は変更しません）。"

    def handle(self, *args, **options):
        if protection.create_keys():
            self.stdout.write(f"鍵を作成しました: {settings.JUMIN_KEY_DIR}（バックアップを安全な場所に保管してください）")
        else:
            self.stdout.write(f"鍵は既にあります: {settings.JUMIN_KEY_DIR}（変更していません）")
