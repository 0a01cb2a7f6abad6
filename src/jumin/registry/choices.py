"""Official vocabularies of the register. Codes are stable identifiers used in the API, the
batch format and the database; labels are the standard's Japanese terms (docs/glossary.md)."""

from __future__ import annotations

from django.db import models


class ResidentType(models.TextChoices):
    """住民種別 (標準仕様書 j10 / j20)."""

    JAPANESE = "japanese", "日本人住民"
    FOREIGN = "foreign", "外国人住民"


class Sex(models.TextChoices):
    """性別 (住基法第7条第3号). Codes follow the 住基ネット convention 1 = 男, 2 = 女."""

    MALE = "1", "男"
    FEMALE = "2", "女"


class Status(models.TextChoices):
    """住民状態: a removed record (消除) is a 除票 and is kept (住基法第15条の2, 150 years)."""

    RESIDENT = "resident", "住民"
    REMOVED = "removed", "消除（除票）"


class ForeignCategory(models.TextChoices):
    """住基法第30条の45 区分."""

    MID_LONG_TERM = "mid_long_term", "中長期在留者"
    SPECIAL_PERMANENT = "special_permanent", "特別永住者"
    TEMPORARY_REFUGE = "temporary_refuge", "一時庇護許可者"
    PROVISIONAL_STAY = "provisional_stay", "仮滞在許可者"
    TRANSITIONAL_BIRTH = "transitional_birth", "出生による経過滞在者"
    TRANSITIONAL_LOSS = "transitional_loss", "国籍喪失による経過滞在者"


class TransactionStatus(models.TextChoices):
    """仮登録 → 決裁 → 本登録 (標準仕様書 j530)."""

    PENDING = "pending", "仮登録（決裁待ち）"
    COMMITTED = "committed", "本登録"
    REJECTED = "rejected", "決裁却下"


class Category(models.TextChoices):
    """異動事由の分類 (標準仕様書 j210): 記載 / 消除 / 修正."""

    ENTRY = "entry", "記載"
    REMOVAL = "removal", "消除"
    CORRECTION = "correction", "修正"


class TransactionKind(models.TextChoices):
    """異動事由 (標準仕様書 1.2.2 j210). Each kind's legal basis is in KIND_INFO."""

    MOVE_IN = "move_in", "国内転入"
    MOVE_IN_FROM_ABROAD = "move_in_from_abroad", "国外転入"
    MOVE_WITHIN = "move_within", "転居"
    MOVE_OUT = "move_out", "国内転出"
    MOVE_OUT_ABROAD = "move_out_abroad", "国外転出"
    MOVE_OUT_CONFIRM = "move_out_confirm", "転出確定（転入通知受理）"
    BIRTH = "birth", "出生"
    DEATH = "death", "死亡"
    DISAPPEARANCE = "disappearance", "失踪宣告"
    HOUSEHOLD_SPLIT = "household_split", "世帯分離"
    HOUSEHOLD_MERGE = "household_merge", "世帯合併"
    HOUSEHOLD_CHANGE = "household_change", "世帯変更"
    HEAD_CHANGE = "head_change", "世帯主変更"
    EX_OFFICIO_ENTRY = "ex_officio_entry", "職権記載"
    EX_OFFICIO_REMOVAL = "ex_officio_removal", "職権消除"
    EX_OFFICIO_CORRECTION = "ex_officio_correction", "職権修正"
    CLERICAL_CORRECTION = "clerical_correction", "誤記修正"
    MINOR_CORRECTION = "minor_correction", "軽微な修正"
    FAMILY_REGISTER_CHANGE = "family_register_change", "戸籍届出による修正"
    FORMER_SURNAME_ENTRY = "former_surname_entry", "旧氏の記載"
    FORMER_SURNAME_DELETION = "former_surname_deletion", "旧氏の削除"
    ALIAS_ENTRY = "alias_entry", "通称の記載"
    ALIAS_DELETION = "alias_deletion", "通称の削除"
    NATURALIZATION = "naturalization", "職権記載（帰化）"
    NATIONALITY_ACQUISITION = "nationality_acquisition", "職権記載（国籍取得）"
    NATIONALITY_LOSS = "nationality_loss", "職権記載（国籍喪失）"
    FOREIGN_ENTRY_30_46 = "foreign_entry_30_46", "法第30条の46による転入"
    FOREIGN_NOTIFICATION_30_47 = "foreign_notification_30_47", "法第30条の47による届出"
    CANCEL_INCREASE = "cancel_increase", "異動の取消し（増）"
    CANCEL_DECREASE = "cancel_decrease", "異動の取消し（減）"
    CANCEL_CORRECTION = "cancel_correction", "異動の取消し（修正）"
