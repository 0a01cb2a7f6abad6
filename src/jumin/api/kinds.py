"""The input of each 異動事由 as documented in the OpenAPI document.

These models only *describe* ``data`` of ``POST /api/v1/transactions`` for each ``kind`` (a
discriminated ``oneOf``) and carry one example per kind. They never validate a request: the
authoritative parser is ``jumin.registry.rules.transactions.parse`` (its ``_p_*`` functions), so
that the API reports exactly the codes and messages the UI shows. ``tests/api/test_openapi.py``
checks that every kind is documented and that every example is accepted by that parser.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from jumin.registry.choices import TransactionKind
from jumin.registry.rules import inputs, transactions as rules

DATE = "和暦（例: 令和7年4月1日）または西暦（例: 2025-04-01）の日付。"
FUZZY = DATE + "不詳日（例: 昭和20年月日不詳）も入力できます（標準仕様書 j80）。"
ATENA = "宛名番号（10桁、検査数字付き）"
HOUSEHOLD = "世帯番号（検査数字付き）"
RELATIONSHIP = "続柄（例: 世帯主、妻、子、父、母、同居人。標準仕様書の続柄表記）"
SEX = "性別: 「男」「女」または住基ネットのコード 1（男）・2（女）"

Text = Optional[str]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="allow")


# ---------------------------------------------------------------- shared parts


class Address(_Doc):
    """市内の住所: 町字コード（住所辞書）と番地。住所の文字列は町字から組み立てられます。"""

    area_code: str = Field(title="町字コード", description="住所辞書の町字コード")
    address_number: str = Field(title="番地", description="例: 1番2号")
    katagaki: Text = Field(None, title="方書", description="例: コーポ本町101")


class OutsideAddress(_Doc):
    """市外（国外を含む）の住所: 転入前住所・転出先。"""

    address: Text = Field(None, title="住所")
    katagaki: Text = Field(None, title="方書")
    municipality_code: Text = Field(None, title="全国地方公共団体コード", description="6桁（検査数字付き）")
    head_name: Text = Field(None, title="世帯主の氏名")


class ForeignItems(_Doc):
    """外国人住民の記載事項（住基法第30条の45）。"""

    alphabet_name: Text = Field(None, title="氏名（アルファベット）", description="在留カード等の表記。外国人住民は必須")
    alias: Text = Field(None, title="通称")
    alias_kana: Text = Field(None, title="通称（フリガナ）")
    nationality_code: Text = Field(None, title="国籍・地域コード", description="外国人住民は必須")
    nationality_name: Text = Field(None, title="国籍・地域", description="外国人住民は必須")
    foreign_category: Optional[Literal[tuple(sorted(inputs.FOREIGN_CATEGORIES))]] = Field(  # type: ignore[misc]
        None, title="第30条の45区分",
        description="外国人住民は必須。ただし出生の子は省略可（省略時 transitional_birth: 出生による経過滞在者）")
    residence_status: Text = Field(None, title="在留資格", description="中長期在留者は必須")
    period_of_stay: Text = Field(None, title="在留期間等", description="中長期在留者は必須")
    stay_expires_on: Text = Field(None, title="在留期間の満了の日", description=DATE + "中長期在留者は必須")
    became_foreign_resident_on: Text = Field(None, title="外国人住民となった年月日", description=DATE)
    residence_card_number: Text = Field(
        None, title="在留カード等番号",
        description="英字2桁・数字8桁・英字2桁（特別永住者は特別永住者証明書番号）。中長期在留者・特別永住者は必須")


class InsuranceItems(_Doc):
    """選挙人名簿・国民健康保険・後期高齢者医療・介護保険・国民年金・児童手当（住基法第7条第9号〜第11号の2）。"""

    elector_registered: Optional[bool] = Field(None, title="選挙人名簿登録")
    nhi_insured: Optional[bool] = Field(None, title="国民健康保険被保険者")
    nhi_acquired_on: Text = Field(None, title="国保資格取得日", description=DATE)
    nhi_lost_on: Text = Field(None, title="国保資格喪失日", description=DATE)
    elderly_insured: Optional[bool] = Field(None, title="後期高齢者医療被保険者")
    elderly_acquired_on: Text = Field(None, title="後期高齢資格取得日", description=DATE)
    elderly_lost_on: Text = Field(None, title="後期高齢資格喪失日", description=DATE)
    care_insured: Optional[bool] = Field(None, title="介護保険被保険者")
    care_acquired_on: Text = Field(None, title="介護保険資格取得日", description=DATE)
    care_lost_on: Text = Field(None, title="介護保険資格喪失日", description=DATE)
    pension_number: Text = Field(None, title="基礎年金番号")
    pension_kind: Text = Field(None, title="国民年金種別")
    pension_acquired_on: Text = Field(None, title="国民年金資格取得日", description=DATE)
    pension_lost_on: Text = Field(None, title="国民年金資格喪失日", description=DATE)
    child_allowance_from: Text = Field(None, title="児童手当受給開始年月", description=DATE)
    child_allowance_to: Text = Field(None, title="児童手当受給終了年月", description=DATE)


class NewPerson(ForeignItems, InsuranceItems):
    """初めて記載する住民（転入・出生・職権記載・第30条の46）。日本人住民は氏名・フリガナ・本籍が必須。"""

    resident_type: Optional[Literal["japanese", "foreign"]] = Field(
        None, title="住民種別", description="japanese（日本人住民・既定）または foreign（外国人住民）")
    family_name: Text = Field(None, title="氏")
    given_name: Text = Field(None, title="名")
    family_name_kana: Text = Field(None, title="氏（フリガナ）")
    given_name_kana: Text = Field(None, title="名（フリガナ）")
    former_surname: Text = Field(None, title="旧氏")
    former_surname_kana: Text = Field(None, title="旧氏（フリガナ）")
    birth_date: str = Field(title="生年月日", description=FUZZY)
    sex: str = Field(title="性別", description=SEX)
    relationship: str = Field(title="続柄", description=RELATIONSHIP)
    honseki: Text = Field(None, title="本籍", description="日本人住民は必須")
    hittosha: Text = Field(None, title="筆頭者")
    juminhyo_code: Text = Field(None, title="住民票コード", description="11桁（検査数字付き）。再転入者の照合に使います")
    my_number: Text = Field(
        None, title="個人番号",
        description="12桁（検査数字付き）。暗号化して保存され、APIの応答には決して含まれません（登録の有無のみ）")
    returning_atena_number: Text = Field(
        None, title="再転入者の宛名番号", description="除票のある再転入者であれば、その" + ATENA)


class JapaneseName(_Doc):
    """帰化・国籍取得後の日本人としての記載事項。"""

    family_name: str = Field(title="氏")
    given_name: str = Field(title="名")
    family_name_kana: str = Field(title="氏（フリガナ）")
    given_name_kana: str = Field(title="名（フリガナ）")
    honseki: str = Field(title="本籍")
    hittosha: Text = Field(None, title="筆頭者")


class ForeignRequired(ForeignItems):
    """外国人住民としての記載事項（国籍喪失・第30条の47届出）。"""

    alphabet_name: str = Field(title="氏名（アルファベット）")
    nationality_code: str = Field(title="国籍・地域コード")
    nationality_name: str = Field(title="国籍・地域")
    foreign_category: Literal[tuple(sorted(inputs.FOREIGN_CATEGORIES))] = Field(title="第30条の45区分")  # type: ignore[misc]


# ---------------------------------------------------------------- data of each kind

Persons = Annotated[list[str], Field(min_length=1, title="異動者", description=f"異動する住民の{ATENA}の配列")]
Relationships = Annotated[
    Optional[dict[str, str]],
    Field(None, title="続柄の指定", description=f"{ATENA} → 新しい続柄。" + RELATIONSHIP),
]


class _Common(_Doc):
    notified_on: Text = Field(None, title="届出日", description=DATE + "省略時は当日")
    remarks: Text = Field(None, title="備考", max_length=1000)


class _Event(_Common):
    event_date: str = Field(title="異動日", description=DATE)


class _FuzzyEvent(_Common):
    event_date: str = Field(title="異動日", description=FUZZY + "「年月日不詳」も入力できます（異動日は表記のみ記録されます）。")


class _Head(_Doc):
    new_head: Text = Field(
        None, title="新しい世帯主",
        description=f"世帯主が異動し2人以上が残るときに指定する{ATENA}（標準仕様書 j490）")
    relationships: Relationships


class MoveInData(_Event):
    persons: list[NewPerson] = Field(min_length=1, title="転入者")
    address: Address = Field(title="転入先の住所")
    previous_address: OutsideAddress = Field(title="転入前の住所", description="address は必須")
    household_number: Text = Field(None, title="入る世帯", description=f"既存の世帯に入るときの{HOUSEHOLD}（住所が同じであること）")


class MoveInFromAbroadData(MoveInData):
    """国外からの転入: 転入前住所は「国外」と記録され、address（国名等）があれば「国外（アメリカ合衆国）」のように併記されます。"""

    previous_address: Optional[OutsideAddress] = Field(
        None, title="転入前の住所", description="省略可。address に国名等（例: アメリカ合衆国）")


class ExOfficioEntryData(MoveInData):
    """職権記載（住所設定・未届転入）: 従前の住所は不明でもよい。"""

    previous_address: Optional[OutsideAddress] = Field(None, title="転入前の住所")
    unregistered_from: Text = Field(None, title="未届期間開始", description=DATE)


class ForeignEntryData(_Event):
    persons: list[NewPerson] = Field(
        min_length=1, title="転入者", description="外国人住民のみ（resident_type は省略時 foreign）")
    address: Address = Field(title="転入先の住所")
    previous_address: Optional[OutsideAddress] = Field(None, title="転入前の住所")
    household_number: Text = Field(None, title="入る世帯", description=HOUSEHOLD)


class ForeignNotificationData(_Event):
    """第30条の47: 既に市内に住む外国人が中長期在留者等となった届出。従前の住所はありません。"""

    persons: list[NewPerson] = Field(
        min_length=1, title="届出人", description="外国人住民のみ（resident_type は省略時 foreign）")
    address: Address = Field(title="住所")
    household_number: Text = Field(None, title="入る世帯", description=HOUSEHOLD)
    address_set_on: Text = Field(None, title="住所を定めた年月日", description=DATE + "異動日より前でもよい。省略時は異動日")


class MoveWithinData(_Event, _Head):
    """転居では住所と世帯以外の項目は受け付けません（move_within.only_address）。"""

    model_config = ConfigDict(extra="forbid")
    persons: Persons
    address: Address = Field(title="転居先の住所")
    household_number: Text = Field(None, title="入る世帯", description=f"転居先の既存の世帯の{HOUSEHOLD}")


class MoveOutData(_Event, _Head):
    persons: Persons
    destination: OutsideAddress = Field(title="転出先", description="address は必須（国外転出は国名等）")


class MoveOutConfirmData(_Event, _Head):
    persons: Persons
    confirmed_address: str = Field(title="転出確定地")
    notice_on: str = Field(title="転入通知受理年月日", description=DATE)


class BirthData(_FuzzyEvent):
    child: NewPerson = Field(title="出生した子", description="生年月日は異動日と同じであること")
    household_number: str = Field(title="入る世帯", description=HOUSEHOLD)


class RemovalData(_FuzzyEvent, _Head):
    persons: Persons


class ExOfficioRemovalData(_Event, _Head):
    persons: Persons


class HouseholdSplitData(_Event, _Head):
    """世帯の変更と住所の変更は同時にできません（address を送ると household_change.address_change）。"""

    persons: Persons
    new_relationships: dict[str, str] = Field(title="新しい世帯での続柄", description=f"{ATENA} → 続柄（1人が世帯主）")


class HouseholdMergeData(_Event):
    """世帯の変更と住所の変更は同時にできません（address を送ると household_change.address_change）。"""

    household_number: str = Field(title="合併する世帯", description=HOUSEHOLD)
    target_household_number: str = Field(title="合併先の世帯", description=HOUSEHOLD)
    new_relationships: dict[str, str] = Field(title="合併先の世帯主との続柄", description=f"{ATENA} → 続柄")


class HouseholdChangeData(_Event, _Head):
    """世帯の変更と住所の変更は同時にできません（address を送ると household_change.address_change）。"""

    persons: Persons
    target_household_number: str = Field(title="異動先の世帯", description=HOUSEHOLD)
    new_relationships: dict[str, str] = Field(title="異動先の世帯主との続柄", description=f"{ATENA} → 続柄")


class HeadChangeData(_Event):
    """世帯の変更と住所の変更は同時にできません（address を送ると household_change.address_change）。"""

    household_number: str = Field(title="世帯", description=HOUSEHOLD)
    new_head: str = Field(title="新しい世帯主", description=ATENA)
    relationships: Relationships


def _correction_model(name: str, allowed: set[str], doc: str) -> type[BaseModel]:
    keys = tuple(sorted(allowed))
    return create_model(
        name,
        __base__=_Event,
        __doc__=doc,
        persons=(Annotated[list[str], Field(min_length=1, max_length=1, title="異動者", description=f"1人の{ATENA}")], ...),
        changes=(dict[Literal[keys], Any], Field(  # type: ignore[valid-type]
            title="修正内容", description="項目名 → 新しい値（日付は和暦または西暦）。修正できる項目は異動事由ごとに決まっています")),
    )


CorrectionData = _correction_model("CorrectionData", rules.CORRECTABLE_FIELDS, "職権修正・誤記修正で修正できる項目。")
MinorCorrectionData = _correction_model("MinorCorrectionData", rules.MINOR_FIELDS, "軽微な修正で修正できる項目。")
FamilyRegisterChangeData = _correction_model("FamilyRegisterChangeData", rules.KOSEKI_FIELDS, "戸籍届出による修正で修正できる項目。")


class FormerSurnameEntryData(_Event):
    persons: Persons
    former_surname: str = Field(title="旧氏")
    former_surname_kana: str = Field(title="旧氏（フリガナ）")


class PersonsOnlyData(_Event):
    persons: Persons


class AliasEntryData(_Event):
    persons: Persons
    alias: str = Field(title="通称")
    alias_kana: str = Field(title="通称（フリガナ）")


class NaturalizationData(_Event):
    persons: Persons
    japanese: JapaneseName = Field(title="日本人としての記載事項")


class ForeignChangeData(_Event):
    persons: Persons
    foreign: ForeignRequired = Field(title="外国人住民としての記載事項")


class CancelData(_Common):
    target_document_number: str = Field(title="取り消す異動の受付番号", description="例: 2026-00000123")


DATA_MODELS: dict[str, type[BaseModel]] = {
    "move_in": MoveInData,
    "move_in_from_abroad": MoveInFromAbroadData,
    "move_within": MoveWithinData,
    "move_out": MoveOutData,
    "move_out_abroad": MoveOutData,
    "move_out_confirm": MoveOutConfirmData,
    "birth": BirthData,
    "death": RemovalData,
    "disappearance": RemovalData,
    "household_split": HouseholdSplitData,
    "household_merge": HouseholdMergeData,
    "household_change": HouseholdChangeData,
    "head_change": HeadChangeData,
    "ex_officio_entry": ExOfficioEntryData,
    "ex_officio_removal": ExOfficioRemovalData,
    "ex_officio_correction": CorrectionData,
    "clerical_correction": CorrectionData,
    "minor_correction": MinorCorrectionData,
    "family_register_change": FamilyRegisterChangeData,
    "former_surname_entry": FormerSurnameEntryData,
    "former_surname_deletion": PersonsOnlyData,
    "alias_entry": AliasEntryData,
    "alias_deletion": PersonsOnlyData,
    "naturalization": NaturalizationData,
    "nationality_acquisition": NaturalizationData,
    "nationality_loss": ForeignChangeData,
    "foreign_entry_30_46": ForeignEntryData,
    "foreign_notification_30_47": ForeignNotificationData,
    "cancel_increase": CancelData,
    "cancel_decrease": CancelData,
    "cancel_correction": CancelData,
}


# ---------------------------------------------------------------- examples

A1, A2, A3 = "0000000019", "0000000027", "0000000035"
H1, H2 = "0000000019", "0000000027"
_YAMADA = {"family_name": "山田", "family_name_kana": "ヤマダ", "honseki": "東京都三鷹市下連雀一丁目1番地", "hittosha": "山田太郎"}
_ADDRESS = {"area_code": "001001", "address_number": "1番2号", "katagaki": "コーポ本町101"}
_FOREIGN = {"alphabet_name": "SMITH JOHN", "nationality_code": "840", "nationality_name": "アメリカ合衆国",
            "foreign_category": "mid_long_term", "residence_status": "技術・人文知識・国際業務",
            "period_of_stay": "3年", "stay_expires_on": "2028-03-31", "residence_card_number": "AB12345678CD"}
_MOVE_IN = {
    "event_date": "令和7年4月1日",
    "notified_on": "令和7年4月3日",
    "address": _ADDRESS,
    "previous_address": {"address": "東京都三鷹市下連雀一丁目1番1号", "municipality_code": "132047", "head_name": "山田 太郎"},
    "persons": [
        {**_YAMADA, "given_name": "太郎", "given_name_kana": "タロウ", "birth_date": "昭和55年5月5日", "sex": "男", "relationship": "世帯主"},
        {**_YAMADA, "given_name": "花子", "given_name_kana": "ハナコ", "birth_date": "1982-03-03", "sex": "女", "relationship": "妻"},
    ],
}
EXAMPLES: dict[str, dict[str, Any]] = {
    "move_in": _MOVE_IN,
    "move_in_from_abroad": {**_MOVE_IN, "previous_address": {"address": "アメリカ合衆国"}},
    "move_within": {"event_date": "令和7年5月1日", "persons": [A1, A2], "address": {"area_code": "002001", "address_number": "3番4号"}},
    "move_out": {"event_date": "令和7年6月30日", "persons": [A1, A2],
                 "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号", "municipality_code": "271276"}},
    "move_out_abroad": {"event_date": "令和7年6月30日", "persons": [A1], "destination": {"address": "アメリカ合衆国"}},
    "move_out_confirm": {"event_date": "令和7年7月1日", "persons": [A1], "confirmed_address": "大阪府大阪市北区梅田一丁目1番1号",
                         "notice_on": "令和7年7月10日"},
    "birth": {"event_date": "令和7年8月8日", "household_number": H1,
              "child": {**_YAMADA, "given_name": "二郎", "given_name_kana": "ジロウ", "birth_date": "令和7年8月8日", "sex": "男", "relationship": "子"}},
    "death": {"event_date": "令和7年9月1日", "persons": [A1], "new_head": A2, "relationships": {A3: "子"}},
    "disappearance": {"event_date": "令和7年9月1日", "persons": [A3]},
    "household_split": {"event_date": "令和7年10月1日", "persons": [A3], "new_relationships": {A3: "世帯主"}},
    "household_merge": {"event_date": "令和7年10月1日", "household_number": H2, "target_household_number": H1,
                        "new_relationships": {A3: "子"}},
    "household_change": {"event_date": "令和7年10月1日", "persons": [A3], "target_household_number": H2,
                         "new_relationships": {A3: "同居人"}},
    "head_change": {"event_date": "令和7年10月1日", "household_number": H1, "new_head": A2, "relationships": {A1: "夫"}},
    "ex_officio_entry": {**_MOVE_IN, "unregistered_from": "令和6年4月1日"},
    "ex_officio_removal": {"event_date": "令和7年11月1日", "persons": [A3]},
    "ex_officio_correction": {"event_date": "令和7年11月1日", "persons": [A1], "changes": {"birth_date": "昭和55年5月6日"}},
    "clerical_correction": {"event_date": "令和7年11月1日", "persons": [A1], "changes": {"given_name_kana": "タロウ"}},
    "minor_correction": {"event_date": "令和7年11月1日", "persons": [A1], "changes": {"katagaki": "コーポ本町202"}},
    "family_register_change": {"event_date": "令和7年11月1日", "persons": [A2],
                               "changes": {"family_name": "佐藤", "family_name_kana": "サトウ"}},
    "former_surname_entry": {"event_date": "令和7年11月1日", "persons": [A2], "former_surname": "佐藤", "former_surname_kana": "サトウ"},
    "former_surname_deletion": {"event_date": "令和7年11月1日", "persons": [A2]},
    "alias_entry": {"event_date": "令和7年11月1日", "persons": [A1], "alias": "山本太郎", "alias_kana": "ヤマモトタロウ"},
    "alias_deletion": {"event_date": "令和7年11月1日", "persons": [A1]},
    "naturalization": {"event_date": "令和7年11月1日", "persons": [A1],
                       "japanese": {"family_name": "山本", "given_name": "太郎", "family_name_kana": "ヤマモト",
                                    "given_name_kana": "タロウ", "honseki": "東京都小金井市本町一丁目1番地"}},
    "nationality_acquisition": {"event_date": "令和7年11月1日", "persons": [A1],
                                "japanese": {"family_name": "山本", "given_name": "花子", "family_name_kana": "ヤマモト",
                                             "given_name_kana": "ハナコ", "honseki": "東京都小金井市本町一丁目1番地"}},
    "nationality_loss": {"event_date": "令和7年11月1日", "persons": [A1],
                         "foreign": {"alphabet_name": "YAMADA TARO", "nationality_code": "840", "nationality_name": "アメリカ合衆国",
                                     "foreign_category": "transitional_loss"}},
    "foreign_entry_30_46": {"event_date": "令和7年4月1日", "address": _ADDRESS,
                            "persons": [{**_FOREIGN, "resident_type": "foreign", "birth_date": "1990-01-02", "sex": "男", "relationship": "世帯主"}]},
    "foreign_notification_30_47": {"event_date": "令和7年11月1日", "address": _ADDRESS, "address_set_on": "令和7年10月1日",
                                   "persons": [{**_FOREIGN, "birth_date": "1990-01-02", "sex": "男", "relationship": "世帯主"}]},
    "cancel_increase": {"target_document_number": "2025-00000012"},
    "cancel_decrease": {"target_document_number": "2025-00000010"},
    "cancel_correction": {"target_document_number": "2025-00000011"},
}


# ---------------------------------------------------------------- request envelopes


def _label(kind: str) -> str:
    return TransactionKind(kind).label


def _envelope(kind: str) -> type[BaseModel]:
    spec = rules.KINDS[kind]
    return create_model(
        f"Transaction_{kind}",
        __doc__=f"{_label(kind)}（{spec.legal_basis}）",
        kind=(Literal[kind], Field(title="異動事由", description=f"{kind}: {_label(kind)}")),  # type: ignore[valid-type]
        data=(DATA_MODELS[kind], Field(title="届出の内容")),
        hold=(bool, Field(False, title="仮登録", description="true: 仮登録（決裁待ち）として入力する（標準仕様書 j530）")),
        acknowledged_alerts=(list[str], Field(default_factory=list, title="確認済みアラート",
                                              description="職員が確認したアラートのコード")),
        expected_versions=(dict[str, int], Field(default_factory=dict, title="世帯の版",
                                                 description="世帯番号 → 画面表示時の版。違えば 409 household.conflict")),
    )


ENVELOPES: dict[str, type[BaseModel]] = {kind: _envelope(kind) for kind in TransactionKind.values}


def request_schema() -> tuple[dict, dict]:
    """The ``oneOf`` request-body schema (discriminated by ``kind``) and its component schemas."""
    union = Annotated[Union[tuple(ENVELOPES.values())], Field(discriminator="kind")]  # type: ignore[arg-type]
    schema = TypeAdapter(union).json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return schema, defs


def request_examples() -> dict[str, dict]:
    return {
        kind: {"summary": f"{_label(kind)}（{kind}）", "value": {"kind": kind, "data": EXAMPLES[kind]}}
        for kind in TransactionKind.values
    }


def document(openapi: dict, operation_ids: set[str]) -> None:
    """Replace the generic request body of the given operations by the per-kind ``oneOf``."""
    schema, defs = request_schema()
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    for name, value in defs.items():
        components.setdefault(name, value)
    examples = request_examples()
    for methods in openapi.get("paths", {}).values():
        for op in methods.values():
            if isinstance(op, dict) and op.get("operationId") in operation_ids:
                content = op["requestBody"]["content"]["application/json"]
                content["schema"] = schema
                content["examples"] = examples
