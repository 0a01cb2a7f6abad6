"""A realistic synthetic municipality for demos, tests and benchmarks (``jumin seed``).

What is generated, deterministically from ``(residents, seed)`` (same arguments → the same names,
dates and numbers; only the 個人番号 ciphertext differs, Fernet using a random IV):

* the municipality row (自団体) and its real 町字 with postal codes from Japan Post's data
  (``jumin.text.postal.towns_of_city``);
* households of realistic composition (国勢調査 2020 shares: 単独 38 %, 夫婦のみ 20 %,
  夫婦と子 25 %, ひとり親と子 9 %, 三世代等 8 %), ages drawn from Japan's population pyramid;
* Japanese names from Faker ja_JP's *pairs* (漢字 with its own フリガナ; ``name()`` and
  ``kana_name()`` would not match) completed by the common surnames and era-typical given names
  below, so that a million residents are not all called by 50 surnames;
* about 2 % foreign residents (アルファベット氏名, 国籍, 第30条の45区分, 在留資格, 在留カード番号
  in the card's format; 特別永住者 often with a 通称);
* history: every household arrives by a 転入 (国外転入 for newcomers from abroad), children born
  later by 出生, some households 転居 inside the city, some members die (死亡) and some households
  move out (転出); about 5 % of the records end as 除票;
* valid 宛名番号・世帯番号 (M11W2〜7), 住民票コード and 個人番号 check digits; the 個人番号 is
  stored only encrypted through ``jumin.identifiers.protection``.

Two ways to write it, producing the same records:

* :func:`load_with_services` submits every 異動 through ``services.submit`` as the system actor
  (the real write path; used for small demos and tests);
* :func:`load_bulk` builds the very rows the write path would write (same planner semantics,
  ``services.blank_record`` / ``services.search_keys``, the identifier rules) and writes
  Household, Transaction, Person and PersonVersion in batches: ``COPY`` (psycopg 3) on
  PostgreSQL, with secondary indexes and foreign keys dropped and rebuilt the way
  ``pg_restore`` does when the tables start empty; ``executemany`` on SQLite. The number
  sequences are advanced past the numbers used and one operation-log entry records the load.
  Transactions written this way carry a marker payload (``{"source": "seed", ...}``) instead of
  the full input, which keeps the load fast; everything else is identical.

All dates are relative to :data:`REFERENCE_DATE`, not to today, so that the data does not
depend on the day it is generated. Numbers (宛名番号, 世帯番号, 受付番号) are allocated household by
household in the order the households are generated, not in date order.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter, mul
from typing import Any, Callable, Iterable, Iterator

from jumin.accounts.services import SYSTEM_USERNAME, system_actor  # noqa: F401 (re-exported)
from jumin.identifiers import rules as idr

REFERENCE_DATE = dt.date(2026, 10, 1)
"""The 'today' of the synthetic data: every 異動日 and 届出日 lies on or before it."""

DEFAULT_CITY = "13210"  # 東京都小金井市
SERVICES_THRESHOLD = 5000
"""``--method auto`` uses the services up to this many residents, the bulk path above."""

FOREIGN_EVENTS_FROM = dt.date(2012, 7, 9)
"""Foreign residents entered the 住民基本台帳 on 平成24年7月9日 (改正住基法の施行)."""

# --------------------------------------------------------------------------------------------
# Name pools
# --------------------------------------------------------------------------------------------

# Surnames after Faker's 50 (ranks ~51-200 of the national ranking), with their usual reading,
# and a few variant forms (髙橋, 齋藤, 渡邊, 𠮷田) so that demo data exercises 外字-class
# characters (MJ文字, including one outside the BMP).
_EXTRA_SURNAMES = """
小野:オノ 田村:タムラ 竹内:タケウチ 金子:カネコ 和田:ワダ 中山:ナカヤマ 石田:イシダ 上田:ウエダ
森田:モリタ 原田:ハラダ 柴田:シバタ 酒井:サカイ 工藤:クドウ 横山:ヨコヤマ 宮崎:ミヤザキ
宮本:ミヤモト 内田:ウチダ 高木:タカギ 安藤:アンドウ 谷口:タニグチ 大野:オオノ 丸山:マルヤマ
今井:イマイ 高田:タカダ 藤本:フジモト 武田:タケダ 村田:ムラタ 上野:ウエノ 杉山:スギヤマ
増田:マスダ 平野:ヒラノ 大塚:オオツカ 千葉:チバ 久保:クボ 松井:マツイ 小島:コジマ 岩崎:イワサキ
桜井:サクライ 野口:ノグチ 松尾:マツオ 野村:ノムラ 木下:キノシタ 菊地:キクチ 佐野:サノ
大西:オオニシ 杉本:スギモト 新井:アライ 浜田:ハマダ 菅原:スガワラ 市川:イチカワ 水野:ミズノ
小松:コマツ 島田:シマダ 古川:フルカワ 小山:コヤマ 高野:タカノ 西田:ニシダ 菊池:キクチ
山内:ヤマウチ 西川:ニシカワ 五十嵐:イガラシ 北村:キタムラ 安田:ヤスダ 中田:ナカタ 川口:カワグチ
平田:ヒラタ 川崎:カワサキ 飯田:イイダ 吉川:ヨシカワ 本田:ホンダ 久保田:クボタ 沢田:サワダ
辻:ツジ 関:セキ 吉村:ヨシムラ 渡部:ワタナベ 岩田:イワタ 中西:ナカニシ 服部:ハットリ 樋口:ヒグチ
福島:フクシマ 川上:カワカミ 永井:ナガイ 松岡:マツオカ 田口:タグチ 山中:ヤマナカ 森本:モリモト
土屋:ツチヤ 矢野:ヤノ 広瀬:ヒロセ 秋山:アキヤマ 石原:イシハラ 松下:マツシタ 大橋:オオハシ
松浦:マツウラ 吉岡:ヨシオカ 小池:コイケ 馬場:ババ 浅野:アサノ 荒木:アラキ 大久保:オオクボ
野田:ノダ 小沢:オザワ 田辺:タナベ 川村:カワムラ 星野:ホシノ 黒田:クロダ 堀:ホリ 尾崎:オザキ
望月:モチヅキ 永田:ナガタ 熊谷:クマガイ 内藤:ナイトウ 松村:マツムラ 西山:ニシヤマ 大谷:オオタニ
平井:ヒライ 大島:オオシマ 岩本:イワモト 片山:カタヤマ 本間:ホンマ 早川:ハヤカワ 横田:ヨコタ
岡崎:オカザキ 荒井:アライ 大石:オオイシ 鎌田:カマタ 成田:ナリタ 宮田:ミヤタ 小田:オダ
石橋:イシバシ 篠原:シノハラ 須藤:スドウ 河野:コウノ 大沢:オオサワ 小西:コニシ 南:ミナミ
高山:タカヤマ 栗原:クリハラ 伊東:イトウ 松原:マツバラ 三宅:ミヤケ 福井:フクイ 大森:オオモリ
奥村:オクムラ 岡:オカ 内山:ウチヤマ 片岡:カタオカ
"""
_VARIANT_SURNAMES = "髙橋:タカハシ 齋藤:サイトウ 渡邊:ワタナベ 𠮷田:ヨシダ"

# Given names typical of three eras (born before 1960, 1960-1989, from 1990); Faker's own pairs
# are added to every era.
_MALE_NAMES = {
    "old": "清:キヨシ 勝:マサル 茂:シゲル 実:ミノル 進:ススム 博:ヒロシ 勇:イサム 正:タダシ 昭:アキラ "
    "弘:ヒロシ 武:タケシ 三郎:サブロウ 正男:マサオ 和夫:カズオ 幸男:ユキオ 義雄:ヨシオ 敏夫:トシオ "
    "秀夫:ヒデオ 一郎:イチロウ 隆:タカシ 功:イサオ 豊:ユタカ",
    "mid": "誠:マコト 大輔:ダイスケ 健太:ケンタ 拓也:タクヤ 達也:タツヤ 哲也:テツヤ 剛:ツヨシ 健:ケン "
    "隆之:タカユキ 浩二:コウジ 雅人:マサト 直也:ナオヤ 大介:ダイスケ 慎一:シンイチ 貴之:タカユキ "
    "秀樹:ヒデキ 和彦:カズヒコ 俊介:シュンスケ",
    "young": "翔:ショウ 大翔:ヒロト 蓮:レン 悠真:ユウマ 陽翔:ハルト 湊:ミナト 颯太:ソウタ 樹:イツキ "
    "悠人:ユウト 大和:ヤマト 陸:リク 蒼:アオイ 朝陽:アサヒ 律:リツ 海斗:カイト 颯:ハヤテ 優斗:ユウト "
    "健太郎:ケンタロウ 陽向:ヒナタ 結翔:ユイト",
}
_FEMALE_NAMES = {
    "old": "和子:カズコ 幸子:サチコ 節子:セツコ 洋子:ヨウコ 恵子:ケイコ 京子:キョウコ 久美子:クミコ "
    "弘子:ヒロコ 美智子:ミチコ 順子:ジュンコ 悦子:エツコ 文子:フミコ 信子:ノブコ 照子:テルコ "
    "昭子:アキコ 静子:シズコ 清子:キヨコ 敏子:トシコ 登美子:トミコ",
    "mid": "由美:ユミ 真由美:マユミ 智子:トモコ 恵美:エミ 裕子:ユウコ 明子:アキコ 美穂:ミホ 愛:アイ "
    "麻衣:マイ 彩:アヤ 沙織:サオリ 恵:メグミ 美樹:ミキ 綾:アヤ 奈緒:ナオ 純子:ジュンコ 友美:トモミ",
    "young": "陽菜:ヒナ 結愛:ユア 葵:アオイ 凛:リン 芽依:メイ 結菜:ユイナ 美咲:ミサキ 莉子:リコ 紬:ツムギ "
    "さくら:サクラ 杏:アン 咲良:サクラ 彩花:アヤカ 美月:ミヅキ 日葵:ヒマリ 澪:ミオ 心春:コハル "
    "楓:カエデ 花:ハナ 詩:ウタ",
}


def _pairs(text: str) -> list[tuple[str, str]]:
    return [tuple(item.split(":")) for item in text.split()]  # type: ignore[misc]


def _era(birth_year: int) -> str:
    return "old" if birth_year < 1960 else "mid" if birth_year < 1990 else "young"


class _Weighted:
    """Draw from a weighted list with one random() call (cumulative weights + bisect)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


