"""A deterministic generator of synthetic municipal acts on ШНОР, with a manifest of planted defects.

    .venv/bin/python -m bench.generate OUT_DIR [--acts 100 | --scale small] [--regions 12]
        [--municipalities 4] [--years 2020-2025] [--seed 13] [--layouts txt-rows,txt-cells,docx]

Writes ``OUT_DIR/acts/<region>/<municipality>/<year>-<n>.{txt,docx}``, one JSON manifest per act in
``OUT_DIR/manifests/`` (same stem) and ``OUT_DIR/corpus.json`` (parameters and totals).

The acts are written the way the two sample acts are: an issuing body (an education department
with a приказ, a committee with a распоряжение, or a town administration with a постановление),
a legal basis citing the regional ministry's order, operative clauses that appoint a municipal
coordinator (named in the accusative, later in the dative), designate a methodological operator,
pair schools and give control to a deputy (accusative initials), a sign-off, and annexes: the plan
(sections whose headings map to the cross-region themes, items with deadlines in every form the
deadline parser reads, responsible parties written with abbreviations, typos and unclosed quotes,
two schools in one cell without a separator, sub-items), the participating schools and the
curator schools with their heads. Places come from ``ingest/data/places.csv``; people and schools
of a town persist across years, with some turnover.

Defects are planted on purpose and recorded in the act's manifest with the validation result
each must give (shape, severity, focus): a missing act number or date, a deadline outside the
plan year or unreadable, an item without responsible, deadline or number, an item whose text lost
its start, a very short item text, a school named as responsible that no annex gives a head.
Everything else in an act is meant to validate cleanly (``tests/test_generate.py`` checks both).

Everything is a function of the seed and the sizes: act ``i`` depends only on the seed, the
world (regions, towns, years) and ``i``, so a smaller corpus is a prefix of a larger one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import genre
from .render import LAYOUTS, Grid, Line, render, suffix

SCALES = {"tiny": 20, "small": 100, "large": 1000, "huge": 5000}
DEFAULT_YEARS = tuple(range(2020, 2026))
ITEMS_PER_ACT = (20, 70)
DEFECT_RATE = 0.5  # share of acts with planted defects
ID = "https://w3id.org/shnor/id/"


@dataclass(frozen=True)
class CorpusConfig:
    """What to generate: counts and the seed."""

    acts: int = 100
    regions: int = 12
    municipalities: int = 4  # per region, at most as many as places.csv lists
    years: tuple[int, ...] = DEFAULT_YEARS
    seed: int = 13
    layouts: tuple[str, ...] = LAYOUTS


# -- people ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A person: the masculine surname of the bank, given name, patronymic, gender."""

    surname_m: str
    given: str
    patronymic: str
    gender: str  # "female" | "male"

    @property
    def surname(self) -> str:
        """The nominative surname in the person's gender."""
        return self.surname_m + "а" if self.gender == "female" else self.surname_m

    @property
    def initials(self) -> str:
        return f"{self.given[0]}.{self.patronymic[0]}."

    def full(self, case: str = "nomn") -> str:
        """"Фамилия Имя Отчество" in a grammatical case."""
        return f"{surname_in(self, case)} {name_in(self.given, 'Name', self.gender, case)} " \
               f"{name_in(self.patronymic, 'Patr', self.gender, case)}"

    def short(self, case: str = "nomn", *, initials_first: bool = True, space: str = "") -> str:
        """"Е.Н. Пряжина" / "Пряжиной Е.Н." (the oblique initials forms are written for women only:
        "Петрову И.И." reads as the feminine accusative, the usual reading in the acts)."""
        if case != "nomn" and self.gender == "male":
            raise ValueError("oblique initials forms of men's names are ambiguous; use the full name")
        initials = self.initials.replace(".", "." + space).strip() if space else self.initials
        surname = surname_in(self, case)
        return f"{initials} {surname}" if initials_first else f"{surname} {initials}"

    def oblique(self, case: str, rng: random.Random) -> str:
        """This person in an oblique case: initials (women, sometimes) or the full name."""
        if self.gender == "female" and rng.random() < 0.6:
            return self.short(case, initials_first=rng.random() < 0.5)
        return self.full(case)

    def key(self) -> str:
        """The person key the pipeline derives: slug of surname + initials."""
        from shnor_kg.ingest.translit import slug

        letters = f"{self.given[0]} {self.patronymic[0]}"
        return slug(f"{self.surname.replace('ё', 'е').replace('Ё', 'Е')} {letters}")


