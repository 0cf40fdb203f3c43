"""Deadlines of plan items: Russian text → inclusive date intervals and qualifier concepts.

A small hand parser (no dateparser: it reads "В течение 2024 г." as 1 Nov 2024). The text is
normalised (lower case, ё → е, dashes → "-", spaces collapsed), the qualifiers are taken out
(``QUALIFIERS``; "по плану работы <ORG>" also yields the organisation), and what is left must be
read *completely* by the grammar below, or no interval is returned: a deadline is never guessed.

Grammar of what is left (fillers "в", "во", "течение", "срок", "с", "на" are ignored):

* ``period ((","|"и"|";") period)*`` — a list: one interval per period ("Май, декабрь 2024 г.");
* ``period ("-"|"по") period`` — a range: one interval from the first's start to the second's end
  ("Январь – февраль 2024 г.", "с января по март"); a unit written once for two numbers is
  shared ("I-II квартал" = "I квартал - II квартал", "I, III кварталы" = two quarters);
* ``period`` = month | quarter ("I квартал", "1-й квартал", "II квартала") | half-year
  ("I полугодие", "второе полугодие") | year ("2024 г.") | school year ("2023-2024 учебный
  год" → 1 Sep 2023 … 31 Aug 2024) | "года" alone (the plan year: "В течение года") |
  a date ("07.03.2024", "13 февраля 2024") — each optionally followed by a year;
  a period without a year takes the year written after the list ("Май, декабрь 2024 г."),
  else ``plan_year``; without either there is no interval;
* ``"до"|"не позднее" date`` — an interval ending that day. It begins on 1 January of
  ``plan_year`` when that is the date's year (the plan runs from its year's start), else on the
  day itself (we know nothing about the start, so the interval is the deadline day).
* "ежемесячно", "ежеквартально", "еженедельно", "ежегодно" — the whole plan year (or the year
  written), and a qualifier ``monthly``/``quarterly``/``weekly``/``annually`` that says the
  work recurs inside it; the recurrence is not expanded into twelve intervals.

A range whose end is before its start, a month number 13, an impossible date… → no interval.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# phrase (normalised, as it starts) → concept local name in shnor:DeadlineQualifiers
QUALIFIERS: dict[str, str] = {
    "по мере поступления информации": "asInformationArrives",
    "по мере проведения": "asConducted",
    "по мере необходимости": "asNeeded",
    "по согласованию": "byAgreement",
    "по отдельному плану": "bySeparatePlan",
    "по плану работы": "perWorkPlan",
    "ежемесячно": "monthly",
    "ежеквартально": "quarterly",
    "еженедельно": "weekly",
    "ежегодно": "annually",
}
# qualifiers that, with no other date, still mean "during the plan year"
_RECURRING = {"monthly", "quarterly", "weekly", "annually"}
# qualifiers whose phrase is followed by an organisation ("по плану работы ГОУ ДПО ТО «…»")
_WITH_ORG = {"perWorkPlan"}


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline: the text as written, inclusive intervals, qualifier concepts."""

    text: str
    intervals: tuple[tuple[date, date], ...]
    qualifiers: tuple[str, ...]
    qualifier_orgs: tuple[str, ...]


# ---------------------------------------------------------------- normalisation

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")


def _normalise(text: str) -> str:
    """Lower case, ё → е, every dash → "-", quotes unified, spaces collapsed."""
    text = _DASHES.sub("-", text.replace("ё", "е").replace("Ё", "Е")).lower()
    text = text.replace("\u00a0", " ").replace("“", "«").replace("”", "»").replace("„", "«")
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- qualifiers

