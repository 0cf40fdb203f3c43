"""People: personal names in any grammatical case → one nominative name and one identity key.

Forms read (each in any case): "Фамилия Имя Отчество", "Имя Отчество Фамилия", "Фамилия И.О.",
"И.О. Фамилия" (with or without spaces: "Т. Н. Скачкову", "Т.Н.Скачкова").

* Full names: the given name and patronymic are recognised by pymorphy3 (``Name``/``Patr``
  tags); they fix the grammatical case and the gender, and are put in the nominative by
  pymorphy3. The surname, which pymorphy3 often does not know ("Пряжину"), is put in the
  nominative by suffix rules for that case and gender (``_surname_nominative``).
* Initials only: the case and gender are unknown, so the surname is read by its ending
  alone (``_surname_from_initials_form``): a form that is already a valid nominative surname
  ("Шагаева", "Золотова", "Юдин") is kept as written — "и. о. директора В.Е. Шагаева" may be
  the genitive of Шагаев, but nothing in the text says so; oblique feminine forms become
  the feminine nominative ("Пряжиной" → "Пряжина", "Юдину"/"Скачкову" → "Юдина"/"Скачкова":
  accusative feminine is preferred to the identical dative masculine, the usual reading in
  "возложить на … Ю.И. Юдину"); masculine oblique forms ("-ым", "-ского", "-скому") become
  the masculine nominative.
* ``key`` = slug of the nominative surname + the initials ("pryazhina-e-n"): the full name and
  the initials form of one person meet. ``same_person`` compares surname and initials.

``find_people`` does not return names inside school names ("имени … Ю.С. Беленогова") nor
author credits of programmes ("авт. Л. Анн", "«Тропинка к своему Я», О. Хухлаева",
"автор А. Микляева"): see ``_excluded``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import BadInput
from .morph import parses
from .translit import slug

@dataclass(frozen=True)
class PersonName:
    """A person's name in the nominative, with a key that is the same for every written form."""

    family: str  # "Пряжина"
    given: str | None  # "Елена" (None when only initials are known)
    patronymic: str | None  # "Николаевна"
    initials: str  # "Е.Н."
    name: str  # foaf:name: "Пряжина Елена Николаевна" or "Золотова Т.В."
    key: str  # "pryazhina-e-n"
    gender: str | None = None  # "female" | "male" | None


# ---------------------------------------------------------------- patterns

_UP = "А-ЯЁ"
_LOW = "а-яё"
_WORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
_CAPS_WORD = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?"
_INITIALS = rf"(?P<i1>[{_UP}])\.\s*(?P<i2>[{_UP}])\.?"
_INITIALS_B = rf"(?P<j1>[{_UP}])\.\s*(?P<j2>[{_UP}])\."

_RE_INITIALS_FIRST = re.compile(rf"(?<![{_UP}{_LOW}.]){_INITIALS_B}\s*(?P<fam>{_WORD})(?![{_LOW}])")
_RE_INITIALS_LAST = re.compile(rf"(?<![{_UP}{_LOW}])(?P<fam>{_WORD})\s+{_INITIALS}(?![{_UP}{_LOW}])")
_RE_THREE = re.compile(rf"(?<![{_UP}{_LOW}])({_WORD})\s+({_WORD})\s+({_WORD})(?![{_LOW}])")
_RE_THREE_CAPS = re.compile(rf"(?<![{_UP}{_LOW}])({_CAPS_WORD})\s+({_CAPS_WORD})\s+({_CAPS_WORD})(?![{_UP}])")
_RE_THREE_OVERLAPPING = tuple(re.compile(rf"(?=({p.pattern}))") for p in (_RE_THREE, _RE_THREE_CAPS))

# surname endings that are themselves a nominative surname
_NOM_FEM = re.compile(r"(?:ова|ева|ёва|ина|ына|ская|цкая|ая|яя)$")
_NOM_MASC = re.compile(r"(?:ов|ев|ёв|ин|ын|ский|цкий|ой|ый|ий)$")


# ---------------------------------------------------------------- morphology of names

def _tagged(word: str, grammeme: str) -> list:
    """pymorphy3 parses of ``word`` that carry ``grammeme`` (``Name``, ``Patr``, ``Surn``)."""
    return [p for p in parses(word.lower()) if grammeme in p.tag]


def _gender(parse) -> str | None:
    """"female"/"male" from a pymorphy3 parse."""
    if "femn" in parse.tag:
        return "female"
    if "masc" in parse.tag:
        return "male"
    return None


def _nominative(parse) -> str:
    """The nominative singular of a parse, capitalised (the gender of the parse is kept)."""
    form = parse.inflect({"nomn", "sing"}) or parse.inflect({"nomn"})
    word = form.word if form is not None else parse.normal_form
    return _capitalise(word)