_FEMININE = {"gent": "ой", "datv": "ой", "accs": "у", "ablt": "ой", "loct": "ой"}
_MASCULINE = {"gent": "а", "datv": "у", "accs": "а", "ablt": "ым", "loct": "е"}


def surname_in(person: Person, case: str) -> str:
    """A surname of -ов/-ев/-ин/-ын in a case: Пряжина → Пряжиной, Пряжину; Петров → Петрова, Петрову."""
    if case == "nomn":
        return person.surname
    if person.gender == "female":
        return person.surname_m + _FEMININE[case]
    return person.surname_m + _MASCULINE[case]


@lru_cache(maxsize=4096)
def name_in(word: str, grammeme: str, gender: str, case: str) -> str:
    """A given name or patronymic in a case, by pymorphy3 (the project's morphology)."""
    if case == "nomn":
        return word
    from shnor_kg.ingest.morph import parses

    tag_gender = "femn" if gender == "female" else "masc"
    for parse in parses(word.lower()):
        if grammeme in parse.tag and tag_gender in parse.tag:
            form = parse.inflect({case, "sing"})
            if form is not None:
                return form.word[:1].upper() + form.word[1:]
    raise ValueError(f"cannot put {word!r} in the {case}")


@lru_cache(maxsize=1)
def usable_surnames() -> tuple[str, ...]:
    """Surnames whose written forms the pipeline reads back to the same person.

    A surname that is also a place name or a common word ("Орлова", "Гусева") is not found as a
    person after initials; such surnames are left out, so that every planted person is real."""
    keep = []
    for surname in genre.SURNAMES:
        if not re.search(r"(?:ов|ев|ёв|ин|ын)$", surname):
            continue
        woman, man = Person(surname, "Елена", "Николаевна", "female"), Person(surname, "Сергей", "Иванович", "male")
        forms = [(woman.short(), woman), (woman.short("accs", initials_first=True), woman),
                 (woman.short("datv", initials_first=False), woman), (man.short(), man),
                 (woman.full("accs"), woman), (man.full("accs"), man), (man.full("datv"), man)]
        if all(_reads_back(text, person) for text, person in forms):
            keep.append(surname)
    return tuple(keep)


def _reads_back(text: str, person: Person) -> bool:
    from shnor_kg.ingest.people import find_people

    found = find_people(f"поручить {text} подготовить")
    return len(found) == 1 and found[0][2].key == person.key()


def new_person(rng: random.Random, gender: str | None = None) -> Person:
    """A random person (mostly women, as in the sector)."""
    gender = gender or ("female" if rng.random() < 0.78 else "male")
    names = genre.FEMALE_NAMES if gender == "female" else genre.MALE_NAMES
    patronymic = rng.choice(genre.PATRONYMICS)[0 if gender == "female" else 1]
    return Person(rng.choice(usable_surnames()), rng.choice(names), patronymic, gender)


# -- places and organisations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class School:
    """A general-education school of a town."""

    number: int
    kind: str  # "Средняя общеобразовательная школа"
    abbr: str | None  # "СОШ" (None: the kind is written in words even in the short form)
    legal: tuple[str, str]  # ("МБОУ", "Муниципальное бюджетное общеобразовательное учреждение")
    honour: str | None

    def full(self) -> str:
        """'Муниципальное бюджетное общеобразовательное учреждение «Средняя … школа № 7 имени …»'."""
        core = f"{self.kind} № {self.number}" + (f" {self.honour}" if self.honour else "")
        return f"{self.legal[1]} «{core}»"

    def short(self) -> str:
        """'МБОУ СОШ № 7', 'МАОУ «Лицей № 2»'."""
        if self.abbr:
            return f"{self.legal[0]} {self.abbr} № {self.number}"
        return f"{self.legal[0]} «{self.kind} № {self.number}»"


