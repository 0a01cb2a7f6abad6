"""The fictional town every database test starts from, and the sample 転入届 used across the
registry, API and UI tests. Municipality and 町字 are not personal data; persons are only ever
created through the services."""

from __future__ import annotations

AREAS = [
    ("001001", "本町一丁目", "1840004"),
    ("001002", "本町二丁目", "1840004"),
    ("002001", "緑町一丁目", "1840003"),
]


def create_town() -> dict:
    """東京都小金井市 (自団体) with three 町字. Returns {"municipality", "areas"}."""
    from jumin.registry.models import Area, Municipality

    m = Municipality.objects.create(code="132101", name="小金井市", prefecture="東京都",
                                    mayor_title="東京都小金井市長", is_self=True)
    areas = {code: Area.objects.create(municipality=m, code=code, name=name, postal_code=postal)
             for code, name, postal in AREAS}
    return {"municipality": m, "areas": areas}


def family_move_in(**overrides) -> dict:
    """Input of a 3-person 転入届 (世帯主 山田太郎, 妻, 子) in the services' input format; keyword
    arguments replace top-level keys."""
    koseki = {"honseki": "東京都三鷹市下連雀一丁目1番地", "hittosha": "山田太郎"}
    data = {
        "event_date": "令和7年4月1日",
        "notified_on": "令和7年4月3日",
        "address": {"area_code": "001001", "address_number": "1番2号", "katagaki": "コーポ本町101"},
        "previous_address": {"address": "東京都三鷹市下連雀一丁目1番1号", "municipality_code": "132047",
                             "head_name": "山田 太郎"},
        "persons": [
            {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
             "birth_date": "昭和55年5月5日", "sex": "男", "relationship": "世帯主", **koseki},
            {"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
             "birth_date": "1982-03-03", "sex": "女", "relationship": "妻", **koseki},
            {"family_name": "山田", "given_name": "一郎", "family_name_kana": "ヤマダ", "given_name_kana": "イチロウ",
             "birth_date": "平成22年1月1日", "sex": "男", "relationship": "子", **koseki},
        ],
    }
    data.update(overrides)
    return data
