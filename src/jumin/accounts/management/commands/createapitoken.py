"""``jumin createapitoken USERNAME [--name NAME]``: issue an API token for a staff member.

The token is printed once, alone on standard output (so that it can be piped into a secret
store); only its SHA-256 digest is kept in the database, so it cannot be shown again. A lost
token is revoked and a new one issued."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jumin.accounts.models import ApiToken


class Command(BaseCommand):
    help = "職員のAPIトークンを発行し、1回だけ表示します（データベースにはSHA-256のみ保存）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="トークンを発行する職員のユーザー名")
        parser.add_argument("--name", default="API", help="トークンの名称（用途。例: 住基ネット連携）")

    def handle(self, *args, username: str, name: str, **options) -> None:
        staff = get_user_model().objects.filter(username=username).first()
        if staff is None or not staff.is_active:
            raise CommandError(f"有効な職員 {username} が見つかりません。")
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("名称は1〜100文字で指定してください。")
        token, raw = ApiToken.issue(staff, name)
        self.stderr.write(
            f"職員 {staff.username} のAPIトークン（ID {token.pk}、名称「{token.name}」）を発行しました。"
            "この表示の後は再表示できません。安全な場所に保管してください。"
        )
        self.stdout.write(raw)