@dataclass
class Town:
    """A municipality with its bodies, schools and staff per year."""

    slug: str
    name: str
    gen: str  # the town in the genitive: "Тулы"
    region: str  # "Тульская область"
    region_gen: str  # "Тульской области"
    style: str  # "upravlenie" (приказ) | "komitet" (распоряжение) | "administration" (постановление)
    centre: int  # index of genre.CENTRES
    support: bool  # has a support centre (Центр ППСС)
    schools: list[School]
    staff: dict[int, dict[str, Person]] = field(default_factory=dict)  # year → role → person
    heads: dict[int, dict[int, Person]] = field(default_factory=dict)  # year → school number → head

    def authority(self, case: str = "nomn") -> str:
        """The education body in a case (nominative or genitive)."""
        if self.style == "komitet":
            return {"nomn": "Комитет", "gent": "Комитета"}[case] + f" образования Администрации города {self.gen}"
        if self.style == "administration":
            return {"nomn": "Отдел", "gent": "отдела"}[case] + f" образования Администрации города {self.gen}"
        return {"nomn": "Управление", "gent": "управления"}[case] + f" образования администрации города {self.gen}"

    def centre_forms(self) -> tuple[str, str, str]:
        """(legal words, core, short form) of the methodological centre."""
        legal, core, short = genre.CENTRES[self.centre]
        return legal.format(gen=self.gen), core.format(gen=self.gen), short.format(gen=self.gen)

    def centre_full(self) -> str:
        legal, core, _ = self.centre_forms()
        return f"{legal} «{core}»"


def _genitive(word: str) -> str:
    """A town name in the genitive (pymorphy3; the town is a Geox noun)."""
    from shnor_kg.ingest.morph import parses

    for parse in parses(word.lower()):
        if "Geox" in parse.tag:
            form = parse.inflect({"gent", "sing"}) or parse.inflect({"gent"})
            if form is not None:
                return "-".join(p[:1].upper() + p[1:] for p in form.word.split("-"))
    raise ValueError(f"no genitive of the town {word!r}")


def _region_genitive(label: str) -> str:
    """"Тульская область" → "Тульской области"."""
    adjective, noun = label.split(" ", 1)
    return re.sub(r"ая$", "ой", adjective) + " " + noun.replace("область", "области")


def build_world(config: CorpusConfig) -> list[Town]:
    """The towns of the corpus (regions and municipalities of places.csv), in file order."""
    from shnor_kg.ingest.places import municipalities, regions

    rng = random.Random(f"{config.seed}:world")
    chosen = [r.iso for r in regions()][: config.regions]
    towns = []
    for iso in chosen:
        for mun in [m for m in municipalities() if m.region_iso == iso][: config.municipalities]:
            towns.append(_town(mun, rng, config.years))
    if not towns:
        raise ValueError("no municipality to write acts for: check --regions and --municipalities")
    return towns


def _town(mun, rng: random.Random, years: tuple[int, ...]) -> Town:
    style = rng.choices(("upravlenie", "komitet", "administration"), (5, 3, 2))[0]
    numbers = rng.sample(range(1, 60), rng.randint(10, 24))
    schools = [_school(n, rng) for n in sorted(numbers)]
    town = Town(mun.slug, mun.name, _genitive(mun.name), mun.region_label, _region_genitive(mun.region_label),
                style, rng.randrange(len(genre.CENTRES)), rng.random() < 0.6, schools)
    _staff(town, rng, years)
    return town


def _school(number: int, rng: random.Random) -> School:
    kind, abbr = rng.choice(genre.SCHOOL_KINDS)
    honour = None
    if rng.random() < 0.15:
        hero = new_person(rng, "male")
        honour = rng.choice(genre.HONOURS).format(initials=hero.initials, surname=surname_in(hero, "gent"))
    return School(number, kind, abbr, rng.choice(genre.SCHOOL_LEGAL), honour)


STAFF_ROLES = ("signatory", "coordinator", "deputy", "centre_director", "contact", "approver")


def _staff(town: Town, rng: random.Random, years: tuple[int, ...]) -> None:
    """People of each year: the previous year's, each replaced with probability 0.2."""
    current = {role: new_person(rng) for role in STAFF_ROLES}
    heads = {s.number: new_person(rng) for s in town.schools}
    for year in years:
        current = {role: (new_person(rng) if rng.random() < 0.2 else person) for role, person in current.items()}
        heads = {n: (new_person(rng) if rng.random() < 0.15 else person) for n, person in heads.items()}
        town.staff[year] = dict(current)
        town.heads[year] = dict(heads)