@dataclass(frozen=True)
class ForeignGroup:
    code: str  # 国籍・地域コード (ISO 3166-1 numeric)
    name: str  # 国籍・地域
    country: str  # as written for a 国外 previous address
    weight: float
    surnames: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]


# Shares roughly as in 出入国在留管理庁「在留外国人統計」(2024年末).
FOREIGN_GROUPS: tuple[ForeignGroup, ...] = (
    ForeignGroup("156", "中国", "中華人民共和国", 24, ("WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "ZHAO", "HUANG", "ZHOU", "WU"),
                 ("WEI", "JIAN", "HAO", "YONG", "JUN", "LEI", "TAO", "MING"), ("FANG", "NA", "JING", "LI", "YAN", "XIU", "MEI", "LING")),
    ForeignGroup("704", "ベトナム", "ベトナム社会主義共和国", 17, ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "VU", "DANG", "BUI", "DO"),
                 ("VAN NAM", "VAN HUNG", "MINH TUAN", "DUC ANH", "QUANG HUY", "VAN LONG"), ("THI LAN", "THI HOA", "THI MAI", "NGOC ANH", "THU TRANG", "THI HUONG")),
    ForeignGroup("410", "韓国", "大韓民国", 11, ("KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG"),
                 ("MINJUN", "SEOJUN", "JIHOON", "HYUNWOO", "YOUNGSOO", "SUNGHO"), ("SEOYEON", "JIWOO", "MINJI", "SOYEON", "HYEJIN", "YOUNGHEE")),
    ForeignGroup("608", "フィリピン", "フィリピン共和国", 9, ("SANTOS", "REYES", "CRUZ", "BAUTISTA", "GARCIA", "MENDOZA", "DELA CRUZ"),
                 ("JOSE", "MARK ANTHONY", "JOHN PAUL", "RAMON"), ("MARIA CRISTINA", "MARIA LOURDES", "JOCELYN", "ROSALIE", "MARICEL")),
    ForeignGroup("524", "ネパール", "ネパール", 6, ("SHRESTHA", "GURUNG", "TAMANG", "RAI", "THAPA", "MAGAR"),
                 ("BIKASH", "SURESH", "RAJESH", "DIPAK"), ("SITA", "GITA", "SUNITA", "ANJALI")),
    ForeignGroup("076", "ブラジル", "ブラジル連邦共和国", 6, ("SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "PEREIRA", "COSTA"),
                 ("JOAO", "PEDRO", "LUCAS", "RAFAEL MATSUDA"), ("ANA", "JULIANA", "FERNANDA", "MARIANA SATO")),
    ForeignGroup("360", "インドネシア", "インドネシア共和国", 5, ("SANTOSO", "WIJAYA", "HIDAYAT", "SETIAWAN", "PRATAMA"),
                 ("BUDI", "AGUS", "RIZKY", "DIMAS"), ("SITI", "DEWI", "PUTRI", "AYU")),
    ForeignGroup("104", "ミャンマー", "ミャンマー連邦共和国", 3, ("AUNG", "KYAW", "HTUN", "THANT"),
                 ("MIN HTET", "ZAW WIN", "KYAW ZIN"), ("THIN THIN", "AYE AYE", "SU MYAT")),
    ForeignGroup("158", "台湾", "台湾", 2, ("CHEN", "LIN", "HUANG", "CHANG", "LEE"),
                 ("CHIH-HAO", "CHUN-HUNG", "WEI-LUN"), ("YI-TING", "SHU-FEN", "YA-WEN")),
    ForeignGroup("840", "米国", "アメリカ合衆国", 2, ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "O'BRIEN"),
                 ("JOHN MICHAEL", "DAVID", "JAMES", "ROBERT"), ("EMILY", "SARAH ANN", "JESSICA", "ELIZABETH")),
    ForeignGroup("764", "タイ", "タイ王国", 2, ("SAETANG", "SRISUK", "CHAIYAPORN"), ("SOMCHAI", "ANAN"), ("SUDA", "MALEE")),
)

# 在留資格 of 中長期在留者 with a typical 在留期間 (shares roughly as in the statistics above).
RESIDENCE_STATUSES: tuple[tuple[str, str, float], ...] = (
    ("永住者", "無期限", 30),
    ("技術・人文知識・国際業務", "5年", 15),
    ("留学", "4年3月", 12),
    ("技能実習２号ロ", "2年", 9),
    ("家族滞在", "3年", 8),
    ("特定技能１号", "1年", 8),
    ("定住者", "3年", 7),
    ("日本人の配偶者等", "3年", 6),
    ("永住者の配偶者等", "3年", 2),
    ("経営・管理", "1年", 3),
)

# Japan's population by 5-year age group (国勢調査 2020, millions): 0-4 … 100+.
AGE_PYRAMID = (4.5, 5.0, 5.3, 5.5, 6.0, 6.3, 6.7, 7.5, 8.5, 9.7, 8.7, 7.7, 7.4, 8.3, 9.2, 7.1, 5.4, 3.6, 1.7, 0.5, 0.08)

# Other municipalities (JIS X 0402) for previous addresses, 本籍 and 転出先: neighbours first.
OTHER_CITIES = ("13203", "13204", "13206", "13208", "13211", "13214", "13229", "13115", "13120", "13112",
                "14109", "11103", "12101", "01101", "27127", "23106", "40133", "04101")
_CHOME = "一二三四五六七八九"
_BUILDINGS = ("コーポ{t}", "{t}ハイツ", "メゾン{t}", "グランドパレス{t}", "{t}レジデンス", "サンライズ{t}", "{t}荘", "パークハウス{t}")


