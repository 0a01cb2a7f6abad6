"""The ``jumin`` console command: Django management commands with the embedded settings.

    jumin migrate            create or upgrade the database
    jumin seed --residents N --seed S
    jumin apply FILE.jsonl   apply a file of 異動届 in order
    jumin serve              run the staff web app on http://127.0.0.1:8000
    jumin createdemousers    demo accounts (clerk and approver)
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jumin.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jumin", *argv[1:]])


if __name__ == "__main__":
    main()