# -- the act ----------------------------------------------------------------------------------------------


@dataclass
class ItemSpec:
    """One plan row: an item (``section`` is None) or a section heading."""

    number: str | None
    title: str
    deadline: str = ""
    responsible: list[str] = field(default_factory=list)
    result: str = ""
    position: int = 0  # 1-based among items (0 for sections)
    section: bool = False
    parent: bool = False  # has sub-items (5.1 of 5.1.1…)
    sub: bool = False
    theme: str | None = None
    joined: bool = False  # the responsible cell joins two schools without a separator


@dataclass
class ActSpec:
    """Everything one synthetic act says, before it is written out."""

    index: int
    town: Town
    year: int
    serial: int  # k-th act of this town and year
    layout: str
    doc_type: str
    number: str | None
    day: date | None
    title: str
    rows: list[ItemSpec]
    columns: tuple[str, ...]
    plan_title: tuple[str, ...]
    targets: list[School]
    mentors: list[School]
    operator: bool
    controller_is_signatory: bool
    abbreviations: bool
    basis_day: date
    basis_number: int
    defects: list[dict] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)

    @property
    def staff(self) -> dict[str, Person]:
        return self.town.staff[self.year]

    @property
    def items(self) -> list[ItemSpec]:
        return [r for r in self.rows if not r.section]

    def stem(self) -> str:
        return f"{self.year}-{self.serial + 1:02d}-{self.index:05d}"


def slots(config: CorpusConfig, towns: list[Town]) -> list[tuple[Town, int]]:
    """Every (town, year), in a seeded order: act ``i`` goes to slot ``i mod len(slots)``."""
    pairs = [(t, y) for t in towns for y in config.years]
    random.Random(f"{config.seed}:slots").shuffle(pairs)
    return pairs


def build_act(index: int, config: CorpusConfig, towns: list[Town]) -> ActSpec:
    """The ``index``-th act of the corpus (depends only on the seed, the world and ``index``)."""
    pairs = slots(config, towns)
    town, year = pairs[index % len(pairs)]
    serial = index // len(pairs)
    rng = random.Random(f"{config.seed}:act:{index}")
    doc_type = {"upravlenie": "prikaz", "komitet": "rasporyazhenie", "administration": "postanovlenie"}[town.style]
    targets, mentors = _school_roles(town, rng)
    act = ActSpec(
        index=index, town=town, year=year, serial=serial, layout=config.layouts[index % len(config.layouts)],
        doc_type=doc_type, number=_act_number(doc_type, serial, rng), day=_act_day(year, rng),
        title=rng.choice(genre.ACT_TITLES).format(y=year) + ("" if serial == 0 else f" (план № {serial + 1})"),
        rows=[], columns=rng.choice(genre.PLAN_COLUMNS), plan_title=rng.choice(genre.PLAN_TITLES),
        targets=targets, mentors=mentors, operator=rng.random() < 0.75,
        controller_is_signatory=rng.random() < 0.25,
        abbreviations=town.centre in (1, 2) and rng.random() < 0.6,
        **regional_order(config.seed, town.slug[:6], year),
    )
    act.rows = _plan_rows(act, rng)
    if rng.random() < DEFECT_RATE:
        _plant_defects(act, rng)
    return act


def regional_order(seed: int, region: str, year: int) -> dict:
    """The regional ministry's order listing the low-result schools of a year: one per region and
    year, so that every act of the region cites it with the same date and number."""
    rng = random.Random(f"{seed}:basis:{region}:{year}")
    return {"basis_day": date(year, rng.randint(1, 2), rng.randint(1, 28)), "basis_number": rng.randint(20, 900)}


def _act_number(doc_type: str, serial: int, rng: random.Random) -> str:
    """A number as such acts write them; unique within a town, year and type (``serial`` spaces them)."""
    base = rng.randint(1, 299) + 300 * serial
    return {"prikaz": rng.choice((f"{base}", f"{base}/1-осн", f"{base}-осн", f"{base}-о")),
            "rasporyazhenie": rng.choice((f"{base}-р", f"{base}-рз")),
            "postanovlenie": rng.choice((f"{base}", f"{base}-п"))}[doc_type]


