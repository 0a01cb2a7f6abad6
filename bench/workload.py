"""Realistic inputs drawn from the loaded register: search queries and 異動届.

Reading the synthetic register to *prepare* inputs uses the ORM directly (it is the benchmark's
own setup, not a clerk's read); every measured read goes through ``selectors`` and every measured
write through the API and ``services``."""

from __future__ import annotations

import datetime as dt
import random

from jumin.registry import seeding
from jumin.registry.selectors import SearchQuery


def sample_residents(rng: random.Random, n: int, *, japanese: bool = True) -> list:
    """``n`` random current residents (by random primary keys: cheap on a million rows)."""
    from jumin.registry.models import Person

    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: dict[int, object] = {}
    while len(found) < n:
        ids = [rng.randint(1, top) for _ in range(n * 2)]
        qs = Person.objects.filter(id__in=ids, status="resident").select_related("area")
        if japanese:
            qs = qs.filter(resident_type="japanese")
        for p in qs:
            found.setdefault(p.id, p)
    people = list(found.values())
    rng.shuffle(people)
    return people[:n]


def kana_queries(rng: random.Random, n: int) -> list[tuple[str, SearchQuery]]:
    """What a clerk types at the counter: the full name in kana, or the family name and the
    first kana of the given name (prefix match, 清音化 as the default mode)."""
    out = []
    for p in sample_residents(rng, n):
        if rng.random() < 0.5:
            text, label = f"{p.family_name_kana}\u3000{p.given_name_kana}", "氏名カナ"
        else:
            text, label = f"{p.family_name_kana}\u3000{p.given_name_kana[:1]}", "氏カナ＋名の頭文字"
        out.append((label, SearchQuery(kana=text)))
    return out


def family_kana_queries(rng: random.Random, n: int) -> list[tuple[str, SearchQuery]]:
    """The broadest realistic query: the family name in kana only (thousands of hits)."""
    return [("氏カナのみ", SearchQuery(kana=p.family_name_kana)) for p in sample_residents(rng, n)]


def kanji_queries(rng: random.Random, n: int) -> list[tuple[str, SearchQuery]]:
    """氏名 (漢字) only, e.g. from a document that gives no date of birth."""
    return [("漢字氏名のみ", SearchQuery(kanji=f"{p.family_name}{p.given_name}")) for p in sample_residents(rng, n)]


def four_item_queries(rng: random.Random, n: int) -> list[tuple[str, SearchQuery]]:
    """4情報: 氏名 (漢字), 生年月日, 性別, 住所 (町字以下, as typed: partial match)."""
    out = []
    for p in sample_residents(rng, n):
        town_part = p.address[len("東京都小金井市"):] if p.address.startswith("東京都小金井市") else p.address
        out.append(("4情報", SearchQuery(kanji=f"{p.family_name}{p.given_name}", birth_date=p.birth_date.isoformat(),
                                        sex=p.sex, address=town_part)))
    return out


class CommitInputs:
    """異動届 for the API: 転入 of a new household, 転居 of an existing household, 出生 into an
    existing household. Each existing household is used once (no two clients touch the same one)."""

    # namesakes (a 除票 or a current resident with the same 氏名・性別・生年月日): checked by the clerk
    ACK = ["move_in.possible_returning_resident", "move_in.possible_duplicate"]

    def __init__(self, seed: int):
        from jumin.registry.models import Municipality

        m = Municipality.objects.get(is_self=True)
        self.home = seeding.city(m.code)
        self.rng = random.Random(seed)
        self.gen = seeding.StoryGenerator(seed + 10_000, self.home)
        self.today = dt.date.today()

    def _dates(self) -> tuple[str, str]:
        event = self.today - dt.timedelta(days=self.rng.randint(1, 13))
        return event.isoformat(), self.today.isoformat()

    def _households(self, n: int) -> list[tuple[str, list]]:
        """``n`` random households with their current members (member order)."""
        from jumin.registry.models import Household, Person

        top = Household.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ids = sorted({self.rng.randint(1, top) for _ in range(n * 3)})
        members: dict[int, list] = {}
        for p in (Person.objects.filter(household_id__in=ids, status="resident", pending_transaction__isnull=True)
                  .select_related("household").order_by("household_id", "member_order")):
            members.setdefault(p.household_id, []).append(p)
        out = [(ms[0].household.number, ms) for ms in members.values()
               if ms and ms[0].relationship == "世帯主" and ms[0].resident_type == "japanese"]
        self.rng.shuffle(out)
        return out[:n]

    def move_in(self) -> dict:
        from jumin.identifiers import protection
        from jumin.registry.models import Person

        story = self.gen.household()
        first = story.events[0]
        event, notified = self._dates()
        persons = []
        for i in first.members:
            p = dict(seeding.person_input(story.persons[i]))
            p.pop("juminhyo_code", None)  # allocated by the system (標準仕様書 j870)
            while Person.objects.filter(my_number_digest=protection.digest(p["my_number"])).exists():
                p["my_number"] = self.gen.numbers.my_number()
            persons.append(p)
        t, number, katagaki = self.gen.address()
        return {"kind": "move_in", "acknowledged_alerts": self.ACK, "data": {
            "event_date": event, "notified_on": notified,
            "address": {"area_code": self.home.towns[t].code, "address_number": number, "katagaki": katagaki},
            "previous_address": dict(first.other or {}) if first.kind == "move_in" else
            {"address": "東京都三鷹市下連雀三丁目1番1号", "municipality_code": "132047", "head_name": ""},
            "persons": persons}}

    def move_within(self, household: tuple[str, list]) -> dict:
        _, members = household
        event, notified = self._dates()
        while True:
            t, number, katagaki = self.gen.address()
            if not members[0].address.endswith(number):
                break
        return {"kind": "move_within", "data": {
            "event_date": event, "notified_on": notified, "persons": [m.atena_number for m in members],
            "address": {"area_code": self.home.towns[t].code, "address_number": number, "katagaki": katagaki}}}

    def birth(self, household: tuple[str, list]) -> dict:
        number, members = household
        head = members[0]
        birth = self.today - dt.timedelta(days=self.rng.randint(1, 13))
        sex = "1" if self.rng.random() < 0.51 else "2"
        pool = (seeding.pools().male if sex == "1" else seeding.pools().female)["young"]
        given, given_kana = pool.draw(self.rng)
        return {"kind": "birth", "data": {
            "event_date": birth.isoformat(), "notified_on": self.today.isoformat(), "household_number": number,
            "child": {"family_name": head.family_name, "given_name": given, "family_name_kana": head.family_name_kana,
                      "given_name_kana": given_kana, "birth_date": birth.isoformat(), "sex": sex,
                      "relationship": "子" if head.relationship == "世帯主" else "縁故者",
                      "honseki": head.honseki, "hittosha": head.hittosha}}}

    def batch(self, n: int) -> list[dict]:
        """A mix of 40 % 転入, 40 % 転居, 20 % 出生, in random order."""
        households = self._households(n)
        out = []
        for _ in range(n):
            x = self.rng.random()
            if x < 0.4 or not households:
                out.append(self.move_in())
            elif x < 0.8:
                out.append(self.move_within(households.pop()))
            else:
                out.append(self.birth(households.pop()))
        return out
