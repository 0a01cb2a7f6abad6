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


class ApiToken(models.Model):
    """A staff member's token for the JSON API (``Authorization: Bearer <token>``).

    The token itself is shown once, when it is issued (``jumin createapitoken``); only its
    SHA-256 digest is stored. A token carries 256 random bits, so a fast digest is enough: there is
    nothing to brute-force, unlike a password. A token is never deleted: it is revoked
    (``revoked_at``), so that the operation log's actors stay explainable."""

    PREFIX = "jmn_"

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="職員")
    name = models.CharField("名称", max_length=100)
    token_hash = models.CharField("トークンのSHA-256", max_length=64, unique=True)
    created_at = models.DateTimeField("発行日時", auto_now_add=True)
    last_used_at = models.DateTimeField("最終使用日時", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = "APIトークン"

    def __str__(self) -> str:
        return f"{self.staff} {self.name}"

    @staticmethod
    def digest(raw: str) -> str:
        import hashlib

        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, staff: Staff, name: str) -> tuple["ApiToken", str]:
        """Create a token for ``staff``; returns the row and the token in clear (show it once)."""
        import secrets

        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(staff=staff, name=name, token_hash=cls.digest(raw)), raw

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