def _capitalise(word: str) -> str:
    """"пряжина" → "Пряжина"; hyphenated parts each capitalised."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _patronymic_guess(word: str) -> tuple[str, str, set[str]] | None:
    """A patronymic pymorphy3 does not know, by suffix: (nominative, gender, possible cases)."""
    low = word.lower()
    fem = re.match(rf"(.*(?:овн|евн|ичн))(а|ы|е|у|ой)$", low)
    if fem:
        cases = {"а": {"nomn"}, "ы": {"gent"}, "е": {"datv", "loct"}, "у": {"accs"}, "ой": {"ablt"}}
        return _capitalise(fem.group(1) + "а"), "female", cases[fem.group(2)]
    masc = re.match(rf"(.*(?:ович|евич|ич))(|а|у|ем|е)$", low)
    if masc:
        cases = {"": {"nomn"}, "а": {"gent", "accs"}, "у": {"datv"}, "ем": {"ablt"}, "е": {"loct"}}
        return _capitalise(masc.group(1)), "male", cases[masc.group(2)]
    return None


def _given_and_patronymic(given: str, patronymic: str):
    """Read a given name + patronymic pair: (given nom., patronymic nom., gender, case) or None."""
    names = _tagged(given, "Name")
    patrs = _tagged(patronymic, "Patr")
    best = None
    for name in names:
        for patr in patrs:
            if _gender(name) != _gender(patr):
                continue
            if name.tag.case != patr.tag.case or "sing" not in name.tag or "sing" not in patr.tag:
                continue
            score = name.score + patr.score
            if best is None or score > best[0]:
                best = (score, name, patr)
    if best is not None:
        _, name, patr = best
        return _nominative(name), _nominative(patr), _gender(patr), name.tag.case
    guess = _patronymic_guess(patronymic)
    if guess is None:
        return None
    patr_nom, gender, cases = guess
    for name in names:
        if _gender(name) == gender and name.tag.case in cases:
            return _nominative(name), patr_nom, gender, name.tag.case
    return None


# ---------------------------------------------------------------- surnames

# (case, gender) → [(oblique ending, nominative ending)], longest first
_SURNAME_RULES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("gent", "female"): [("ской", "ская"), ("цкой", "цкая"), ("овой", "ова"), ("евой", "ева"),
                         ("ёвой", "ёва"), ("иной", "ина"), ("ыной", "ына"), ("ой", "ая"),
                         ("ы", "а"), ("и", "я")],
    ("datv", "female"): [("ской", "ская"), ("цкой", "цкая"), ("овой", "ова"), ("евой", "ева"),
                         ("ёвой", "ёва"), ("иной", "ина"), ("ыной", "ына"), ("ой", "ая"),
                         ("е", "а")],
    ("accs", "female"): [("скую", "ская"), ("цкую", "цкая"), ("ову", "ова"), ("еву", "ева"),
                         ("ёву", "ёва"), ("ину", "ина"), ("ыну", "ына"), ("ую", "ая"),
                         ("у", "а"), ("ю", "я")],
    ("ablt", "female"): [("ской", "ская"), ("цкой", "цкая"), ("овой", "ова"), ("евой", "ева"),
                         ("ёвой", "ёва"), ("иной", "ина"), ("ыной", "ына"), ("ой", "ая")],
    ("gent", "male"): [("ского", "ский"), ("цкого", "цкий"), ("ова", "ов"), ("ева", "ев"),
                       ("ёва", "ёв"), ("ина", "ин"), ("ына", "ын"), ("ого", "ой"), ("его", "ий")],
    ("accs", "male"): [("ского", "ский"), ("цкого", "цкий"), ("ова", "ов"), ("ева", "ев"),
                       ("ёва", "ёв"), ("ина", "ин"), ("ына", "ын"), ("ого", "ой"), ("его", "ий")],
    ("datv", "male"): [("скому", "ский"), ("цкому", "цкий"), ("ову", "ов"), ("еву", "ев"),
                       ("ёву", "ёв"), ("ину", "ин"), ("ыну", "ын"), ("ому", "ой"), ("ему", "ий")],
    ("ablt", "male"): [("ским", "ский"), ("цким", "цкий"), ("овым", "ов"), ("евым", "ев"),
                       ("ёвым", "ёв"), ("иным", "ин"), ("ыным", "ын"), ("ым", "ый"), ("им", "ий")],
    ("loct", "male"): [("ском", "ский"), ("цком", "цкий"), ("ове", "ов"), ("еве", "ев"),
                       ("ёве", "ёв"), ("ине", "ин"), ("ыне", "ын"), ("ом", "ой")],
}
_SURNAME_RULES[("loct", "female")] = _SURNAME_RULES[("datv", "female")]

# consonant-final masculine surnames (Шевчук, Поляк…) decline as nouns
_MASC_NOUN = {"gent": "а", "accs": "а", "datv": "у", "ablt": "ом", "loct": "е"}


def _surname_nominative(surname: str, case: str, gender: str | None) -> str:
    """Put ``surname`` (known to be in ``case``, of a person of ``gender``) in the nominative."""
    if case == "nomn" or gender is None:
        return _capitalise(surname)
    low = surname.lower()
    for ending, nominative in _SURNAME_RULES.get((case, gender), []):
        if low.endswith(ending) and len(low) > len(ending) + 1:
            return _capitalise(low[: -len(ending)] + nominative)
    if gender == "male":
        ending = _MASC_NOUN.get(case, "")
        if ending and low.endswith(ending) and len(low) > len(ending) + 2:
            stem = low[: -len(ending)]
            if re.search(r"[бвгджзклмнпрстфхцчшщ]$", stem):
                return _capitalise(stem)
    # surnames that do not decline (-ко, -их, -ых, foreign) and unknown endings: as written
    return _capitalise(surname)


def _surname_from_initials_form(surname: str) -> tuple[str, str | None]:
    """The nominative of a surname written with initials only, and the gender it shows."""
    low = surname.lower()
    if _NOM_FEM.search(low):
        return _capitalise(low), "female"
    for gender, cases in (("female", ("accs", "gent")), ("male", ("ablt", "gent", "datv"))):
        for case in cases:
            for ending, nominative in _SURNAME_RULES[(case, gender)]:
                if len(ending) < 3 and ending not in ("ой", "ую"):
                    continue  # short endings ("у", "ы", "ом") are too ambiguous on their own
                if low.endswith(ending) and len(low) > len(ending) + 1:
                    if gender == "male" and ending in ("ова", "ева", "ёва", "ина", "ына"):
                        continue  # a valid feminine nominative: kept as written (above)
                    return _capitalise(low[: -len(ending)] + nominative), gender
    if _NOM_MASC.search(low):
        return _capitalise(low), "male"
    return _capitalise(low), None


# ---------------------------------------------------------------- building names

def _person(family: str, given: str | None, patronymic: str | None, initials: str,
            gender: str | None) -> PersonName:
    """Assemble a ``PersonName`` with its display name and key."""
    if given and patronymic:
        name = f"{family} {given} {patronymic}"
    elif given:
        name = f"{family} {given}"
    else:
        name = f"{family} {initials}"
    letters = "-".join(ch for ch in initials if ch.isalpha())
    key = slug(f"{family.replace('ё', 'е').replace('Ё', 'Е')} {letters}")
    return PersonName(family, given, patronymic, initials, name, key, gender)


def _from_initials(surname: str, i1: str, i2: str | None) -> PersonName:
    """A person written as initials + surname (either order)."""
    family, gender = _surname_from_initials_form(surname)
    initials = f"{i1}." + (f"{i2}." if i2 else "")
    return _person(family, None, None, initials, gender)


def _from_full(words: tuple[str, str, str]) -> PersonName | None:
    """A person written as three words: surname first or last; None if it is not a name."""
    w1, w2, w3 = (_capitalise(w) for w in words)
    for surname, given, patronymic in ((w1, w2, w3), (w3, w1, w2)):
        if _tagged(surname, "Patr"):
            continue
        read = _given_and_patronymic(given, patronymic)
        if read is None:
            continue
        given_nom, patr_nom, gender, case = read
        family = _surname_nominative(surname, case, gender)
        initials = f"{given_nom[0]}.{patr_nom[0]}."
        return _person(family, given_nom, patr_nom, initials, gender)
    return None


def parse_person(text: str) -> PersonName | None:
    """One person's name in any case and order → ``PersonName``; ``None`` if it is not a name."""
    if not isinstance(text, str):
        raise BadInput("a person's name must be text", value=repr(text)[:80])
    clean = re.sub(r"\s+", " ", text).strip(" ,.;:()")
    clean = clean + "." if re.search(rf"[{_UP}]\.\s*[{_UP}]$", clean) else clean
    match = _RE_INITIALS_FIRST.fullmatch(clean)
    if match:
        return _from_initials(match["fam"], match["j1"], match["j2"])
    match = _RE_INITIALS_LAST.fullmatch(clean)
    if match:
        return _from_initials(match["fam"], match["i1"], match["i2"])
    match = _RE_THREE.fullmatch(clean) or _RE_THREE_CAPS.fullmatch(clean)
    if match:
        return _from_full((match[1], match[2], match[3]))
    return None