@dataclass
class Pools:
    surnames: _Weighted
    male: dict[str, _Weighted]
    female: dict[str, _Weighted]
    foreign: _Weighted
    statuses: _Weighted
    name_pairs: frozenset[tuple[str, str]]  # every (漢字, フリガナ) the pools can produce
    given_pairs: frozenset[tuple[str, str]]


@lru_cache(maxsize=1)
def pools() -> Pools:
    """Name pools, built once per process from Faker's ja_JP pairs and the lists above."""
    from faker.providers.person.ja_JP import Provider as JaPerson

    faker_surnames = [((k, kana), float(w)) for (k, kana, _romaji), w in JaPerson.last_name_pairs.items()]
    lowest = min(w for _, w in faker_surnames)
    extra = [(pair, lowest * 50 / (50 + i)) for i, pair in enumerate(_pairs(_EXTRA_SURNAMES), start=1)]
    variants = [(pair, lowest * 0.15) for pair in _pairs(_VARIANT_SURNAMES)]
    surnames = faker_surnames + extra + variants
    faker_male = [(k, kana) for k, kana, _ in JaPerson.first_name_male_pairs]
    faker_female = [(k, kana) for k, kana, _ in JaPerson.first_name_female_pairs]

    def era_pool(extra_text: str, base: list[tuple[str, str]]) -> _Weighted:
        own = _pairs(extra_text)
        return _Weighted(own + base, [3.0] * len(own) + [1.0] * len(base))

    male = {era: era_pool(text, faker_male) for era, text in _MALE_NAMES.items()}
    female = {era: era_pool(text, faker_female) for era, text in _FEMALE_NAMES.items()}
    given = set(faker_male) | set(faker_female)
    for text in (*_MALE_NAMES.values(), *_FEMALE_NAMES.values()):
        given |= set(_pairs(text))
    return Pools(
        surnames=_Weighted([p for p, _ in surnames], [w for _, w in surnames]),
        male=male,
        female=female,
        foreign=_Weighted(list(FOREIGN_GROUPS), [g.weight for g in FOREIGN_GROUPS]),
        statuses=_Weighted(list(RESIDENCE_STATUSES), [w for *_, w in RESIDENCE_STATUSES]),
        name_pairs=frozenset(p for p, _ in surnames),
        given_pairs=frozenset(given),
    )


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    code: str  # 町字コード
    name: str  # 町字 as it follows the city name in an address
    kana: str
    postal_code: str


@dataclass(frozen=True)
class City:
    code6: str  # 全国地方公共団体コード
    prefecture: str
    name: str
    towns: tuple[Town, ...]

    @property
    def full_name(self) -> str:
        return f"{self.prefecture}{self.name}"


@lru_cache(maxsize=64)
def city(code: str) -> City:
    """A city with its 町字 from the postal data (a 政令指定都市 code gives all its 区)."""
    from jumin.text import postal

    code5 = postal.normalize_city_code(code)
    entries = postal.towns_of_city(code5)
    if not entries:
        raise ValueError(f"郵便番号データに市区町村コード {code5} の町字がありません。")
    first = entries[0]
    name = first.city
    if first.jisx0402 != code5:  # 政令指定都市: the entries are filed under its 区
        m = re.match(r"^(.+?市)", first.city)
        name = m.group(1) if m else first.city
    towns: dict[str, Town] = {}
    for e in entries:
        town_name = e.city[len(name):] + e.town
        if town_name not in towns:
            towns[town_name] = Town(code=f"{len(towns) + 1:04d}00", name=town_name, kana=e.town_kana,
                                    postal_code=e.postal_code)
    return City(code6=idr.with_check_digit(code5), prefecture=first.prefecture, name=name, towns=tuple(towns.values()))


# --------------------------------------------------------------------------------------------
# Stories: households and what happened to them, as 異動 inputs (pure, deterministic)
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PersonSpec:
    """One person as the write path stores them after parsing (dates are ``date`` objects)."""

    data: dict[str, Any]


@dataclass(slots=True)
class Event:
    kind: str  # TransactionKind value
    date: dt.date
    notified: dt.date
    members: tuple[int, ...]  # indices into Story.persons
    address: tuple[int, str, str] | None = None  # (town index, 番地, 方書)
    other: dict[str, str] | None = None  # previous_address / destination


@dataclass(slots=True)
class Story:
    persons: list[PersonSpec]
    events: list[Event]
    residents: int  # members still residents after the last event


def _fold11(total: int) -> int:
    r = total % 11
    return 0 if r <= 1 else 11 - r


_ATENA_WEIGHTS = tuple(2 + i % 6 for i in reversed(range(idr.ATENA_NUMBER_WIDTH - 1)))


def fast_atena_number(seq: int) -> str:
    """``identifiers.rules.make_atena_number`` for the default width, without its argument
    checks (the bulk path makes millions; tests assert both agree)."""
    body = f"{seq:09d}"
    return body + str(_fold11(sum(map(mul, map(int, body), _ATENA_WEIGHTS))))