def _split_outside_quotes(text: str, sep: str = ",") -> list[str]:
    """Split ``text`` at ``sep`` characters that are not inside «…» or "…"."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "«":
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _match_qualifier(phrase: str) -> tuple[str, str] | None:
    """The (concept, rest after the phrase) for a normalised phrase that starts with a qualifier."""
    for start, concept in QUALIFIERS.items():
        if phrase.startswith(start):
            return concept, phrase[len(start):].strip(" .,;")
    return None


def _extract_qualifiers(original: str) -> tuple[str, list[str], list[str]]:
    """Take the qualifiers out of ``original``; return (date text left, concepts, organisations).

    Parenthesised groups are read as comma-separated qualifier phrases; a group that holds no
    known phrase is dropped from the date text (it is kept in ``Deadline.text``). Qualifier
    phrases outside parentheses are recognised too ("Ежемесячно", "По мере необходимости").
    """
    concepts: list[str] = []
    orgs: list[str] = []
    compact = re.sub(r"\s+", " ", original.replace("\u00a0", " ")).strip()

    def read_phrases(chunk: str) -> bool:
        found = False
        for piece in _split_outside_quotes(chunk):
            hit = _match_qualifier(_normalise(piece))
            if hit is None:
                continue
            found = True
            concept, _rest = hit
            if concept not in concepts:
                concepts.append(concept)
            if concept in _WITH_ORG:
                org = _org_after_phrase(piece)
                if org and org not in orgs:
                    orgs.append(org)
        return found

    def take_group(match: re.Match[str]) -> str:
        read_phrases(match.group(1))
        return " "

    rest = re.sub(r"\(([^()]*)\)?", take_group, compact)
    # phrases outside parentheses ("Ежемесячно", "По мере необходимости")
    for phrase, concept in QUALIFIERS.items():
        match = _phrase_pattern(phrase).search(rest)
        if match is None:
            continue
        if concept not in concepts:
            concepts.append(concept)
        end = match.end()
        if phrase.startswith("по "):
            # the phrase runs to the next comma outside quotes ("по плану работы ГОУ «…», …")
            stop = end + _comma_outside_quotes(rest[end:])
            if concept in _WITH_ORG:
                org = _clean_org(rest[end:stop])
                if org and org not in orgs:
                    orgs.append(org)
            end = stop
        rest = rest[: match.start()] + " " + rest[end:]
    return _normalise(rest), concepts, orgs


def _comma_outside_quotes(text: str) -> int:
    """Index of the first "," or ";" of ``text`` outside «…», or ``len(text)``."""
    depth = 0
    for index, ch in enumerate(text):
        if ch == "«":
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0:
            return index
    return len(text)


@lru_cache(maxsize=64)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A case-insensitive regex for a normalised phrase: any spaces, ё for е, a word start."""
    body = r"\s+".join(re.escape(word).replace("е", "[её]") for word in phrase.split())
    return re.compile(rf"(?<![а-яёА-ЯЁ]){body}[а-яё]*", re.IGNORECASE)


def _org_after_phrase(piece: str) -> str:
    """The organisation written after "по плану работы" in ``piece`` (original spelling)."""
    match = re.search(r"по\s+плану\s+работы\s*(.*)$", piece, re.IGNORECASE | re.DOTALL)
    return _clean_org(match.group(1)) if match else ""


def _clean_org(text: str) -> str:
    """Trim spaces and stray punctuation around an organisation name."""
    return re.sub(r"\s+", " ", text).strip(" ,;.)(")


# ---------------------------------------------------------------- tokens

def _month_forms() -> dict[str, int]:
    """Every case form of the twelve month names → month number."""
    soft = {"январ": 1, "феврал": 2, "апрел": 4, "июн": 6, "июл": 7,
            "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12}
    forms: dict[str, int] = {}
    for stem, number in soft.items():
        for ending in ("ь", "я", "е", "ю", "ем"):
            forms[stem + ending] = number
    for stem, number in {"март": 3, "август": 8}.items():
        for ending in ("", "а", "е", "у", "ом"):
            forms[stem + ending] = number
    for form in ("май", "мая", "мае", "маю", "маем"):
        forms[form] = 5
    return forms


MONTHS = _month_forms()
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ORDINAL = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4}
_FILLERS = {"в", "во", "течение", "срок", "с", "на", "период", "сроки"}
_YEAR_WORD = r"(?:\s*(?:гг?\.?|годы?|года|году|годов)(?![а-я]))?"