# ---------------------------------------------------------------- finding names in text

_SCHOOL_NAME_OPENER = re.compile(r"(?:имени|им\.)\s", re.IGNORECASE)
_AUTHOR = re.compile(r"(?:авт\.|автор[а-я]*|составител[а-я]*|под\s+ред(?:\.|акцией))\s*$", re.IGNORECASE)
_AFTER_TITLE = re.compile(r"[»\"]\s*,\s*$")
_ORG_BEFORE_QUOTE = re.compile(r"(?:\b[А-ЯЁ]{1,4}(?:ОУ|У|УДО)|учреждени[а-я]*|организаци[а-я]*|"
                               r"города\s+[А-ЯЁ][а-яё]+|\bДО|\bДПО)\s*$")


def _excluded(text: str, start: int) -> bool:
    """Whether a name starting at ``start`` is not a person of the act.

    * inside a school's honorific name: "имени"/"им." occurs earlier in the same clause (no
      "," ";" "." line break or closing quote between, at most 120 characters back);
    * an author credit: right after "авт."/"автор"/"составитель"/"под ред.", or right after
      a closing quote and a comma (a programme title «…», О. Хухлаева) — unless the quoted
      name follows a legal form or "учреждение"/"организация"/"города X" (then it is an
      organisation's name and the person after it is, say, its head: "МБОУ «СОШ № 5», Иванова И.И.").
    """
    before = text[max(0, start - 120):start]
    opener = None
    for opener in _SCHOOL_NAME_OPENER.finditer(before):
        pass
    if opener is not None:
        between = before[opener.end():]
        if not re.search(r"[;\n»\"]|,\s|\.\s+[а-яё]", between):
            return True
    if _AUTHOR.search(before):
        return True
    title = _AFTER_TITLE.search(before)
    if title is None:
        return False
    # «…», Name: a credit after a title, unless the quoted name is an organisation's
    opening = before.rfind("«", 0, title.start())
    prefix = before[max(0, opening - 40):opening] if opening >= 0 else ""
    return not _ORG_BEFORE_QUOTE.search(prefix)