class _Numbers:
    """Unique random identifiers (住民票コード, 個人番号, 在留カード番号) from the story's RNG.
    Check digits use the weights of ``jumin.identifiers.rules`` (tests validate every number
    generated with the ``validate_*`` functions there)."""

    LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def __init__(self, rng: random.Random):
        self.random = rng.random
        self.seen: set[str] = set()

    def juminhyo_code(self) -> str:
        while True:
            body = f"{int(self.random() * 10**10):010d}"
            code = body + str(_fold11(sum(map(mul, map(int, body), idr.JUMINHYO_CODE_WEIGHTS))))
            if code not in self.seen:
                self.seen.add(code)
                return code

    def my_number(self) -> str:
        while True:
            body = f"{10**10 + int(self.random() * 9 * 10**10):011d}"
            number = body + str(_fold11(sum(map(mul, map(int, body), idr.MY_NUMBER_WEIGHTS))))
            if number not in self.seen:
                self.seen.add(number)
                return number

    def residence_card(self) -> str:
        letters, rnd = self.LETTERS, self.random
        while True:
            number = (letters[int(rnd() * 26)] + letters[int(rnd() * 26)] + f"{int(rnd() * 10**8):08d}"
                      + letters[int(rnd() * 26)] + letters[int(rnd() * 26)])
            if number not in self.seen:
                self.seen.add(number)
                return number


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class StoryGenerator:
    """Households and their 異動, drawn from ``random.Random(seed)``."""

    def __init__(self, seed: int, home: City, *, reference: dt.date = REFERENCE_DATE):
        self.rng = random.Random(seed)
        self.home = home
        self.ref = reference
        self.pools = pools()
        self.numbers = _Numbers(self.rng)
        self.others = [city(c) for c in OTHER_CITIES]
        self._age_cache: dict[tuple[int, int], _Weighted] = {}
        self.ordinal_ref = reference.toordinal()

    # -- small draws ----------------------------------------------------------------------

    def below(self, n: int) -> int:
        """A uniform integer in [0, n) (one ``random()`` call: faster than ``randrange``)."""
        return int(self.rng.random() * n)

    def pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def age(self, lo: int, hi: int) -> int:
        """An age in [lo, hi] following the population pyramid."""
        key = (lo, hi)
        w = self._age_cache.get(key)
        if w is None:
            ages = list(range(lo, hi + 1))
            w = self._age_cache[key] = _Weighted(ages, [AGE_PYRAMID[min(a // 5, 20)] for a in ages])
        return w.draw(self.rng)

    def birth_date(self, age: int) -> dt.date:
        """A birth date such that the person is ``age`` on the reference date."""
        return dt.date.fromordinal(self.ordinal_ref - age * 365 - 1 - self.below(364) - age // 4)

    def date_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return hi
        return dt.date.fromordinal(lo.toordinal() + self.below(hi.toordinal() - lo.toordinal() + 1))

    def notified(self, event: dt.date) -> dt.date:
        return min(event + dt.timedelta(days=self.below(14)), self.ref)

    def address(self, town: int | None = None) -> tuple[int, str, str]:
        r = self.rng
        t = self.below(len(self.home.towns)) if town is None else town
        number = f"{_CHOME[self.below(5)]}丁目{1 + self.below(30)}番{1 + self.below(25)}号"
        katagaki = ""
        if r.random() < 0.42:
            building = self.pick(_BUILDINGS).format(t=self.home.towns[t].name[:2])
            katagaki = f"{building}{1 + self.below(5)}{1 + self.below(12):02d}"
        return (t, number, katagaki)

    def other_address(self) -> tuple[City, str]:
        c = self.others[min(int(self.rng.expovariate(0.35)), len(self.others) - 1)]
        t = self.pick(c.towns)
        return c, f"{c.prefecture}{c.name}{t.name}{_CHOME[self.below(4)]}丁目{1 + self.below(30)}番{1 + self.below(25)}号"

    def honseki(self) -> str:
        """本籍: a quarter in the city itself, the others in the cities people come from."""
        r = self.rng
        if r.random() < 0.25:
            c = self.home
            t = self.pick(c.towns)
        else:
            c = self.others[self.below(len(self.others))]
            t = self.pick(c.towns)
        return f"{c.prefecture}{c.name}{t.name}{_CHOME[self.below(4)]}丁目{1 + self.below(39)}番地"

    # -- persons --------------------------------------------------------------------------

    def japanese(self, *, surname: tuple[str, str], sex: str, age: int, relationship: str,
                 honseki: str, hittosha: str) -> PersonSpec:
        birth = self.birth_date(age)
        pool = self.pools.male if sex == "1" else self.pools.female
        given, given_kana = pool[_era(birth.year)].draw(self.rng)
        data = {
            "resident_type": "japanese",
            "family_name": surname[0], "given_name": given,
            "family_name_kana": surname[1], "given_name_kana": given_kana,
            "birth_date": birth, "sex": sex, "relationship": relationship,
            "honseki": honseki, "hittosha": hittosha or "",
        }
        return PersonSpec(data)

    def foreign(self, group: ForeignGroup, *, surname: str, sex: str, age: int, relationship: str,
                special: bool, status: tuple[str, str, float] | None) -> PersonSpec:
        r = self.rng
        given = self.pick(group.male if sex == "1" else group.female)
        data: dict[str, Any] = {
            "resident_type": "foreign",
            "alphabet_name": f"{surname} {given}",
            "birth_date": self.birth_date(age), "sex": sex, "relationship": relationship,
            "nationality_code": group.code, "nationality_name": group.name,
            "residence_card_number": self.numbers.residence_card(),
        }
        if special:
            data["foreign_category"] = "special_permanent"
            if r.random() < 0.6:  # 通称 (令第30条の16), commonly used by 特別永住者
                alias = self.pools.surnames.draw(r)
                alias_given = (self.pools.male if sex == "1" else self.pools.female)["mid"].draw(r)
                data["alias"] = alias[0] + alias_given[0]
                data["alias_kana"] = alias[1] + alias_given[1]
        else:
            name, period, _ = status or self.pools.statuses.draw(r)
            data["foreign_category"] = "mid_long_term"
            data["residence_status"] = name
            data["period_of_stay"] = period
            data["stay_expires_on"] = self.ref + dt.timedelta(days=60 + self.below(5 * 365 - 60))
        return PersonSpec(data)

    def finish_person(self, spec: PersonSpec, arrival: dt.date) -> None:
        """Identifiers and the insurance items known at entry."""
        d = spec.data
        d["juminhyo_code"] = self.numbers.juminhyo_code()
        d["my_number"] = self.numbers.my_number()
        birth = d["birth_date"]
        age = (self.ref - birth).days // 365
        if d["resident_type"] == "japanese" and age >= 18:
            d["elector_registered"] = True
        if age >= 65:
            d["care_insured"] = True
            d["care_acquired_on"] = max(_add_years(birth, 65), arrival)
        if age >= 75:
            d["elderly_insured"] = True
            d["elderly_acquired_on"] = max(_add_years(birth, 75), arrival)
        elif age >= 65 or (age >= 20 and self.rng.random() < 0.18):
            d["nhi_insured"] = True
            d["nhi_acquired_on"] = arrival

    # -- households -----------------------------------------------------------------------

    def household(self, *, single_only: bool = False) -> Story:
        r = self.rng
        if not single_only and r.random() < 0.026:
            return self._foreign_household()
        kind = "single" if single_only else ("single", "couple", "family", "single_parent", "three_gen")[
            bisect.bisect_right((0.38, 0.58, 0.83, 0.92), r.random())]
        surname = self.pools.surnames.draw(r)
        persons: list[PersonSpec] = []
        if kind == "single":
            age = self.age(20, 34) if r.random() < 0.3 else self.age(18, 100)
            sex = "1" if r.random() < 0.52 else "2"
            honseki = self.honseki()
            person = self.japanese(surname=surname, sex=sex, age=age, relationship="世帯主", honseki=honseki, hittosha="")
            if age < 30 or r.random() < 0.4:  # still in the parents' 戸籍
                father = self.pools.male["old" if age > 45 else "mid"].draw(r)[0]
                person.data["hittosha"] = surname[0] + father
            else:
                person.data["hittosha"] = surname[0] + person.data["given_name"]
            persons.append(person)
        else:
            head_female = r.random() < (0.85 if kind == "single_parent" else 0.06)
            if kind == "couple":  # 夫婦のみ: mostly after the children have left
                lo, hi = (60, 95) if r.random() < 0.7 else (25, 59)
            else:
                lo, hi = {"family": (30, 70), "single_parent": (25, 60), "three_gen": (35, 62)}[kind]
            head_age = self.age(lo, hi)
            honseki = self.honseki()
            head = self.japanese(surname=surname, sex="2" if head_female else "1", age=head_age,
                                 relationship="世帯主", honseki=honseki, hittosha="")
            head.data["hittosha"] = surname[0] + head.data["given_name"]
            persons.append(head)
            youngest_parent = head_age
            if kind != "single_parent":
                spouse_age = max(20, min(100, head_age + int(r.gauss(-2, 3))))
                youngest_parent = min(head_age, spouse_age)
                persons.append(self.japanese(surname=surname, sex="1" if head_female else "2", age=spouse_age,
                                             relationship="夫" if head_female else "妻",
                                             honseki=honseki, hittosha=head.data["hittosha"]))
            if kind in ("family", "single_parent", "three_gen"):
                n_children = (1, 2, 3)[bisect.bisect_right((0.45, 0.87), r.random())]
                if kind == "single_parent":
                    n_children = min(n_children, 2)
                for _ in range(n_children):
                    # the mother's or father's age at the birth, about 31 (人口動態統計); grown-up
                    # children often still live at home; a child not yet born is left out
                    age = youngest_parent - int(r.gauss(31, 4.5))
                    if age < 0:
                        continue
                    persons.append(self.japanese(surname=surname, sex="1" if r.random() < 0.51 else "2",
                                                 age=min(age, 45), relationship="子",
                                                 honseki=honseki, hittosha=head.data["hittosha"]))
            if kind == "three_gen":
                elder_father = ""
                for rel, sex in (("父", "1"), ("母", "2")):
                    if rel == "母" or r.random() < 0.6:
                        age = min(100, head_age + 24 + self.below(13))
                        elder = self.japanese(surname=surname, sex=sex, age=age, relationship=rel,
                                              honseki=honseki, hittosha="")
                        if rel == "父":
                            elder_father = elder.data["given_name"]
                        elder.data["hittosha"] = surname[0] + (elder_father or self.pools.male["old"].draw(r)[0])
                        persons.append(elder)
        return self._history(persons, foreign=False)

    def _foreign_household(self) -> Story:
        r = self.rng
        group: ForeignGroup = self.pools.foreign.draw(r)
        special = group.code == "410" and r.random() < 0.5
        surname = self.pick(group.surnames)
        kind = ("single", "couple", "family")[bisect.bisect_right((0.62, 0.78), r.random())]
        if special:
            kind = ("single", "couple", "family")[bisect.bisect_right((0.4, 0.7), r.random())]
        status = self.pools.statuses.draw(r)
        lo, hi = (40, 95) if special else (19, 45) if status[0] in ("留学", "技能実習２号ロ", "特定技能１号") else (22, 70)
        head_age = self.age(lo, hi)
        head_sex = "1" if r.random() < 0.6 else "2"
        persons = [self.foreign(group, surname=surname, sex=head_sex, age=head_age, relationship="世帯主",
                                special=special, status=status)]
        if kind in ("couple", "family"):
            spouse_sex = "2" if head_sex == "1" else "1"
            spouse_status = None if special else (("家族滞在", "3年", 0) if status[0] not in ("永住者", "定住者") else status)
            persons.append(self.foreign(group, surname=surname, sex=spouse_sex,
                                        age=max(19, head_age + int(r.gauss(-2, 3))),
                                        relationship="妻" if spouse_sex == "2" else "夫",
                                        special=special, status=spouse_status))
        if kind == "family":
            for _ in range(self.pick((1, 1, 2))):
                persons.append(self.foreign(group, surname=surname, sex="1" if r.random() < 0.5 else "2",
                                            age=self.below(max(0, min(head_age - 22, 20)) + 1), relationship="子",
                                            special=special,
                                            status=None if special else (status if status[0] in ("永住者", "定住者") else ("家族滞在", "3年", 0))))
        return self._history(persons, foreign=True, from_abroad=not special and r.random() < 0.6)

    def _history(self, persons: list[PersonSpec], *, foreign: bool, from_abroad: bool = False) -> Story:
        r = self.rng
        ref = self.ref
        head = persons[0].data
        # everyone but the children was at least 18 at the 転入; foreigners since 平成24年7月9日
        earliest = max([dt.date(1990, 1, 1), FOREIGN_EVENTS_FROM if foreign else dt.date.min]
                       + [_add_years(p.data["birth_date"], 18) for p in persons if p.data["relationship"] != "子"])
        latest = ref - dt.timedelta(days=45)
        # recent arrivals are more frequent than old ones (people move, die, and leave)
        span = max(0, (latest - earliest).days)
        d0 = latest - dt.timedelta(days=int(span * r.random() ** 1.6)) if span else latest
        at_entry = [i for i, p in enumerate(persons) if p.data["birth_date"] <= d0 or p.data["relationship"] != "子"]
        born_later = [i for i in range(len(persons)) if i not in at_entry]
        for i in at_entry:
            self.finish_person(persons[i], d0)
        address = self.address()
        if from_abroad:
            group_country = next(g.country for g in FOREIGN_GROUPS if g.code == head["nationality_code"])
            other = {"address": group_country, "municipality_code": "", "head_name": ""}
            kind = "move_in_from_abroad"
        else:
            c, addr = self.other_address()
            head_name = (f"{head['family_name']}\u3000{head['given_name']}" if head["resident_type"] == "japanese"
                         else head["alphabet_name"])
            other = {"address": addr, "municipality_code": c.code6, "head_name": head_name}
            kind = "move_in"
        events = [Event(kind, d0, self.notified(d0), tuple(at_entry), address=address, other=other)]
        later: list[Event] = []
        for i in born_later:
            b = persons[i].data["birth_date"]
            self.finish_person(persons[i], b)
            later.append(Event("birth", b, self.notified(b), (i,)))
        removed = False
        if r.random() < 0.16 and (ref - d0).days > 90:
            d1 = self.date_between(d0 + dt.timedelta(days=60), ref - dt.timedelta(days=20))
            new_address = self.address()
            while new_address[:2] == address[:2]:
                new_address = self.address()
            later.append(Event("move_within", d1, self.notified(d1), (), address=new_address))
        later.sort(key=lambda e: e.date)
        events += later
        last = events[-1].date
        # deaths: an elderly parent in a three-generation household, a spouse, or a person living alone
        dead: int | None = None
        for i, p in enumerate(persons):
            age = (ref - p.data["birth_date"]).days // 365
            if p.data["relationship"] in ("父", "母", "妻", "夫") and age >= 70 and r.random() < 0.12:
                dead = i
                break
        if dead is None and len(persons) == 1 and (ref - head["birth_date"]).days // 365 >= 72 and r.random() < 0.12:
            dead = 0
        if dead is not None and (ref - last).days <= 10:
            dead = None  # too close to the reference date: nobody dies after all
        if dead is not None:
            when = self.date_between(last + dt.timedelta(days=1), ref - dt.timedelta(days=5))
            events.append(Event("death", when, self.notified(when), (dead,)))
            last = when
            removed = dead == 0
        if not removed and r.random() < 0.04 and (ref - last).days > 10:
            when = self.date_between(last + dt.timedelta(days=1), ref - dt.timedelta(days=2))
            c, addr = self.other_address()
            events.append(Event("move_out", when, self.notified(when), (), other={"address": addr, "municipality_code": c.code6, "head_name": ""}))
            removed = True
        residents = 0 if removed else len(persons) - (1 if dead is not None else 0)
        return Story(persons=persons, events=events, residents=residents)

    def stories(self, residents: int) -> Iterator[Story]:
        """Households until exactly ``residents`` persons are current residents."""
        count = 0
        while count < residents:
            story = self.household()
            if count + story.residents > residents:
                story = self.household(single_only=True)
                if story.residents != 1:  # died or moved out: keep drawing singles
                    yield story
                    continue
            count += story.residents
            yield story


# --------------------------------------------------------------------------------------------
# Writing through the services (the real write path)
# --------------------------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def person_input(spec: PersonSpec) -> dict[str, Any]:
    """The 異動届 input of one new person, as a clerk or the API would send it."""
    return {k: _iso(v) for k, v in spec.data.items()}


def _address_input(home: City, address: tuple[int, str, str]) -> dict[str, str]:
    t, number, katagaki = address
    return {"area_code": home.towns[t].code, "address_number": number, "katagaki": katagaki}


def event_input(event: Event, story: Story, home: City, atenas: dict[int, str], household: str | None) -> dict[str, Any]:
    """The input of ``services.submit`` for one event of a story."""
    data: dict[str, Any] = {"event_date": event.date.isoformat(), "notified_on": event.notified.isoformat()}
    current = list(atenas)  # residents in the order they were recorded
    if event.kind in ("move_in", "move_in_from_abroad"):
        data["address"] = _address_input(home, event.address)  # type: ignore[arg-type]
        data["previous_address"] = dict(event.other or {})
        data["persons"] = [person_input(story.persons[i]) for i in event.members]
    elif event.kind == "birth":
        data["household_number"] = household
        data["child"] = person_input(story.persons[event.members[0]])
    elif event.kind == "move_within":
        data["persons"] = [atenas[i] for i in current]
        data["address"] = _address_input(home, event.address)  # type: ignore[arg-type]
    elif event.kind == "death":
        data["persons"] = [atenas[event.members[0]]]
    elif event.kind == "move_out":
        data["persons"] = [atenas[i] for i in current]
        data["destination"] = dict(event.other or {})
    else:  # pragma: no cover
        raise ValueError(event.kind)
    return data


# --------------------------------------------------------------------------------------------
# Setup shared by both paths
# --------------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    method: str
    households: int = 0
    persons: int = 0
    residents: int = 0
    removed: int = 0
    foreign: int = 0
    versions: int = 0
    transactions: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    index_timings: list[tuple[str, float]] = field(default_factory=list)


def setup_municipality(code: str = DEFAULT_CITY):
    """The 自団体 and its 町字 (idempotent). Returns (Municipality, City)."""
    from .models import Area, Municipality

    home = city(code)
    m = Municipality.own()
    if m is None:
        m, _ = Municipality.objects.get_or_create(
            code=home.code6,
            defaults={"name": home.name, "prefecture": home.prefecture,
                      "mayor_title": f"{home.prefecture}{home.name}長", "is_self": True},
        )
        if not m.is_self:
            m.is_self = True
            m.save(update_fields=["is_self"])
    elif m.code != home.code6:
        raise ValueError(f"自団体は既に {m} （{m.code}）として設定されています。")
    existing = set(Area.objects.filter(municipality=m).values_list("code", flat=True))
    Area.objects.bulk_create([
        Area(municipality=m, code=t.code, name=t.name, kana=t.kana, postal_code=t.postal_code)
        for t in home.towns if t.code not in existing
    ])
    return m, home


def _request_context(seed: int):
    from jumin.core import context

    return context.set_current(context.RequestContext(request_id=f"seed-{seed}", terminal="jumin seed", channel="batch"))


def load_with_services(residents: int, seed: int, *, code: str = DEFAULT_CITY,
                       progress: Callable[[str], None] | None = None) -> SeedResult:
    """Generate and submit every 異動 through ``services.submit`` as the system actor."""
    from jumin.core import context

    from . import services

    started = time.monotonic()
    _, home = setup_municipality(code)
    actor = system_actor()
    token = _request_context(seed)
    result = SeedResult(method="services")
    try:
        for story in StoryGenerator(seed, home).stories(residents):
            atenas: dict[int, str] = {}
            household: str | None = None
            for event in story.events:
                data = event_input(event, story, home, atenas, household)
                try:
                    res = services.submit(actor=actor, kind=event.kind, data=data)
                except services.AlertsRequireAcknowledgement as exc:
                    # e.g. a namesake 除票 (move_in.possible_returning_resident): checked, not the same person
                    res = services.submit(actor=actor, kind=event.kind, data=data, acknowledged=[i.code for i in exc.issues])
                result.transactions += 1
                result.versions += len(res.atena_numbers)
                if event.kind in ("move_in", "move_in_from_abroad", "birth"):
                    members = event.members
                    for i, atena in zip(members, res.atena_numbers):
                        atenas[i] = atena
                    household = household or res.household_numbers[0]
                elif event.kind in ("death",):
                    atenas.pop(event.members[0], None)
                elif event.kind == "move_out":
                    atenas.clear()
            _count_story(result, story)
            if progress and result.households % 200 == 0:
                progress(f"{result.residents:,} 人")
    finally:
        context.reset(token)
    result.seconds = time.monotonic() - started
    return result


def _count_story(result: SeedResult, story: Story) -> None:
    result.households += 1
    result.persons += len(story.persons)
    result.residents += story.residents
    result.removed += len(story.persons) - story.residents
    if story.persons[0].data["resident_type"] == "foreign":
        result.foreign += story.residents


# --------------------------------------------------------------------------------------------
# Bulk path: the same rows, written in batches
# --------------------------------------------------------------------------------------------


def _template(model) -> dict[str, Any]:
    from django.db.models import JSONField

    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.has_default():
            v = f.get_default()
        elif f.null:
            v = None
        else:
            v = ""
        if isinstance(f, JSONField):
            v = json.dumps(v)
        out[f.attname] = v
    return out


class _Columns:
    """Column lists and row getters for the four tables, derived from the models."""

    def __init__(self) -> None:
        from .models import RECORD_FIELDS, Household, Person, PersonVersion, Transaction

        self.person = [f.attname for f in Person._meta.concrete_fields]
        record = [f.attname for f in Person._meta.concrete_fields if f.name in RECORD_FIELDS]
        version_all = {f.attname for f in PersonVersion._meta.concrete_fields}
        self.version_meta = ["id", "person_id", "atena_number", "history_no", "transaction_id", "reason",
                             "event_date", "event_date_text", "reported_on", "recorded_at", "operator_id"]
        self.version = record + self.version_meta
        assert set(self.version) == version_all, sorted(version_all ^ set(self.version))
        self.household = [f.attname for f in Household._meta.concrete_fields]
        self.transaction = [f.attname for f in Transaction._meta.concrete_fields]
        self.person_row = itemgetter(*self.person)
        self.record_row = itemgetter(*record)
        self.transaction_row = itemgetter(*self.transaction)
        self.household_row = itemgetter(*self.household)
        self.person_template = _template(Person)
        self.transaction_template = _template(Transaction)
        self.household_template = _template(Household)
        self.tables = {
            "household": Household._meta.db_table,
            "transaction": Transaction._meta.db_table,
            "person": Person._meta.db_table,
            "version": PersonVersion._meta.db_table,
        }


class _Sequences:
    """Where numbering and primary keys continue (PostgreSQL sequences or NumberSequence rows)."""

    def __init__(self, vendor: str, cursor, tables: dict[str, str]):
        self.vendor = vendor
        self.start: dict[str, int] = {}
        for name in ("atena", "household", "document"):
            if vendor == "postgresql":
                cursor.execute(f"SELECT last_value, is_called FROM jumin_seq_{name}")
                last, called = cursor.fetchone()
                self.start[name] = last if called else last - 1
            else:
                cursor.execute("SELECT last_value FROM registry_numbersequence WHERE name = %s", [name])
                row = cursor.fetchone()
                self.start[name] = row[0] if row else 0
        self.ids: dict[str, int] = {}
        for key, table in tables.items():
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            self.ids[key] = cursor.fetchone()[0]

    def save(self, cursor, used: dict[str, int], tables: dict[str, str]) -> None:
        for name, last in used.items():
            if self.vendor == "postgresql":
                if last > 0:
                    cursor.execute(f"SELECT setval('jumin_seq_{name}', %s, true)", [last])
            else:
                cursor.execute("SELECT 1 FROM registry_numbersequence WHERE name = %s", [name])
                if cursor.fetchone():
                    cursor.execute("UPDATE registry_numbersequence SET last_value = %s WHERE name = %s", [last, name])
                else:
                    cursor.execute("INSERT INTO registry_numbersequence (name, last_value) VALUES (%s, %s)", [name, last])
        if self.vendor == "postgresql":
            for table in tables.values():
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM \"{table}\"), 1), "
                    f"(SELECT COUNT(*) > 0 FROM \"{table}\"))"
                )


class RowBuilder:
    """Replays stories as the planner (rules.transactions) and ``services._apply`` would, producing
    the rows of Household, Transaction, Person and PersonVersion."""

    def __init__(self, home: City, areas: dict[str, int], operator_id: int, seq: _Sequences, *,
                 vendor: str, seed: int, encrypt: Callable[[str], str], digest: Callable[[str], str]):
        from . import services

        self.home = home
        self.area_ids = [areas[t.code] for t in home.towns]
        self.prefix = f"{home.prefecture}{home.name}"
        self.operator_id = operator_id
        self.cols = _Columns()
        self.vendor = vendor
        self.seed = seed
        self.encrypt = encrypt
        self.digest = digest
        self.blank = self.cols.person_template
        self.search_keys = services.search_keys
        self._keys_cache: dict[tuple, dict[str, str]] = {}
        self.next_id = dict(seq.ids)
        self.last = dict(seq.start)
        self.payload = json.dumps({"source": "seed", "seed": seed, "note": "合成データ（一括投入）"})
        self.rows: dict[str, list[tuple]] = {"household": [], "transaction": [], "person": [], "version": []}
        self.result = SeedResult(method="bulk")

    # -- helpers --------------------------------------------------------------------------

    def _id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def _seq(self, name: str) -> int:
        self.last[name] += 1
        return self.last[name]

    def _timestamp(self, day: dt.date, n: int) -> dt.datetime:
        # 09:00 JST on the 届出日, spread over the office day; UTC as Django stores it
        ts = dt.datetime(day.year, day.month, day.day, 0, 0, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=(n * 37) % 28800)
        return ts.replace(tzinfo=None) if self.vendor == "sqlite" else ts

    def _keys(self, rec: dict) -> dict[str, str]:
        k = (rec["family_name_kana"], rec["given_name_kana"], rec["family_name"], rec["given_name"],
             rec["alphabet_name"], rec["alias_kana"])
        keys = self._keys_cache.get(k)
        if keys is None:
            keys = self._keys_cache[k] = self.search_keys(rec)
        return keys

    def _address(self, address: tuple[int, str, str]) -> dict[str, Any]:
        t, number, katagaki = address
        town = self.home.towns[t]
        return {"area_id": self.area_ids[t], "postal_code": town.postal_code,
                "address": f"{self.prefix}{town.name}{number}", "address_number": number, "katagaki": katagaki}

    def _new_person(self, spec: PersonSpec) -> dict[str, Any]:
        rec = dict(self.blank)
        data = spec.data
        for key, value in data.items():
            if key != "my_number":
                rec[key] = value
        my_number = data.get("my_number")
        if my_number:
            rec["my_number_cipher"] = self.encrypt(my_number)
            rec["my_number_digest"] = self.digest(my_number)
        rec["id"] = self._id("person")
        rec["atena_number"] = fast_atena_number(self._seq("atena"))
        return rec

    def _version(self, rec: dict, tx: tuple, reason: str, event: Event) -> None:
        rec["history_no"] += 1
        rec["pending_transaction_id"] = None
        rec.update(self._keys(rec))
        meta = (self._id("version"), rec["id"], rec["atena_number"], rec["history_no"], tx[0], reason,
                event.date, "", event.notified, tx[1], self.operator_id)
        self.rows["version"].append(self.cols.record_row(rec) + meta)

    def _transaction(self, event: Event, subjects: list[str]) -> tuple[int, dt.datetime]:
        t = dict(self.cols.transaction_template)
        n = self._seq("document")
        tid = self._id("transaction")
        ts = self._timestamp(event.notified, n)
        t.update(id=tid, document_number=f"{event.notified.year}-{n:08d}", kind=event.kind, status="committed",
                 event_date=event.date, event_date_text="", notified_on=event.notified, processed_at=ts,
                 late_notification=False, operator_id=self.operator_id, terminal="jumin seed", channel="batch",
                 payload=self.payload, acknowledged_alerts="[]", subjects=json.dumps(subjects))
        self.rows["transaction"].append(self.cols.transaction_row(t))
        return tid, ts

    # -- one household --------------------------------------------------------------------

    def add(self, story: Story) -> None:
        recs: dict[int, dict] = {}
        current: list[int] = []  # person indices that are residents, in member order
        household_id = self._id("household")
        household_number = fast_atena_number(self._seq("household"))  # same layout (j130)
        version = 0
        created = None
        for event in story.events:
            kind = event.kind
            if kind in ("move_in", "move_in_from_abroad"):
                addr = self._address(event.address)  # type: ignore[arg-type]
                other = event.other or {}
                changed = []
                for order, i in enumerate(event.members, start=1):
                    rec = self._new_person(story.persons[i])
                    if rec["resident_type"] == "foreign" and not rec["became_foreign_resident_on"]:
                        rec["became_foreign_resident_on"] = event.date
                    rec.update(addr)
                    rec.update(status="resident", household_id=household_id, member_order=order,
                               became_resident_on=event.date, address_set_on=event.date,
                               notified_on=event.notified, remarks="",
                               prev_address=other.get("address", "") or ("国外" if kind == "move_in_from_abroad" else ""),
                               prev_address_katagaki=other.get("katagaki", ""),
                               prev_municipality_code=other.get("municipality_code", ""),
                               prev_head_name=other.get("head_name", ""))
                    recs[i] = rec
                    current.append(i)
                    changed.append(i)
            elif kind == "birth":
                i = event.members[0]
                rec = self._new_person(story.persons[i])
                head = recs[current[0]]
                for key in ("area_id", "postal_code", "address", "address_number", "katagaki"):
                    rec[key] = head[key]
                birth = rec["birth_date"]
                rec.update(status="resident", household_id=household_id,
                           member_order=max(recs[j]["member_order"] for j in current) + 1,
                           became_resident_on=birth, became_resident_text="", address_set_on=birth,
                           address_set_text="", notified_on=event.notified, remarks="")
                if rec["resident_type"] == "foreign":
                    rec["foreign_category"] = rec["foreign_category"] or "transitional_birth"
                    rec["became_foreign_resident_on"] = birth
                recs[i] = rec
                current.append(i)
                changed = [i]
            elif kind == "move_within":
                addr = self._address(event.address)  # type: ignore[arg-type]
                changed = list(current)
                for i in changed:
                    rec = recs[i]
                    before = rec["address"]
                    rec.update(addr)
                    rec.update(address_set_on=event.date, notified_on=event.notified, before_move_address=before)
            elif kind == "death":
                i = event.members[0]
                recs[i].update(status="removed", removal_kind="death", removed_on=event.date, removed_text="")
                current.remove(i)
                changed = [i]
            elif kind == "move_out":
                other = event.other or {}
                changed = list(current)
                for i in changed:
                    recs[i].update(move_out_address=other.get("address", ""), move_out_katagaki="",
                                   move_out_municipality_code=other.get("municipality_code", ""),
                                   move_out_head_name=other.get("head_name", ""), move_out_planned_on=event.date,
                                   status="removed", removal_kind="move_out", removed_on=event.date, removed_text="")
                current.clear()
            else:  # pragma: no cover
                raise ValueError(kind)
            tx = self._transaction(event, [recs[i]["atena_number"] for i in changed])
            created = created or tx[1]
            for i in changed:
                self._version(recs[i], tx, kind, event)
            version += 1
            self.result.transactions += 1
            self.result.versions += len(changed)
        self.rows["household"].append(self.cols.household_row(
            self.cols.household_template | {"id": household_id, "number": household_number, "version": version,
                                             "created_at": created}))
        person_row = self.cols.person_row
        self.rows["person"].extend(person_row(recs[i]) for i in sorted(recs, key=lambda i: recs[i]["id"]))
        _count_story(self.result, story)

    def used(self) -> dict[str, int]:
        return dict(self.last)


class _Writer:
    """Batches of rows into the four tables: COPY on PostgreSQL, executemany on SQLite."""

    ORDER = ("household", "transaction", "person", "version")

    def __init__(self, connection, cols: _Columns):
        self.connection = connection
        self.vendor = connection.vendor
        self.cols = {"household": cols.household, "transaction": cols.transaction, "person": cols.person,
                     "version": cols.version}
        self.tables = cols.tables
        self.seconds = 0.0
        self.freeze = False  # set when the tables were truncated in this transaction (COPY FREEZE)

    def write(self, rows: dict[str, list[tuple]]) -> None:
        started = time.monotonic()
        with self.connection.cursor() as cursor:
            for key in self.ORDER:
                batch = rows[key]
                if not batch:
                    continue
                table, cols = self.tables[key], self.cols[key]
                if self.vendor == "postgresql":
                    raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
                    names = ", ".join(f'"{c}"' for c in cols)
                    options = " WITH (FREEZE)" if self.freeze else ""
                    with raw.copy(f'COPY "{table}" ({names}) FROM STDIN{options}') as copy:
                        write_row = copy.write_row
                        for row in batch:
                            write_row(row)
                else:
                    names = ", ".join(f'"{c}"' for c in cols)
                    marks = ", ".join(["%s"] * len(cols))
                    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', batch)
                batch.clear()
        self.seconds += time.monotonic() - started


class _Producer:
    """Batches of rows from the row builder, in this process."""

    def __init__(self, stories: Iterable[Story], builder: RowBuilder, batch: int):
        self.stories = stories
        self.builder = builder
        self.batch = batch
        self.residents = 0

    def _take(self) -> dict[str, list[tuple]]:
        rows = self.builder.rows
        self.builder.rows = {key: [] for key in rows}
        return rows

    def __iter__(self) -> Iterator[dict[str, list[tuple]]]:
        b = self.builder
        for story in self.stories:
            b.add(story)
            if len(b.rows["person"]) >= self.batch:
                self.residents = b.result.residents
                yield self._take()
        self.residents = b.result.residents
        yield self._take()

    def finish(self) -> tuple[SeedResult, dict[str, int]]:
        return self.builder.result, self.builder.used()


class _ForkedProducer(_Producer):
    """The same batches built in a forked child process while this process writes the previous
    batch: generation (Python, one core) and COPY (mostly the server, the other core) overlap.
    A thread would not do: both halves need the GIL. The child never touches the database (it
    inherits the connection object but does not use it, and leaves through ``os._exit``)."""

    def __iter__(self) -> Iterator[dict[str, list[tuple]]]:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.queue = ctx.Queue(maxsize=3)
        self.process = ctx.Process(target=self._run, name="jumin-seed-rows", daemon=True)
        self.process.start()
        self.done: tuple | None = None
        try:
            import queue

            while True:
                try:
                    kind, payload = self.queue.get(timeout=2)
                except queue.Empty:
                    if not self.process.is_alive():
                        raise RuntimeError(f"合成データの生成プロセスが終了しました（終了コード {self.process.exitcode}）。") from None
                    continue
                if kind == "rows":
                    self.residents, rows = payload
                    yield rows
                elif kind == "done":
                    self.done = payload
                    return
                else:
                    raise RuntimeError(f"合成データの生成に失敗しました:\n{payload}")
        finally:
            if self.process.is_alive() and self.done is None:
                self.process.terminate()
            self.process.join(timeout=10)

    def _run(self) -> None:
        try:
            for rows in super().__iter__():
                self.queue.put(("rows", (self.residents, rows)))
            self.queue.put(("done", (self.builder.result, self.builder.used())))
        except BaseException:  # noqa: BLE001 - reported to the parent
            import traceback

            self.queue.put(("error", traceback.format_exc()))
        finally:
            self.queue.close()
            self.queue.join_thread()

    def finish(self) -> tuple[SeedResult, dict[str, int]]:
        assert self.done is not None
        return self.done


FORK_THRESHOLD = 50_000
"""Residents from which the bulk path builds rows in a forked process (PostgreSQL, POSIX)."""


class _PgFastLoad:
    """pg_restore-style load into empty tables, inside the caller's transaction.

    * Foreign keys: with a superuser, ``session_replication_role = replica`` for this transaction
      (what ``pg_restore --disable-triggers`` does): the constraints stay in place and nothing is
      re-checked, the rows being consistent by construction (tests compare them with the write
      path). Otherwise they are dropped and added back, which re-validates them.
    * Indexes: those on columns that arrive in increasing order (or constant or NULL) in this load
      — the households' and transactions' keys, 宛名番号, 受付番号, the operator — are kept and
      maintained by COPY, which appends to them at no wall-clock cost while the rows are still
      being generated; the others (kana and name keys, dates, random identifiers) are dropped and
      built once at the end, sorted, in parallel workers.
    """

    APPEND_ONLY_COLUMNS = frozenset({"household_id", "person_id", "transaction_id", "operator_id", "approver_id",
                                     "cancels_id", "pending_transaction_id", "atena_number", "document_number",
                                     "number"})

    USE_REPLICA_ROLE = True  # tests turn it off to exercise the drop-and-validate path

    def __init__(self, tables: Iterable[str]):
        self.tables = list(tables)
        self.indexes: list[tuple[str, str]] = []
        self.constraints: list[tuple[str, str, str]] = []
        self.replica = False
        self.freeze = False
        self.timings: list[tuple[str, float]] = []

    def drop(self, cursor) -> None:
        c = cursor
        # fire the deferred checks of rows written earlier in this transaction (e.g. the 町字
        # just created), or PostgreSQL refuses to alter tables with pending trigger events
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        names = self.tables
        c.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        self.replica = bool(c.fetchone()[0]) and self.USE_REPLICA_ROLE
        if self.replica:
            c.execute("SET LOCAL session_replication_role = replica")
        else:
            c.execute(
                """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                   FROM pg_constraint WHERE contype = 'f'
                   AND (conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s))""",
                [names, names])
            self.constraints = sorted(set(c.fetchall()))
            for table, name, _ in self.constraints:
                c.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        c.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), a.attname
               FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               WHERE t.relname = ANY(%s) AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
            [names])
        self.indexes = [(name, definition) for name, definition, first in c.fetchall()
                        if first not in self.APPEND_ONLY_COLUMNS]
        for name, _ in self.indexes:
            c.execute(f"DROP INDEX {name}")
        self.freeze = self._truncate(c)

    def _truncate(self, c) -> bool:
        """TRUNCATE the (empty) tables in this transaction so that COPY can use FREEZE: rows are
        written frozen and all-visible, so no VACUUM has to rewrite them later and counts can be
        answered from the indexes at once. Tables referencing them must be truncated with them;
        that is done only when they are empty too, otherwise FREEZE is not used."""
        c.execute(
            """SELECT DISTINCT conrelid::regclass::text FROM pg_constraint
               WHERE contype = 'f' AND confrelid::regclass::text = ANY(%s)
               AND NOT conrelid::regclass::text = ANY(%s)""", [self.tables, self.tables])
        referencing = [r[0] for r in c.fetchall()]
        for table in referencing:
            c.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if c.fetchone()[0]:
                return False
        c.execute(f"TRUNCATE {', '.join(self.tables + referencing)}")
        return True

    def restore(self, cursor) -> None:
        c = cursor
        c.execute("SET LOCAL maintenance_work_mem = '512MB'")
        c.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for name, definition in self.indexes:
            t = time.monotonic()
            c.execute(definition)
            self.timings.append((name, time.monotonic() - t))
        for table, name, definition in self.constraints:
            t = time.monotonic()
            c.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            self.timings.append((name, time.monotonic() - t))
        if self.replica:
            c.execute("SET LOCAL session_replication_role = origin")
        c.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def load_bulk(residents: int, seed: int, *, code: str = DEFAULT_CITY, batch: int = 20000,
              progress: Callable[[str], None] | None = None) -> SeedResult:
    """Generate and write the rows directly (COPY on PostgreSQL, executemany on SQLite)."""
    from django.db import connection, transaction

    from jumin.audit.services import record as audit_record
    from jumin.identifiers import protection

    from .models import Area

    started = time.monotonic()
    m, home = setup_municipality(code)
    actor = system_actor()
    areas = dict(Area.objects.filter(municipality=m).values_list("code", "id"))
    vendor = connection.vendor
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small dicts and tuples, none cyclic: the collector only costs time
    timings: dict[str, float] = {}
    token = _request_context(seed)
    try:
        with transaction.atomic():
            cols = _Columns()
            with connection.cursor() as cursor:
                seq = _Sequences(vendor, cursor, cols.tables)
                fast = None
                if vendor == "postgresql":
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    if not any(seq.ids[k] for k in ("household", "person", "version", "transaction")):
                        fast = _PgFastLoad(cols.tables.values())
                        fast.drop(cursor)
            protection.digest("0")  # create or load the keys here, before any fork
            builder = RowBuilder(home, areas, actor.pk, seq, vendor=vendor, seed=seed,
                                 encrypt=protection.encrypt, digest=protection.digest)
            writer = _Writer(connection, cols)
            writer.freeze = fast is not None and fast.freeze
            stories = StoryGenerator(seed, home).stories(residents)
            forking = vendor == "postgresql" and residents >= FORK_THRESHOLD and _can_fork()
            producer = (_ForkedProducer if forking else _Producer)(stories, builder, batch)
            for rows in producer:
                writer.write(rows)
                if progress:
                    progress(f"{producer.residents:,} / {residents:,} 人")
            result, used = producer.finish()
            timings["generate_and_copy"] = time.monotonic() - started
            timings["copy"] = writer.seconds
            t = time.monotonic()
            with connection.cursor() as cursor:
                if fast is not None:
                    if progress:
                        progress("索引と外部キーを再作成しています")
                    fast.restore(cursor)
                    result.index_timings = fast.timings
                timings["indexes"] = time.monotonic() - t
                seq.save(cursor, used, cols.tables)
            r = result
            audit_record(actor=actor, kind="write", function="registry.seed_bulk", targets=[],
                         detail={"residents": r.residents, "persons": r.persons, "households": r.households,
                                 "versions": r.versions, "transactions": r.transactions, "seed": seed,
                                 "municipality": home.code6})
        t = time.monotonic()
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in cols.tables.values():
                    cursor.execute(f'ANALYZE "{table}"')
        timings["analyze"] = time.monotonic() - t
    finally:
        from jumin.core import context

        context.reset(token)
        if gc_was_enabled:
            gc.enable()
    r = result
    r.seconds = time.monotonic() - started
    r.timings = timings
    return r


def seed(residents: int, seed: int, *, code: str = DEFAULT_CITY, method: str = "auto",
         progress: Callable[[str], None] | None = None) -> SeedResult:
    """Entry point of ``jumin seed``: ``method`` is ``services``, ``bulk`` or ``auto``."""
    if method == "auto":
        method = "services" if residents <= SERVICES_THRESHOLD else "bulk"
    if method == "services":
        return load_with_services(residents, seed, code=code, progress=progress)
    if method == "bulk":
        return load_bulk(residents, seed, code=code, progress=progress)
    raise ValueError(method)