_TOKEN = re.compile(
    r"""
    (?P<school>(?P<sy1>\d{4})\s*[-/]\s*(?P<sy2>\d{4})\s*(?:учебн[а-я]*\s*(?:год[а-я]*)?|уч\.\s*г(?:од[а-я]*)?\.?|гг?\.?))
  | (?P<date>(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?:\s*(?:г\.?|года)(?![а-я]))?)
  | (?P<quarter>(?P<qn>iv|iii|ii|i|[1-4])\s*(?:-?[а-я]{1,2})?\s*(?:квартал[а-я]*|кв\.?)(?![а-я]))
  | (?P<ordq>(?P<oq>перв|втор|трет|четверт)[а-я]*\s+(?:квартал[а-я]*|кв\.?)(?![а-я]))
  | (?P<half>(?P<hn>ii|i|[12])\s*(?:-?[а-я]{1,2})?\s*полугоди[а-я]*)
  | (?P<ordh>(?P<oh>перв|втор)[а-я]*\s+полугоди[а-я]*)
  | (?P<year>(?P<yy>\d{4})"""
    + _YEAR_WORD
    + r""")
  | (?P<daymonth>(?P<dd>\d{1,2})\s+(?P<dm>[а-я]+))
  | (?P<until>до|не\s+позднее|не\s+позже)(?![а-я])
  | (?P<plan>год[а-я]*)(?![а-я])
  | (?P<dash>-)
  | (?P<sep>[,;]|и(?![а-я]))
  | (?P<word>[а-я]+)
  | (?P<dot>\.)
    """,
    re.VERBOSE,
)


@dataclass
class _Period:
    """One period before its year is known: a month, quarter, half, year, or a fixed interval."""

    kind: str  # "month" | "quarter" | "half" | "year" | "fixed" | "plan"
    number: int = 0
    year: int | None = None
    fixed: tuple[date, date] | None = None
    until: bool = False


class _Unreadable(Exception):
    """The date text is not (completely) understood: no interval."""


def _tokens(text: str) -> list[tuple[str, re.Match[str]]]:
    """Scan ``text`` into (kind, match) tokens; unknown characters make it unreadable."""
    out, pos = [], 0
    while pos < len(text):
        if text[pos] == " ":
            pos += 1
            continue
        match = _TOKEN.match(text, pos)
        if match is None:
            raise _Unreadable(text[pos:])
        out.append((match.lastgroup or "", match))
        pos = match.end()
    return out


def _make_date(year: int, month: int, day: int) -> date:
    """``date(year, month, day)`` or unreadable."""
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _Unreadable(f"{day}.{month}.{year}") from exc


def _period_from_token(kind: str, match: re.Match[str]) -> _Period | None:
    """The period a token denotes, or ``None`` for tokens that are not periods."""
    if kind == "school":
        y1, y2 = int(match.group("sy1")), int(match.group("sy2"))
        if "уч" not in match.group("school"):
            if y2 < y1:
                raise _Unreadable(match.group(0))
            return _Period("fixed", fixed=(date(y1, 1, 1), date(y2, 12, 31)))
        if y2 != y1 + 1:
            raise _Unreadable(match.group(0))
        return _Period("fixed", fixed=(date(y1, 9, 1), date(y2, 8, 31)))
    if kind == "date":
        day = _make_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        return _Period("fixed", fixed=(day, day))
    if kind == "quarter":
        return _Period("quarter", _ROMAN[match.group("qn")])
    if kind == "ordq":
        return _Period("quarter", _ORDINAL[match.group("oq")])
    if kind == "half":
        return _Period("half", _ROMAN[match.group("hn")])
    if kind == "ordh":
        return _Period("half", _ORDINAL[match.group("oh")])
    if kind == "year":
        return _Period("year", year=int(match.group("yy")))
    if kind == "plan":
        return _Period("plan")
    if kind == "word" and match.group(0) in MONTHS:
        return _Period("month", MONTHS[match.group(0)])
    if kind == "daymonth":
        month = MONTHS.get(match.group("dm"))
        if month is None:
            raise _Unreadable(match.group(0))
        return _Period("day", int(match.group("dd")) * 100 + month)
    return None


