"""``jumin seed --residents N --seed S``: a realistic synthetic municipality (see registry.seeding)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from jumin.registry import seeding


class Command(BaseCommand):
    help = "合成データ（架空の住民）で自団体の住民記録を作成します。同じ人数・シードなら同じデータになります。"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=2000, help="住民の人数（除票は別に約5%%）")
        parser.add_argument("--seed", type=int, default=1, help="乱数のシード（同じ値なら同じデータ）")
        parser.add_argument("--if-empty", action="store_true", help="住民が既にいる場合は何もしない")
        parser.add_argument("--municipality-code", default=seeding.DEFAULT_CITY,
                            help="自団体の市区町村コード（5桁または検査数字付き6桁、既定 13210 小金井市）")
        parser.add_argument("--method", choices=("auto", "services", "bulk"), default="auto",
                            help=f"services: 異動を1件ずつ登録処理で入力 / bulk: 一括投入（COPY）/ "
                                 f"auto: {seeding.SERVICES_THRESHOLD}人以下は services")

    def handle(self, *args, **options):
        from jumin.registry.models import Person

        residents = options["residents"]
        if residents < 1:
            raise CommandError("--residents は1以上を指定してください。")
        if Person.objects.exists():
            if options["if_empty"]:
                self.stdout.write("住民が既に登録されているため、合成データは作成しませんでした（--if-empty）。")
                return
            raise CommandError("住民が既に登録されています。空のデータベースで実行してください（--if-empty で省略可）。")
        verbosity = options["verbosity"]

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stderr.write(f"  … {message}")

        try:
            result = seeding.seed(residents, options["seed"], code=options["municipality_code"],
                                  method=options["method"], progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"合成データを作成しました（{result.method}）: 住民 {result.residents:,} 人、除票 {result.removed:,} 人"
            f"（うち外国人住民 {result.foreign:,} 人）、世帯 {result.households:,}、履歴 {result.versions:,} 件、"
            f"異動 {result.transactions:,} 件、{result.seconds:.1f} 秒"))
