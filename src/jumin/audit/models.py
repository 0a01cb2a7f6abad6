"""Operation log (操作ログ, 標準仕様書 j1370). Append-only: rows are only ever inserted by
``jumin.audit.services.record``, in the same database transaction as the write they describe.
The hash chain, signed checkpoints and database-role protection are added by the access-control
issue on top of this table without changing who writes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OperationLog(models.Model):
    class Kind(models.TextChoices):
        READ = "read", "照会"
        SEARCH = "search", "検索"
        WRITE = "write", "異動入力"
        APPROVE = "approve", "決裁"
        EXPORT = "export", "出力"
        AUTH = "auth", "認証"

    occurred_at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="操作者")
    office_code = models.CharField("所属", max_length=16, blank=True)
    terminal = models.CharField("端末", max_length=64, blank=True)
    channel = models.CharField("経路", max_length=16, blank=True)
    request_id = models.CharField("要求ID", max_length=64, blank=True)
    kind = models.CharField("種別", max_length=16, choices=Kind.choices)
    function = models.CharField("機能", max_length=64)
    target_atena_numbers = models.JSONField("対象宛名番号", default=list)
    my_number_accessed = models.BooleanField("個人番号アクセス", default=False)
    result = models.CharField("結果", max_length=32, default="ok")
    detail = models.JSONField("詳細", default=dict)

    class Meta:
        verbose_name = "操作ログ"
        indexes = [models.Index(fields=["actor", "occurred_at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("操作ログは追記のみです。")
        super().save(*args, **kwargs)
