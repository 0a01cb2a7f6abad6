"""``jumin createdemousers``: the demo accounts, and how to log in with them.

Idempotent: the 所属 市民課 and the accounts ``clerk`` (窓口の職員) and ``chief`` (決裁者) are
created or reset on every run. Their password is generated once at random and kept in
``var/demo_password`` (mode 600), so it survives re-runs and is never part of the repository.
For demonstrations only: production accounts are created by the access-control procedures."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from jumin.accounts.models import Office

LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"
OFFICE = ("0100", "市民課")
DEMO_USERS = (
    # username, 氏名, 決裁権限
    ("clerk", "窓口 一郎", False),
    ("chief", "決裁 花子", True),
)


def password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo_password"


def demo_password() -> str:
    """The demo password: read from var/demo_password, generated there on first use."""
    path = password_file()
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(12)  # 16 characters, passes the password validators
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(value + "\n", encoding="utf-8")
    return value


class Command(BaseCommand):
    help = "デモ用の職員アカウント（clerk：窓口、chief：決裁者）を作成し、ログイン方法を表示します。"

    def handle(self, *args, **options):
        password = demo_password()
        staff_model = get_user_model()
        with transaction.atomic():
            office, _ = Office.objects.update_or_create(code=OFFICE[0], defaults={"name": OFFICE[1]})
            for username, display_name, approver in DEMO_USERS:
                user, created = staff_model.objects.get_or_create(username=username)
                user.display_name = display_name
                user.office = office
                user.is_approver = approver
                user.is_active = True
                user.is_system = False
                user.set_password(password)
                user.save()
                self.stderr.write(f"  {'作成' if created else '更新'}: {username}（{display_name}）")
        self.stdout.write(
            "\n".join(
                [
                    "デモ用アカウントの準備ができました。",
                    f"  ログイン画面: {LOGIN_URL}",
                    "  ユーザー名:   clerk（窓口の職員） / chief（決裁者：仮登録の決裁ができます）",
                    f"  パスワード:   {password}",
                    f"  （パスワードは {password_file()} に保存されています）",
                    "  サーバーの起動: jumin serve",
                ]
            )
        )