def _plausible_surname(word: str) -> bool:
    """``word`` may be a surname: not a known common word, or tagged Surn, or with a surname suffix."""
    low = word.lower()
    if low in _NOT_SURNAMES:
        return False
    candidates = parses(low)
    if any("Surn" in p.tag for p in candidates):
        return True
    if any(("Geox" in p.tag or "Orgn" in p.tag) and p.score > 0.3 for p in candidates):
        return False
    if re.search(r"(?:ов|ев|ин|ын|ск|цк|их|ых|ко|ук|юк|ич)(?:а|ой|у|ую|ым|ом|ого|ому|ий|ая|ой)?$", low):
        return True
    return not any(p.is_known for p in candidates)


_NOT_SURNAMES = {"героя", "герой", "союза", "приказ", "приложение", "директор", "начальник"}


def find_people(text: str) -> list[tuple[int, int, PersonName]]:
    """Every person mention in ``text``: (start, end, name), in text order, without overlaps."""
    if not isinstance(text, str):
        raise BadInput("text must be a string", value=repr(text)[:80])
    found: list[tuple[int, int, PersonName]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, person: PersonName | None) -> None:
        if person is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        if not _excluded(text, start):
            found.append((start, end, person))

    for pattern in _RE_THREE_OVERLAPPING:
        # overlapping: "Назначить Пряжину Елену Николаевну" must also be tried one word later
        for match in pattern.finditer(text):
            start, end = match.start(1), match.end(1)
            add(start, end, _from_full((match[2], match[3], match[4])))
    for match in _RE_INITIALS_FIRST.finditer(text):
        if _plausible_surname(match["fam"]):
            add(match.start(), match.end(), _from_initials(match["fam"], match["j1"], match["j2"]))
    for match in _RE_INITIALS_LAST.finditer(text):
        if _plausible_surname(match["fam"]):
            add(match.start(), match.end(), _from_initials(match["fam"], match["i1"], match["i2"]))
    return sorted(found, key=lambda item: item[0])


def same_person(a: PersonName, b: PersonName) -> bool:
    """Whether two names denote one person: same surname and initials (full names must agree)."""
    if a.family.lower().replace("ё", "е") != b.family.lower().replace("ё", "е"):
        return False
    if a.initials != b.initials:
        return False
    if a.gender and b.gender and a.gender != b.gender:
        return False
    for x, y in ((a.given, b.given), (a.patronymic, b.patronymic)):
        if x and y and x.lower() != y.lower():
            return False
    return True