def _bounds(period: _Period, year: int | None, plan_year: int | None) -> tuple[date, date]:
    """The inclusive interval of a period, given its year."""
    if period.kind == "fixed":
        assert period.fixed is not None
        return period.fixed
    if period.kind == "plan":
        if plan_year is None:
            raise _Unreadable("года")
        return date(plan_year, 1, 1), date(plan_year, 12, 31)
    if year is None:
        raise _Unreadable("no year")
    if period.kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if period.kind == "month":
        return _month_bounds(year, period.number, period.number)
    if period.kind == "quarter":
        return _month_bounds(year, 3 * period.number - 2, 3 * period.number)
    if period.kind == "half":
        if period.number > 2:
            raise _Unreadable("half")
        return _month_bounds(year, 6 * period.number - 5, 6 * period.number)
    if period.kind == "day":
        day = _make_date(year, period.number % 100, period.number // 100)
        return day, day
    raise _Unreadable(period.kind)


def _month_bounds(year: int, first: int, last: int) -> tuple[date, date]:
    """1st of month ``first`` … last day of month ``last`` of ``year``."""
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


# ---------------------------------------------------------------- grammar

def _parse_periods(text: str) -> tuple[list[list[_Period]], bool]:
    """Read the date text into groups (a group of two is a range) and whether it is "до …"."""
    groups: list[list[_Period]] = []
    pending_range = False
    until = False
    for kind, match in _tokens(text):
        if kind in ("dot",) or (kind == "word" and match.group(0) in _FILLERS):
            continue
        if kind == "until":
            if groups:
                raise _Unreadable("до")
            until = True
            continue
        if kind == "sep":
            pending_range = False
            continue
        if kind == "dash" or (kind == "word" and match.group(0) == "по"):
            if not groups or pending_range:
                raise _Unreadable("-")
            pending_range = True
            continue
        if kind == "year" and groups and groups[-1][-1].kind in ("month", "quarter", "half", "day") \
                and groups[-1][-1].year is None:
            # a year written right after a period belongs to it
            groups[-1][-1].year = int(match.group("yy"))
            continue
        period = _period_from_token(kind, match)
        if period is None:
            raise _Unreadable(match.group(0))
        if pending_range:
            if len(groups[-1]) != 1:
                raise _Unreadable("range of ranges")
            groups[-1].append(period)
            pending_range = False
        else:
            groups.append([period])
    if pending_range:
        raise _Unreadable("open range")
    return groups, until


def _fill_years(groups: list[list[_Period]]) -> None:
    """Give each period without a year the next year written to its right ("Май, декабрь 2024")."""
    following: int | None = None
    for group in reversed(groups):
        for period in reversed(group):
            if period.kind in ("month", "quarter", "half", "day"):
                if period.year is None:
                    period.year = following
                else:
                    following = period.year
            elif period.kind == "year":
                following = period.year


_SHARED_UNIT = re.compile(
    r"\b(iv|iii|ii|i|[1-4])(?:\s*-?[а-я]{1,2}(?![а-я]))?\s*(-|,|и(?![а-я]))\s*"
    r"(?=(?:iv|iii|ii|i|[1-4])(?:\s*-?[а-я]{1,2}(?![а-я]))?\s*(квартал[а-я]*|кв\.?|полугоди[а-я]*))"
)


def _distribute_unit(text: str) -> str:
    """"i-ii квартал" → "i квартал - ii квартал" (the unit written once for two numbers)."""
    previous = None
    while previous != text:
        previous = text
        text = _SHARED_UNIT.sub(lambda m: f"{m[1]} {m[3]} {m[2]} ", text)
    return text


def _intervals(text: str, plan_year: int | None) -> tuple[tuple[date, date], ...]:
    """The intervals of a date text without qualifiers, or unreadable."""
    groups, until = _parse_periods(_distribute_unit(text))
    if not groups:
        return ()
    _fill_years(groups)
    out: list[tuple[date, date]] = []
    for group in groups:
        years = [p.year if p.year is not None else plan_year for p in group]
        first = _bounds(group[0], years[0], plan_year)
        last = _bounds(group[-1], years[-1], plan_year)
        if last[1] < first[0]:
            raise _Unreadable("range ends before it starts")
        out.append((first[0], last[1]))
    if until:
        if len(out) != 1 or out[0][0] != out[0][1]:
            raise _Unreadable("до needs one day")
        day = out[0][1]
        begin = date(plan_year, 1, 1) if plan_year == day.year else day
        out = [(begin, day)]
    return tuple(out)


def parse_deadline(text: str, *, plan_year: int | None) -> Deadline:
    """Parse a deadline cell; unreadable date text gives ``intervals=()`` (never a guess)."""
    if not isinstance(text, str):
        from ..errors import BadInput

        raise BadInput("a deadline must be text", value=repr(text)[:80])
    rest, qualifiers, orgs = _extract_qualifiers(text)
    try:
        intervals = _intervals(rest, plan_year)
    except _Unreadable:
        intervals = ()
    if not intervals and not rest.strip(" .,;") and plan_year is not None \
            and any(q in _RECURRING for q in qualifiers):
        intervals = ((date(plan_year, 1, 1), date(plan_year, 12, 31)),)
    return Deadline(text=text, intervals=intervals, qualifiers=tuple(qualifiers),
                    qualifier_orgs=tuple(orgs))
