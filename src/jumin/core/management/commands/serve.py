"""``jumin serve [--host 127.0.0.1] [--port 8000]``: run the staff web application for a demo or a
small installation.

Static files are collected into STATIC_ROOT first (served by WhiteNoise). The application is then
served by a production WSGI server when one is installed — gunicorn (POSIX, worker processes) or
waitress (pure Python, any platform) — and otherwise, with a warning, by Django's development
server without the auto-reloader."""

from __future__ import annotations

import importlib.util
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def available_server(preferred: str = "auto") -> str:
    """The WSGI server to use: gunicorn, waitress, or runserver (Django's development server)."""
    if preferred != "auto":
        if preferred != "runserver" and importlib.util.find_spec(preferred) is None:
            raise CommandError(f"{preferred} がインストールされていません。")
        return preferred
    if os.name == "posix" and importlib.util.find_spec("gunicorn") is not None:
        return "gunicorn"
    if importlib.util.find_spec("waitress") is not None:
        return "waitress"
    return "runserver"


class Command(BaseCommand):
    help = "デモ用にアプリケーションを起動します（静的ファイルを収集し、WSGIサーバーで配信）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="待ち受けるアドレス（既定 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="待ち受けるポート（既定 8000）")
        parser.add_argument("--workers", type=int, default=max(2, min(4, os.cpu_count() or 2)),
                            help="gunicorn のワーカープロセス数")
        parser.add_argument("--server", choices=("auto", "gunicorn", "waitress", "runserver"), default="auto",
                            help="使うサーバー（既定: 導入済みのものを gunicorn, waitress, runserver の順に）")
        parser.add_argument("--no-collectstatic", action="store_true", help="静的ファイルの収集を省略する")

    def handle(self, *args, host: str, port: int, workers: int, server: str, **options):
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stderr.write(f"静的ファイルを {settings.STATIC_ROOT} に収集しました。")
        server = available_server(server)
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
        if server == "runserver":
            self.stderr.write(self.style.WARNING(
                "警告: WSGIサーバー（gunicorn または waitress）がインストールされていないため、"
                "Django の開発用サーバーで起動します。デモ以外には使わないでください。"))
        self.stdout.write(f"Jumin を {url} で起動します（{server}）。ログイン: {url}accounts/login/  停止: Ctrl+C")
        self.stdout.flush()
        if server == "runserver":
            call_command("runserver", f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                         use_reloader=False, use_threading=True)
            return
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        if server == "waitress":
            import waitress

            waitress.serve(application, host=host, port=port, threads=8, ident="jumin")
            return
        from gunicorn.app.base import BaseApplication

        class _Gunicorn(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}" if ":" not in host else f"[{host}]:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", 4)
                self.cfg.set("accesslog", "-")
                self.cfg.set("proc_name", "jumin")

            def load(self):
                return application

        _Gunicorn().run()