def _act_day(year: int, rng: random.Random) -> date:
    return date(year, rng.randint(1, 4), rng.randint(1, 28))


def _school_roles(town: Town, rng: random.Random) -> tuple[list[School], list[School]]:
    """Low-result (target) schools and curator (mentor) schools, distinct; sometimes no curators."""
    pool = rng.sample(town.schools, min(len(town.schools), 8))
    targets = pool[: rng.choice((1, 1, 2, 3, 5))]
    rest = pool[len(targets):]
    mentors = [] if rng.random() < 0.25 else rest[: rng.choice((1, 1, 1, 2))]
    return targets, mentors


# -- the plan ---------------------------------------------------------------------------------------------


def _plan_rows(act: ActSpec, rng: random.Random) -> list[ItemSpec]:
    """Sections (4–8 themes, sometimes one without a theme) and their items, numbered."""
    themes = rng.sample(list(genre.HEADINGS), rng.randint(4, 8))
    headings = [(t, rng.choice(genre.HEADINGS[t])) for t in themes]
    if rng.random() < 0.1:
        headings.insert(rng.randrange(len(headings) + 1), (None, rng.choice(genre.UNTHEMED_HEADINGS)))
    total = rng.randint(*ITEMS_PER_ACT)
    sizes = _split(total, len(headings), rng)
    rows: list[ItemSpec] = []
    dot = act.layout == "txt-cells" or rng.random() < 0.3  # "1.1." as in Kostroma, else "1.1"
    for s, ((theme, heading), size) in enumerate(zip(headings, sizes), 1):
        rows.append(ItemSpec(f"{s}.", heading, section=True, theme=theme))
        rows.extend(_section_items(act, s, theme, size, dot, rng))
    for position, item in enumerate((r for r in rows if not r.section), 1):
        item.position = position
    return rows


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` items over ``parts`` sections, each at least 1."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if total > parts else list(range(1, parts))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def _section_items(act: ActSpec, s: int, theme: str | None, size: int, dot: bool, rng: random.Random) -> list[ItemSpec]:
    items: list[ItemSpec] = []
    n = 0
    while len(items) < size:
        n += 1
        number = f"{s}.{n}" + ("." if dot else "")
        if size - len(items) >= 4 and rng.random() < 0.05:
            items.extend(_parent_with_subs(act, number, dot, theme, rng))
            continue
        items.append(_item(act, number, theme, rng))
    return items


def _item(act: ActSpec, number: str, theme: str | None, rng: random.Random) -> ItemSpec:
    bank = genre.ITEMS[theme] if theme else [t for ts in genre.ITEMS.values() for t in ts]
    school = rng.choice(act.targets).short()
    title = rng.choice(bank).format(school=school, year=act.year)
    if "<" not in title and act.layout == "txt-rows" and rng.random() < 0.03:
        title = f"<p>{title}:</p> <ul style=\"list-style-type: none\"> - {rng.choice(genre.SUB_ITEMS)[2:]}</ul>"
        act.variants.append("html-in-cell")
    item = ItemSpec(number, title, _deadline(act, rng), _responsible(act, theme, rng),
                    rng.choice(genre.RESULTS) if _has_result(act) else "", theme=theme)
    if len(item.responsible) == 2 and all(_is_school_form(r) for r in item.responsible) and rng.random() < 0.5:
        item.joined = True
        act.variants.append("two-schools-one-cell")
    return item


def _has_result(act: ActSpec) -> bool:
    return any("результат" in c.lower() for c in act.columns)


def _parent_with_subs(act: ActSpec, number: str, dot: bool, theme: str | None, rng: random.Random) -> list[ItemSpec]:
    """An item "… по вопросам:" whose sub-items (empty other cells) inherit its responsible and deadline."""
    parent = ItemSpec(number, rng.choice(genre.PARENT_ITEMS), _deadline(act, rng), _responsible(act, theme, rng),
                      rng.choice(genre.RESULTS) if _has_result(act) else "", theme=theme, parent=True)
    base = number.rstrip(".")
    subs = [ItemSpec(f"{base}.{k}" + ("." if dot else ""), text, sub=True, theme=theme)
            for k, text in enumerate(rng.sample(genre.SUB_ITEMS, rng.randint(2, 4)), 1)]
    act.variants.append("sub-items")
    return [parent] + subs


def _deadline(act: ActSpec, rng: random.Random) -> str:
    """A deadline in one of the forms the parser reads, within the plan year."""
    y = act.year
    if act.layout == "txt-cells" and rng.random() < 0.5:
        return rng.choice(genre.DEADLINES_PLAN_YEAR)
    return rng.choice(genre.DEADLINES_IN_YEAR).format(y=y, p=y - 1, q=y + 1, institute=genre.REGIONAL_INSTITUTE)


def _responsible(act: ActSpec, theme: str | None, rng: random.Random) -> list[str]:
    """1–3 responsible parties, each as one of its written forms."""
    town = act.town
    _, core, short = town.centre_forms()
    centre = rng.choices([short, core, *[v.format(gen=town.gen) for v in genre.CENTRE_VARIANTS]],
                         (8, 1, 1, 1) if town.centre == 0 else (8, 3, 0, 0))[0]
    if centre != short:
        act.variants.append("centre-spelling")
    parties = [town.authority(), centre]
    if town.support and theme == "themeFailurePrevention":
        parties.append(rng.choice(genre.SUPPORT_CENTRE))
    schools = [s.short() for s in act.targets + act.mentors]
    pool = parties + schools + [rng.choice(genre.COLLECTIVES)]
    chosen = rng.sample(pool, rng.choice((1, 1, 2, 2, 3)))
    return sorted(set(chosen), key=chosen.index)


def _is_school_form(text: str) -> bool:
    return bool(re.match(r"(?:МБОУ|МАОУ)\s", text))


# -- planted defects ----------------------------------------------------------------------------------------

#: kind → expected validation results: (focus, shape local name, severity)
EXPECTED = {
    "number-missing": [("act", "IngestedOrder-number", "Warning")],
    "date-missing": [("act", "IngestedOrder-date", "Warning")],
    "deadline-outside-year": [("item", "DeadlineInPlanYearShape", "Warning")],
    "deadline-unparsed": [("item", "Deadline-understood", "Warning")],
    "responsible-missing": [("item", "PlanItem-responsibleMissing", "Warning")],
    "deadline-missing": [("item", "PlanItem-deadlineMissing", "Warning")],
    "item-number-missing": [("item", "PlanItem-numberMissing", "Warning")],
    "text-start-lost": [("item", "ItemText-lowerCase", "Info")],
    "text-word-cut": [("item", "ItemText-lowerCase", "Info"), ("item", "ItemText-midWord", "Info")],
    "item-text-short": [("item", "ItemText-short", "Info")],
    "school-without-head": [("org", "School-head", "Warning")],
}
ITEM_DEFECTS = ("deadline-outside-year", "deadline-unparsed", "responsible-missing", "deadline-missing",
                "item-number-missing", "text-start-lost", "text-word-cut", "item-text-short")
# words a lost start may leave that the shapes read as whole words (shapes/plans.ttl, ItemText-midWord)
WHOLE_WORDS = set("и а в во к ко о об обо с со у по на за до из от не ни но да же ли бы для при без над под про "
                  "что как или их его её ее все всё так уже это эти тех там где кто чем меж вне".split())


def _plant_defects(act: ActSpec, rng: random.Random) -> None:
    """1–3 defects, each on its own item (or on the act), recorded with their expected results."""
    kinds = list(ITEM_DEFECTS) + ["date-missing", "school-without-head"] + (["number-missing"] if act.serial == 0 else [])
    candidates = [i for i in act.items if not i.parent and not i.sub]
    rng.shuffle(candidates)
    for kind in rng.sample(kinds, rng.randint(1, 3)):
        if kind in ITEM_DEFECTS:
            item = next((i for i in candidates if _plant_on_item(act, i, kind, rng)), None)
            if item is not None:
                candidates.remove(item)
                _record(act, kind, {"item": item.position, "number": item.number, "title": item.title})
        elif kind == "school-without-head":
            _plant_headless_school(act, candidates, rng)
        else:
            _record(act, kind, {"act": True})
            setattr(act, "number" if kind == "number-missing" else "day", None)


def _record(act: ActSpec, kind: str, where: dict) -> None:
    act.defects.append({"kind": kind, **where,
                        "expect": [{"focus": f, "shape": s, "severity": v} for f, s, v in EXPECTED[kind]]})


def _plant_on_item(act: ActSpec, item: ItemSpec, kind: str, rng: random.Random) -> bool:
    """Change ``item`` so that it carries the defect; False when this item cannot carry it."""
    y = act.year
    if kind == "deadline-outside-year":
        item.deadline = rng.choice(genre.DEADLINES_BEFORE).format(p=y - 1)
    elif kind == "deadline-unparsed":
        item.deadline = rng.choice(genre.DEADLINES_UNREADABLE)
    elif kind == "responsible-missing":
        item.responsible, item.joined = [], False
    elif kind == "deadline-missing":
        item.deadline = ""
    elif kind == "item-number-missing":
        if not (item.deadline and item.responsible):
            return False
        item.number = None
    elif kind == "item-text-short":
        item.title = rng.choice(genre.SHORT_ITEMS)
    else:
        return _cut_start(item, kind, rng)
    return True


def _cut_start(item: ItemSpec, kind: str, rng: random.Random) -> bool:
    """Lose the start of an item's text: its first word ("и методических …") or part of it ("ие и …")."""
    words = item.title.split(" ")
    if "<" in item.title or len(words) < 3:
        return False
    if kind == "text-start-lost":
        rest = " ".join(words[1:])
        first = rest.split(" ")[0]
        if not re.match(r"[а-яё]", rest) or (len(first) <= 3 and first not in WHOLE_WORDS) or not first.isalpha() and len(first) <= 3:
            return False
        item.title = rest
        return True
    head = words[0].lower()
    if len(head) < 5 or not head.isalpha():
        return False
    tail = head[-rng.choice((2, 3)):]
    if tail in WHOLE_WORDS:
        tail = head[-2:] if tail == head[-3:] else head[-3:]
    if tail in WHOLE_WORDS:
        return False
    item.title = " ".join([tail] + words[1:])
    return True


def _plant_headless_school(act: ActSpec, candidates: list[ItemSpec], rng: random.Random) -> None:
    """Name a school no annex lists (so nothing gives it a head) among an item's responsible parties."""
    named = {s.number for s in act.targets + act.mentors}
    others = [s for s in act.town.schools if s.number not in named]
    items = [i for i in candidates if i.responsible]
    if not others or not items:
        return
    school, item = rng.choice(others), items[0]
    candidates.remove(item)
    item.responsible = item.responsible[:1] + [school.short()]
    item.joined = False
    act.defects.append({"kind": "school-without-head", "item": item.position, "org": school.short(),
                        "expect": [{"focus": "org", "shape": "School-head", "severity": "Warning"}]})


# -- files and manifests ----------------------------------------------------------------------------------


def act_path(act: ActSpec) -> str:
    """The act's IRI path as the pipeline mints it (``act/<municipality>/<year>/<type>-<number>``)."""
    from shnor_kg.ingest.translit import slug

    if act.number:
        ident = slug(act.number)
    else:
        key = " ".join(act.title.split()).lower().replace("ё", "е")
        ident = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"act/{act.town.slug}/{act.year}/{act.doc_type}-{ident}"


def expected_results(act: ActSpec) -> list[dict]:
    """The validation results the planted defects must give: focus ``act``, ``item:<position>``, ``org:<name>``."""
    out = []
    for defect in act.defects:
        for expect in defect["expect"]:
            focus = {"act": "act", "item": f"item:{defect.get('item')}", "org": f"org:{defect.get('org')}"}[expect["focus"]]
            out.append({"focus": focus, "shape": expect["shape"], "severity": expect["severity"]})
    return out


def manifest(act: ActSpec, relative: str, data: bytes) -> dict:
    """What the act says and which defects it carries, for tests and benchmarks."""
    single = len(act.mentors) == 1 or len(act.targets) == 1
    staff = act.staff
    return {
        "file": relative, "sha256": hashlib.sha256(data).hexdigest(), "layout": act.layout,
        "style": act.town.style, "region": act.town.slug[:6].upper(), "municipality": act.town.slug,
        "year": act.year, "doc_type": act.doc_type, "number": act.number,
        "date": act.day.isoformat() if act.day else None, "title": act.title, "act_path": act_path(act),
        "sections": [{"number": r.number.rstrip("."), "theme": r.theme} for r in act.rows if r.section],
        "items": len(act.items),
        "targets": [s.short() for s in act.targets], "mentors": [s.short() for s in act.mentors],
        "mentor_pairs": len(act.mentors) * len(act.targets) if act.mentors and single else 0,
        "people": {"coordinator": staff["coordinator"].key(), "signatory": staff["signatory"].key()},
        "defects": act.defects, "expected_results": expected_results(act), "variants": sorted(set(act.variants)),
    }


def act_document(act: ActSpec) -> tuple[str, bytes, dict]:
    """(relative path, file bytes, manifest) of one act."""
    from .compose import compose

    blocks = compose(act, random.Random(f"act-text:{act.index}"))
    data = render(blocks, act.layout)
    relative = f"acts/{act.town.slug[:6]}/{act.town.slug}/{act.stem()}{suffix(act.layout)}"
    return relative, data, manifest(act, relative, data)


def write_acts(config: CorpusConfig, out: Path, indices) -> list[dict]:
    """Write the acts of the given indices and their manifests into ``out``; return the manifests."""
    towns = build_world(config)
    metas = []
    for index in indices:
        relative, data, meta = act_document(build_act(index, config, towns))
        _write(out / relative, data)
        _write(out / "manifests" / (Path(relative).stem + ".json"), json.dumps(meta, ensure_ascii=False, indent=1).encode())
        metas.append({**meta, "bytes": len(data)})
    return metas


def fingerprint() -> str:
    """A hash of the generator's sources: a corpus made by another version is made again."""
    digest = hashlib.sha256()
    for name in ("genre.py", "generate.py", "compose.py", "render.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def generate(config: CorpusConfig, out: Path) -> dict:
    """Write the corpus into ``out`` (acts, manifests, corpus.json); return the corpus summary."""
    metas = write_acts(config, out, range(config.acts))
    towns = build_world(config)
    summary = {"generator": fingerprint(), "config": {**asdict(config), "years": list(config.years), "layouts": list(config.layouts)},
               "towns": len(towns), "regions": len({t.slug[:6] for t in towns}), "acts": len(metas),
               "items": sum(m["items"] for m in metas), "defects": sum(len(m["defects"]) for m in metas),
               "bytes": sum(m["bytes"] for m in metas)}
    _write(out / "corpus.json", json.dumps(summary, ensure_ascii=False, indent=1).encode())
    return summary


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def load_manifests(out: Path) -> dict[str, dict]:
    """File path (relative to ``out``) → manifest, for every act of a generated corpus."""
    metas = (json.loads(p.read_text("utf-8")) for p in sorted((out / "manifests").glob("*.json")))
    return {m["file"]: m for m in metas}


def _years(text: str) -> tuple[int, ...]:
    first, _, last = text.partition("-")
    return tuple(range(int(first), int(last or first) + 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the corpus into")
    parser.add_argument("--acts", type=int, help="number of acts (default: 100)")
    parser.add_argument("--scale", choices=sorted(SCALES), help="tiny=20, small=100, large=1000, huge=5000 acts")
    parser.add_argument("--regions", type=int, default=CorpusConfig.regions)
    parser.add_argument("--municipalities", type=int, default=CorpusConfig.municipalities, help="per region")
    parser.add_argument("--years", type=_years, default=DEFAULT_YEARS, help="first-last, e.g. 2020-2025")
    parser.add_argument("--seed", type=int, default=CorpusConfig.seed)
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated: " + ", ".join(LAYOUTS))
    args = parser.parse_args(argv)
    acts = args.acts or SCALES.get(args.scale or "small")
    config = CorpusConfig(acts, args.regions, args.municipalities, args.years, args.seed, tuple(args.layouts.split(",")))
    summary = generate(config, args.out)
    print(json.dumps({k: v for k, v in summary.items() if k != "config"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
