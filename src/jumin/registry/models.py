"""The register (住民基本台帳, 住基法第5条〜第7条, 第30条の45).

* ``Person`` is the current projection of one 住民票 (keyed by 宛名番号), kept only for search
  and display; it is rewritten in the same database transaction as each new history version.
* ``PersonVersion`` is the truth: an append-only full-row snapshot per change keyed
  (宛名番号, 履歴番号) (標準仕様書 j200). Nothing ever updates or deletes a version.
* ``Transaction`` is one 異動届 (or 職権 record) with its document number.

Both Person and PersonVersion inherit every 住民票 item from ``PersonRecord`` so that a version is
always the whole row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import (
    ForeignCategory,
    ResidentType,
    Sex,
    Status,
    TransactionKind,
    TransactionStatus,
)


class Municipality(models.Model):
    """市区町村. ``is_self`` marks the municipality running this installation."""

    code = models.CharField("全国地方公共団体コード", max_length=6, unique=True)
    name = models.CharField("市区町村名", max_length=40)
    prefecture = models.CharField("都道府県名", max_length=10)
    mayor_title = models.CharField("市区町村長の職名", max_length=60, blank=True)
    is_self = models.BooleanField("自団体", default=False)

    class Meta:
        verbose_name = "市区町村"

    def __str__(self) -> str:
        return f"{self.prefecture}{self.name}"

    @classmethod
    def own(cls) -> "Municipality | None":
        """The 自団体 (the municipality running this installation), or None before setup."""
        return cls.objects.filter(is_self=True).first()


class Area(models.Model):
    """町字 (標準仕様書 1.3.3 住所辞書). ``code`` is the municipality's 町字コード."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField("町字コード", max_length=12)
    name = models.CharField("町字", max_length=60)
    kana = models.CharField("町字カナ", max_length=120, blank=True)
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)

    class Meta:
        verbose_name = "町字"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="area_code_unique")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """世帯. Membership, head and order live on the members' records; ``version`` is bumped by
    every committed 異動 touching the household and is the optimistic-concurrency token that
    makes two clerks' simultaneous changes conflict instead of overwriting each other."""

    number = models.CharField("世帯番号", max_length=12, unique=True)
    version = models.PositiveIntegerField("版", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # 仮登録 lock (標準仕様書 j530): a held 異動 that changes this household (a member joins, leaves,
    # changes 続柄 or 住所) blocks every other 異動 changing it until the 決裁
    pending_transaction = models.ForeignKey(
        "Transaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "世帯"

    def __str__(self) -> str:
        return self.number


class PersonRecord(models.Model):
    """Every item of one 住民票 (住基法第7条; 外国人住民は第30条の45). Abstract."""

    resident_type = models.CharField("住民種別", max_length=10, choices=ResidentType.choices)
    status = models.CharField("住民状態", max_length=10, choices=Status.choices)
    # 世帯 (第7条第4号)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name="世帯")
    relationship = models.CharField("続柄", max_length=40)
    member_order = models.PositiveIntegerField("世帯内の並び順", default=0)
    # 氏名 (第7条第1号) and 旧氏 (令第30条の13)
    family_name = models.CharField("氏", max_length=60, blank=True)
    given_name = models.CharField("名", max_length=60, blank=True)
    family_name_kana = models.CharField("氏（フリガナ）", max_length=120, blank=True)
    given_name_kana = models.CharField("名（フリガナ）", max_length=120, blank=True)
    former_surname = models.CharField("旧氏", max_length=60, blank=True)
    former_surname_kana = models.CharField("旧氏（フリガナ）", max_length=120, blank=True)
    # 外国人住民の氏名 (第30条の45: アルファベット表記) and 通称 (令第30条の16)
    alphabet_name = models.CharField("氏名（アルファベット）", max_length=200, blank=True)
    alias = models.CharField("通称", max_length=60, blank=True)
    alias_kana = models.CharField("通称（フリガナ）", max_length=120, blank=True)
    alias_history = models.JSONField("通称履歴", default=list, blank=True)
    # 生年月日 (第2号), 性別 (第3号)
    birth_date = models.DateField("生年月日", null=True, blank=True)  # None only for 年月日不詳 (j80)
    birth_date_text = models.CharField("生年月日（不詳日表記）", max_length=60, blank=True)
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    # 戸籍の表示 (第5号)
    honseki = models.CharField("本籍", max_length=200, blank=True)
    hittosha = models.CharField("筆頭者", max_length=60, blank=True)
    # 住民となった年月日 (第6号)
    became_resident_on = models.DateField("住民となった年月日", null=True, blank=True)
    became_resident_text = models.CharField("住民となった年月日（不詳日表記）", max_length=60, blank=True)
    # 住所 (第7号)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="町字")
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    address = models.CharField("住所", max_length=200)
    address_number = models.CharField("番地", max_length=60, blank=True)
    katagaki = models.CharField("方書", max_length=120, blank=True)
    address_set_on = models.DateField("住所を定めた年月日", null=True, blank=True)
    address_set_text = models.CharField("住所を定めた年月日（不詳日表記）", max_length=60, blank=True)
    # 届出の年月日・従前の住所 (第8号)
    notified_on = models.DateField("届出の年月日", null=True, blank=True)
    prev_address = models.CharField("転入前住所", max_length=200, blank=True)
    prev_address_katagaki = models.CharField("転入前住所方書", max_length=120, blank=True)
    prev_municipality_code = models.CharField("転入前住所自治体コード", max_length=6, blank=True)
    prev_head_name = models.CharField("転入前住所世帯主", max_length=100, blank=True)
    before_move_address = models.CharField("異動前住所", max_length=200, blank=True)
    unregistered_from = models.DateField("未届期間開始", null=True, blank=True)
    unregistered_to = models.DateField("未届期間終了", null=True, blank=True)
    # 転出 (予定 and 確定 kept apart: 標準仕様書 j680)
    move_out_address = models.CharField("転出予定地", max_length=200, blank=True)
    move_out_katagaki = models.CharField("転出予定地方書", max_length=120, blank=True)
    move_out_municipality_code = models.CharField("転出予定地自治体コード", max_length=6, blank=True)
    move_out_head_name = models.CharField("転出予定地世帯主", max_length=100, blank=True)
    move_out_planned_on = models.DateField("転出予定年月日", null=True, blank=True)
    move_out_confirmed_address = models.CharField("転出確定地", max_length=200, blank=True)
    move_out_confirmed_on = models.DateField("転出確定年月日", null=True, blank=True)
    move_in_notice_on = models.DateField("転入通知受理年月日", null=True, blank=True)
    # 消除
    removal_kind = models.CharField("消除事由", max_length=40, blank=True, choices=TransactionKind.choices)
    removed_on = models.DateField("消除事由の生じた年月日", null=True, blank=True)
    removed_text = models.CharField("消除事由の生じた年月日（不詳日表記）", max_length=60, blank=True)
    # 個人番号 (第8号の2): encrypted, never stored in clear; digest for lookup
    my_number_cipher = models.TextField("個人番号（暗号化）", blank=True)
    my_number_digest = models.CharField("個人番号照合値", max_length=64, blank=True)
    # 住民票コード (第13号)
    juminhyo_code = models.CharField("住民票コード", max_length=11, blank=True)
    # 選挙人名簿 (第9号)
    elector_registered = models.BooleanField("選挙人名簿登録", default=False)
    # 国民健康保険 (第10号), 後期高齢者医療 (第10号の2), 介護保険 (第10号の3)
    nhi_insured = models.BooleanField("国民健康保険被保険者", default=False)
    nhi_acquired_on = models.DateField("国保資格取得日", null=True, blank=True)
    nhi_lost_on = models.DateField("国保資格喪失日", null=True, blank=True)
    elderly_insured = models.BooleanField("後期高齢者医療被保険者", default=False)
    elderly_acquired_on = models.DateField("後期高齢資格取得日", null=True, blank=True)
    elderly_lost_on = models.DateField("後期高齢資格喪失日", null=True, blank=True)
    care_insured = models.BooleanField("介護保険被保険者", default=False)
    care_acquired_on = models.DateField("介護保険資格取得日", null=True, blank=True)
    care_lost_on = models.DateField("介護保険資格喪失日", null=True, blank=True)
    # 国民年金 (第11号)
    pension_number = models.CharField("基礎年金番号", max_length=10, blank=True)
    pension_kind = models.CharField("国民年金種別", max_length=10, blank=True)
    pension_acquired_on = models.DateField("国民年金資格取得日", null=True, blank=True)
    pension_lost_on = models.DateField("国民年金資格喪失日", null=True, blank=True)
    # 児童手当 (第11号の2)
    child_allowance_from = models.DateField("児童手当受給開始年月", null=True, blank=True)
    child_allowance_to = models.DateField("児童手当受給終了年月", null=True, blank=True)
    # 外国人住民 (第30条の45)
    nationality_code = models.CharField("国籍・地域コード", max_length=3, blank=True)
    nationality_name = models.CharField("国籍・地域", max_length=60, blank=True)
    became_foreign_resident_on = models.DateField("外国人住民となった年月日", null=True, blank=True)
    foreign_category = models.CharField("第30条の45区分", max_length=24, blank=True, choices=ForeignCategory.choices)
    residence_status = models.CharField("在留資格", max_length=60, blank=True)
    period_of_stay = models.CharField("在留期間等", max_length=40, blank=True)
    stay_expires_on = models.DateField("在留期間の満了の日", null=True, blank=True)
    residence_card_number = models.CharField("在留カード等番号", max_length=12, blank=True)
    residence_notified = models.BooleanField("住居地届出", default=False)
    # 備考 (標準仕様書 j140 C類型)
    remarks = models.TextField("備考", blank=True)

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        if self.family_name or self.given_name:
            return f"{self.family_name}\u3000{self.given_name}".strip("\u3000")
        return self.alphabet_name

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}".strip("\u3000")

    @property
    def is_head(self) -> bool:
        return self.relationship == "世帯主"


class Person(PersonRecord):
    """Current state of one 住民票, derived from the latest version (search and display only)."""

    atena_number = models.CharField("宛名番号", max_length=12, unique=True)
    history_no = models.PositiveIntegerField("最新履歴番号", default=0)
    # search keys (標準仕様書 j330), maintained with every version
    name_kana_key = models.CharField(max_length=240, blank=True)
    name_kana_exact = models.CharField(max_length=240, blank=True)
    name_kanji_key = models.CharField(max_length=240, blank=True)
    alias_kana_key = models.CharField(max_length=240, blank=True)
    # 仮登録 lock (標準仕様書 j530): a held transaction blocks other 異動 on this person
    pending_transaction = models.ForeignKey(
        "Transaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "住民"
        indexes = [
            models.Index(fields=["status", "name_kana_key"], name="person_kana_idx"),
            models.Index(fields=["status", "name_kana_exact"], name="person_kana_exact_idx"),
            models.Index(fields=["status", "name_kanji_key"], name="person_kanji_idx"),
            models.Index(fields=["status", "alias_kana_key"], name="person_alias_idx"),
            models.Index(fields=["birth_date", "sex"], name="person_birth_idx"),
            models.Index(fields=["area", "address_number"], name="person_area_idx"),
            models.Index(fields=["household"], name="person_household_idx"),
        ]
        # 住民票コード, 個人番号 and 在留カード等番号 identify one person each (二重記載の防止, 標準仕様書
        # j600). The services check this first and report it clearly; these partial unique indexes
        # (blank = not recorded) are the net under two clerks racing, and serve the lookups too.
        constraints = [
            models.UniqueConstraint(fields=["juminhyo_code"], condition=~models.Q(juminhyo_code=""),
                                    name="person_jcode_unique"),
            models.UniqueConstraint(fields=["my_number_digest"], condition=~models.Q(my_number_digest=""),
                                    name="person_mn_unique"),
            models.UniqueConstraint(fields=["residence_card_number"], condition=~models.Q(residence_card_number=""),
                                    name="person_rcard_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.atena_number} {self.full_name}"


class Transaction(models.Model):
    """One 異動届 or 職権 record (標準仕様書 4.0: 異動者, 異動事由, 異動日, 届出日, 処理日).

    ``payload`` keeps the normalised input exactly as accepted, so that a held (仮登録)
    transaction can be re-validated and committed by the approver, and so that auditors can see
    what the clerk entered."""

    document_number = models.CharField("受付番号", max_length=20, unique=True)
    kind = models.CharField("異動事由", max_length=40, choices=TransactionKind.choices)
    status = models.CharField("状態", max_length=10, choices=TransactionStatus.choices)
    event_date = models.DateField("異動日", null=True, blank=True)
    event_date_text = models.CharField("異動日（不詳日表記）", max_length=60, blank=True)
    notified_on = models.DateField("届出日", null=True, blank=True)
    processed_at = models.DateTimeField("処理日時", auto_now_add=True)
    late_notification = models.BooleanField("届出期間経過", default=False)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="入力者")
    terminal = models.CharField("入力端末", max_length=64, blank=True)
    channel = models.CharField("入力経路", max_length=16, blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="決裁者")
    decided_at = models.DateTimeField("決裁日時", null=True, blank=True)
    decision_note = models.TextField("決裁メモ", blank=True)
    payload = models.JSONField("入力内容", default=dict)
    acknowledged_alerts = models.JSONField("確認済みアラート", default=list)
    cancels = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="cancelled_by", verbose_name="取消対象")
    subjects = models.JSONField("異動者の宛名番号", default=list)

    class Meta:
        verbose_name = "異動"
        indexes = [models.Index(fields=["status", "processed_at"], name="tx_status_idx")]

    def __str__(self) -> str:
        return f"{self.document_number} {self.get_kind_display()}"


class PersonVersion(PersonRecord):
    """One full-row version of a 住民票 (標準仕様書 j200). Append-only."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="versions")
    atena_number = models.CharField("宛名番号", max_length=12)
    history_no = models.PositiveIntegerField("履歴番号")
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="versions")
    reason = models.CharField("異動事由", max_length=40, choices=TransactionKind.choices)
    event_date = models.DateField("異動日", null=True, blank=True)
    event_date_text = models.CharField("異動日（不詳日表記）", max_length=60, blank=True)
    reported_on = models.DateField("届出日", null=True, blank=True)
    recorded_at = models.DateTimeField("処理日時")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="入力者")

    class Meta:
        verbose_name = "住民票履歴"
        constraints = [
            models.UniqueConstraint(fields=["atena_number", "history_no"], name="version_key_unique")
        ]
        indexes = [models.Index(fields=["person", "event_date"], name="version_asof_idx")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("住民票の履歴は追記のみです（標準仕様書 j200）。")
        super().save(*args, **kwargs)


class NumberSequence(models.Model):
    """Sequences for 宛名番号, 世帯番号 and 受付番号, allocated under a row lock."""

    name = models.CharField(max_length=40, unique=True)
    last_value = models.BigIntegerField(default=0)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in PersonRecord._meta.fields)
"""The names of every 住民票 item, i.e. the columns a history version copies in full."""
