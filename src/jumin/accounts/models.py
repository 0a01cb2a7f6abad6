"""Staff accounts. One account per person, never shared; access control proper (roles, grants
approved by the 主管課長, terminals, second factor) is built on this model by the access-control
issue. Accounts are never deleted: their audit trail must stay (PROTECT everywhere)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Office(models.Model):
    """所属 (the section a staff member belongs to)."""

    code = models.CharField("所属コード", max_length=16, unique=True)
    name = models.CharField("所属名", max_length=100)

    class Meta:
        verbose_name = "所属"

    def __str__(self) -> str:
        return self.name


class Staff(AbstractUser):
    """職員 account. ``is_approver`` marks who may approve 仮登録 (標準仕様書 j530 決裁)."""

    display_name = models.CharField("氏名", max_length=100, blank=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, verbose_name="所属")
    valid_from = models.DateField("有効期間開始", null=True, blank=True)
    valid_to = models.DateField("有効期間終了", null=True, blank=True)
    is_approver = models.BooleanField("決裁権限", default=False)
    is_system = models.BooleanField("システム利用者", default=False)

    class Meta:
        verbose_name = "職員"

    def __str__(self) -> str:
        return self.display_name or self.username
