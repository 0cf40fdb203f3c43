"""Organisations: split responsible cells, resolve every written form to one canonical entity.

Three kinds of names are told apart:

* **institutions** — a legal form (МБОУ, МКУ, МБУ ДО, ГОУ ДПО… or its full words
  "муниципальное бюджетное общеобразовательное учреждение"), a quoted name, a number, or an
  acronym: "МКУ «ЦНППМ г. Тулы»", "ЦО № 48", "Городской центр обеспечения качества
  образования". The core is the quoted part (an unclosed quote runs to the end), without the
  locality ("г. Тулы", "города Костромы", the typo ". Тулы") and, when it has a number,
  without its honorific tail ("№ 19 имени …"). A core written out in words is identified by
  its words and number ("Центр образования № 48"); an abbreviated core by its letters and
  number. Words give their first letter, all-capital words stay whole, hyphenated words give
  one letter per part, small words (и, в, с, по…) nothing. An abbreviation joins the one
  written-out name with its letters and number: "ЦО № 48" → (ЦО, 48) = "Центр образования
  № 48"; "Центр ППСС" → ЦППСС = "Центр психолого-педагогического и социального
  сопровождения"; "МБУ ГЦОКО" = "Городской центр обеспечения качества образования". If two
  different written-out names share the letters, the abbreviation joins neither. An
  abbreviation of four letters or more that is the start of exactly one other entity's letters
  is that entity ("ЦНППМ" ⊂ "ЦНППМПР", the full name's letters). The legal form does not take
  part in identity ("ЦО № 48" = "МБОУ ЦО № 48").
* **bodies** — authorities named by a head noun (управление, комитет, отдел, департамент,
  министерство, администрация) and genitive complements. Identity is the text with the head
  put in the nominative, lower case, "г." read as "города": "управления образования
  администрации города Тулы" = "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ". A body
  name of two words or more that starts exactly one other body name is that body
  ("Управление образования" in Kostroma).
* **collectives** (``shnor:CollectiveResponsible``) — groups and posts: a plural head
  ("Общеобразовательные организации", "Руководители ОУ") or a post noun (руководитель,
  координатор, директор, заместитель, педагог, учитель, специалист…).

The act's "Принятые сокращения" list (short → full) links a short form to its full form.
Clustering is recomputed from all the forms seen so far, in sorted order, so the result does
not depend on the order of the mentions: ``resolve`` answers for the forms seen so far, and
``lookup``/``entities`` after the last mention give the final entities (use those for IRIs).

Keys: institutions ``slug(legal form + letters + number)`` ("mbou-co-48", "mku-cnppm",
"mbu-gcoko"; the legal form is the one written most often, omitted if never written in this
act, the letters the shortest seen; when two entities of the act would share a key, those
with a written-out name take ``slug(legal form + its words)``); bodies and collectives
``slug(nominative text)`` of the longest name. Caveat across acts: a key reflects the forms
of one act, so an act that only ever writes "ЦО № 48" gives "co-48", and one that only
writes the full name of ЦНППМ gives "mku-cnppmpr"; a data table of known aliases can pin such
keys later.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from ..errors import BadInput
from .morph import parses
from .translit import slug

ORG_TYPES = ("school", "educationAuthority", "methodologicalCentre", "supportCentre",
             "regionalInstitute", "administration", "otherOrganization")


@dataclass(frozen=True)
class OrgRef:
    """A canonical organisation (or collective responsible) with every form seen."""

    key: str  # slug of the normalised key: "mbou-co-48"
    pref_label: str  # full official name in the nominative when known, else the best form seen
    alt_labels: frozenset[str]
    org_type: str  # local name in shnor:OrgTypes
    is_school: bool
    collective: bool


# ---------------------------------------------------------------- legal forms

_ABBR_FORMS = (
    "ФГБОУ", "ФГАОУ", "ФГКОУ", "ФГБУ", "ФГАУ", "ФГКУ", "ОГБОУ", "ОГАОУ", "ОГКОУ", "ОГБУ",
    "ОГАУ", "ОГКУ", "ГБОУ", "ГАОУ", "ГКОУ", "ГОАУ", "ГБУ", "ГАУ", "ГКУ", "ГОУ", "МБДОУ",
    "МАДОУ", "МКДОУ", "МДОУ", "МБОУ", "МАОУ", "МКОУ", "МОУ", "МБУ", "МАУ", "МКУ", "АНО",
    "ЧОУ", "НОУ",
)
_ABBR_RE = re.compile(
    r"(?<![А-ЯЁA-Zа-яё])(" + "|".join(_ABBR_FORMS) + r")(?:\s*(ДПО|ДО))?(?![а-яё])"
)
# full words of a legal form, in any case
_FULL_RE = re.compile(
    r"(?<![а-яё])(?P<own>федеральн[а-я]*\s+государственн[а-я]*|муниципальн[а-я]*|государственн[а-я]*"
    r"|областн[а-я]*|частн[а-я]*)\s+"
    r"(?:(?P<typ>бюджетн[а-я]*|казенн[а-я]*|казённ[а-я]*|автономн[а-я]*)\s+)?"
    r"(?P<kind>(?:(?:дошкольн[а-я]*|общеобразовательн[а-я]*|образовательн[а-я]*)\s+)?учрежден[а-я]*)"
    r"(?:\s+(?P<suf>дополнительного\s+профессионального\s+образования|дополнительного\s+образования))?",
    re.IGNORECASE,
)
_OWN = {"федеральн": ("ФГ", "федеральное государственное"), "муниципальн": ("М", "муниципальное"),
        "государственн": ("Г", "государственное"), "областн": ("О", "областное"),
        "частн": ("Ч", "частное")}
_TYP = {"бюджетн": ("Б", "бюджетное"), "казенн": ("К", "казенное"), "казённ": ("К", "казенное"),
        "автономн": ("А", "автономное")}
_KIND = {"дошкольн": ("ДОУ", "дошкольное образовательное учреждение"),
         "общеобразовательн": ("ОУ", "общеобразовательное учреждение"),
         "образовательн": ("ОУ", "образовательное учреждение"), "": ("У", "учреждение")}
_SUF = {"дополнительного профессионального образования": "ДПО",
        "дополнительного образования": "ДО"}


def _stem_of(word: str, table: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    """The table entry whose stem starts ``word`` (lower case)."""
    low = word.lower().replace("ё", "е")
    for stem, value in table.items():
        if stem and low.startswith(stem.replace("ё", "е")):
            return value
    return table.get("", ("", ""))


@dataclass(frozen=True)
class _LegalForm:
    """A legal form found in a name: canonical abbreviation, its nominative words, where."""

    abbr: str  # "МБОУ", "МБУ ДО", "ГОУ ДПО"
    words: str  # "муниципальное бюджетное общеобразовательное учреждение" ("" if abbreviated)
    start: int
    end: int


def _legal_form(text: str) -> _LegalForm | None:
    """The first legal form of ``text``, abbreviated or in words (full words win when both)."""
    full = _FULL_RE.search(text)
    if full:
        own_abbr, own_words = _stem_of(full["own"].split()[0], _OWN)
        typ_abbr, typ_words = _stem_of(full["typ"], _TYP) if full["typ"] else ("", "")
        kind_word = full["kind"].split()[0] if len(full["kind"].split()) > 1 else ""
        kind_abbr, kind_words = _stem_of(kind_word, _KIND)
        abbr = own_abbr + typ_abbr + kind_abbr
        words = " ".join(w for w in (own_words, typ_words, kind_words) if w)
        if full["suf"]:
            suffix = re.sub(r"\s+", " ", full["suf"].lower())
            abbr += " " + _SUF[suffix]
            words += " " + suffix
        return _LegalForm(abbr, words, full.start(), full.end())
    short = _ABBR_RE.search(text)
    if short:
        abbr = short[1] + (f" {short[2]}" if short[2] else "")
        return _LegalForm(abbr, "", short.start(), short.end())
    return None


# ---------------------------------------------------------------- text helpers

_QUOTES = "«»\"“”„"
_LOCALITY_RE = re.compile(r"(?i:\bг\.|\bгор\.|\bг(?=\s)|\bгород(?:а|е|у|ом)?\b)\s*[А-ЯЁ][а-яё-]+")
_TYPO_LOCALITY_RE = re.compile(r"\s\.\s*[А-ЯЁ][а-яё]+\s*$")
_HONORIFIC_RE = re.compile(r"\s(?:имени|им\.)\s.*$", re.IGNORECASE | re.DOTALL)
_SMALL_WORDS = {"и", "в", "во", "с", "со", "по", "на", "для", "при", "к", "о", "об", "от", "из"}
_BODY_HEADS = ("управлени", "комитет", "отдел", "департамент", "министерств", "администраци")
_POST_HEADS = ("руководител", "координатор", "директор", "заместител", "педагог", "учител",
               "специалист", "классн", "ответственн", "член", "начальник", "заведующ", "куратор")


def _compact(text: str) -> str:
    """Collapse whitespace, unify quotes and dashes, trim stray punctuation."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text.replace("\u00a0", " "))
    text = text.replace("“", "«").replace("„", "«").replace("”", "»")
    return re.sub(r"\s+", " ", text).strip(" ,;")


def _quoted(text: str) -> str | None:
    """The quoted part of ``text``: first to last quote mark; an unclosed quote runs to the end."""
    marks = [i for i, ch in enumerate(text) if ch in _QUOTES]
    if not marks:
        return None
    first = marks[0]
    last = marks[-1] if len(marks) > 1 else len(text)
    inner = text[first + 1:last]
    return "".join(ch for ch in inner if ch not in _QUOTES).strip()


def _strip_locality(text: str) -> str:
    """Remove "г. Тулы", "города Костромы", a trailing ". Тулы" typo."""
    text = _TYPO_LOCALITY_RE.sub("", text)
    return re.sub(r"\s+", " ", _LOCALITY_RE.sub(" ", text)).strip(" ,.")


def _acronym(core: str) -> tuple[str, str | None]:
    """(letters, number) of a core name: "Центр образования № 48" → ("ЦО", "48")."""
    core = _core_without_honorific(core)
    letters, number = [], None
    for token in re.findall(r"[А-ЯЁа-яёA-Za-z]+|\d+", core):
        if token.isdigit():
            number = number or token
        elif token.lower() in _SMALL_WORDS or token.lower() in ("имени", "им"):
            continue
        elif len(token) >= 2 and token.isupper():
            letters.append(token)
        else:
            letters.append(token[0].upper())
    return "".join(letters).replace("Ё", "Е"), number


def _nominative_phrase(text: str) -> str:
    """Put the leading adjectives and the first noun of ``text`` in the nominative.

    "управления образования администрации города Тулы" → "управление образования …";
    "Руководителей общеобразовательных организаций" → "Руководители общеобразовательных
    организаций"; "муниципальному координатору …" → "муниципальный координатор …". The
    number is kept; the capitalisation of each word is kept.
    """
    words = text.split(" ")
    head = None
    for index, word in enumerate(words):
        if not re.fullmatch(r"[А-ЯЁа-яё-]+", word):
            break
        tags = parses(word.lower())
        if any(p.tag.POS == "NOUN" for p in tags):
            head = index
            break
        if not any(p.tag.POS == "ADJF" for p in tags):
            break
    if head is None:
        return text
    noun_parses = [p for p in parses(words[head].lower()) if p.tag.POS == "NOUN"]
    chosen = None
    if head == 0:
        # no adjective to agree with: a nominative singular stays, else the likeliest reading
        chosen = next((p for p in noun_parses if p.tag.case == "nomn" and p.tag.number == "sing"),
                      noun_parses[0])
    else:
        for prefer_nomn in (True, False):
            for noun in noun_parses:
                if prefer_nomn and noun.tag.case != "nomn":
                    continue
                if all(_agreeing_adjective(words[i], noun) for i in range(head)):
                    chosen = noun
                    break
            if chosen:
                break
    if chosen is None:
        return text
    number = chosen.tag.number or "sing"
    out = list(words)
    for index in range(head + 1):
        parse = chosen if index == head else _agreeing_adjective(words[index], chosen)
        wanted = {"nomn", number}
        if index != head and number == "sing" and chosen.tag.gender:
            wanted.add(chosen.tag.gender)
        form = parse.inflect(wanted)
        if form is not None:
            out[index] = _same_case(words[index], form.word)
    return " ".join(out)


def _agreeing_adjective(word: str, noun):
    """A parse of adjective ``word`` that agrees with ``noun`` in case and number, or None."""
    for parse in parses(word.lower()):
        if parse.tag.POS != "ADJF" or parse.tag.case != noun.tag.case:
            continue
        if parse.tag.number != noun.tag.number:
            continue
        if noun.tag.number == "sing" and parse.tag.gender and noun.tag.gender \
                and parse.tag.gender != noun.tag.gender:
            continue
        return parse
    return None


def _same_case(model: str, word: str) -> str:
    """``word`` with the letter case of ``model`` (UPPER, Capitalised or lower)."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _signature_text(text: str) -> str:
    """Lower-case comparison text: ё → е, "г." → "города", punctuation dropped."""
    low = text.lower().replace("ё", "е")
    low = re.sub(r"\bг\.\s*(?=[а-я])|\bгор\.\s*(?=[а-я])", "города ", low)
    return re.sub(r"\s+", " ", re.sub(r"[^а-яa-z0-9№ ]+", " ", low)).strip()


# ---------------------------------------------------------------- analysis of one form

@dataclass(frozen=True)
class _Form:
    """What one written form says: its kind, signature, and how good a label it makes."""

    text: str
    kind: str  # "institution" | "body" | "collective"
    signature: tuple[str, ...]
    legal: _LegalForm | None
    label: str  # the nominative label this form gives
    label_score: tuple
    type_text: str  # text used to decide the type
    acronym: str = ""  # institutions: letters of the core ("ЦО", "ГЦОКО")
    number: str = ""  # institutions: the number of the core ("48")
    full_text: str = ""  # institutions whose core is written out in words: the normalised words


@lru_cache(maxsize=4096)
def _analyse(text: str) -> _Form:
    """Analyse one written form (cached: the same form always gives the same answer)."""
    legal = _legal_form(text)
    quoted = _quoted(text)
    rest = text
    if legal is not None:
        rest = (text[:legal.start] + " " + text[legal.end:]).strip()
    nominative = _nominative_phrase(rest) if legal is None and quoted is None else rest
    first = _signature_text(nominative).split(" ")[0] if nominative else ""
    if legal is None and quoted is None and first.startswith(_BODY_HEADS):
        sig = _signature_text(nominative)
        label = nominative[:1].upper() + nominative[1:]
        return _Form(text, "body", ("body", sig), None, label,
                     _label_score(text, label, full=True), sig)
    if legal is None and quoted is None and _is_collective(nominative):
        sig = _signature_text(nominative)
        label = nominative[:1].upper() + nominative[1:]
        return _Form(text, "collective", ("collective", sig), None, label,
                     _label_score(text, label, full=True), sig)
    core = quoted if quoted is not None else _strip_locality(rest.replace("«", " ").replace("»", " "))
    core = _strip_locality(core)
    letters, number = _acronym(core)
    label = _institution_label(text, legal)
    written_out = _written_out(core)
    full_text = _signature_text(_core_without_honorific(core)) if written_out else ""
    signature = ("institution-words", full_text, number or "") if written_out \
        else ("institution", letters, number or "")
    type_text = " ".join([legal.words if legal and legal.words else (legal.abbr if legal else ""),
                          legal.abbr if legal else "", core])
    return _Form(text, "institution", signature, legal, label,
                 _label_score(text, label, full=bool(re.search(r"[а-яё]{3,}\s+[а-яё]{3,}", core)),
                              legal_words=bool(legal and legal.words)),
                 type_text, letters, number or "", full_text)


def _written_out(core: str) -> bool:
    """The core is words, not an abbreviation: no all-capital token, at least one word."""
    tokens = re.findall(r"[А-ЯЁа-яёA-Za-z]+", core)
    return bool(tokens) and not any(len(t) >= 2 and t.isupper() for t in tokens) \
        and any(t.islower() or t[1:].islower() for t in tokens if len(t) >= 3)


def _core_without_honorific(core: str) -> str:
    """A numbered core loses its honorific tail ("школа № 19 имени …" → "школа № 19")."""
    if re.search(r"\d", core):
        return _HONORIFIC_RE.sub("", " " + core).strip()
    return core


def _is_collective(text: str) -> bool:
    """A group or a post rather than one organisation."""
    words = _signature_text(text).split(" ")
    if not words or not words[0]:
        return False
    if words[0].startswith(_POST_HEADS):
        return True
    for word in words:  # the head noun after leading adjectives ("муниципальный координатор")
        if any(p.tag.POS == "NOUN" for p in parses(word)):
            if word.startswith(_POST_HEADS):
                return True
            break
        if not any(p.tag.POS == "ADJF" for p in parses(word)):
            break
    if words[0] in ("оу", "ов"):
        return True
    tags = parses(words[0])
    head_plural = tags and tags[0].tag.number == "plur" and tags[0].tag.case == "nomn"
    return bool(head_plural and tags[0].tag.POS in ("NOUN", "ADJF"))


def _institution_label(text: str, legal: _LegalForm | None) -> str:
    """A label for an institution form: full legal-form words put in the nominative."""
    if legal is None or not legal.words:
        return text[:1].upper() + text[1:]
    words = legal.words[:1].upper() + legal.words[1:]
    tail = text[legal.end:].strip()
    head = text[:legal.start].strip()
    return " ".join(part for part in (head, words, tail) if part)


def _label_score(text: str, label: str, *, full: bool, legal_words: bool = False) -> tuple:
    """Sort key of a label candidate: larger is better (full legal words, full core, nominative…)."""
    balanced = label.count("«") == label.count("»") and label.count('"') % 2 == 0
    not_caps = not (label.upper() == label)
    typo = bool(_TYPO_LOCALITY_RE.search(label.replace("»", "")))
    return (legal_words, full, not_caps, balanced, not typo, text == label, len(label), label)


# ---------------------------------------------------------------- types

_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("supportCentre", re.compile(r"ппсс|ппмс|психолого-педагогическ[а-я]*[^«»\"]{0,60}?"
                                 r"(?:сопровожд|помощ)", re.I)),
    ("methodologicalCentre", re.compile(r"цнппм|центр[а-я]*\s+непрерывн|методическ[а-я]*\s+(?:центр|служб)"
                                        r"|центр[а-я]*\s+обеспечени[а-я]*\s+качеств|гцоко|\bимц\b|\bммц\b"
                                        r"|информационно-методическ", re.I)),
    # schools of additional education are not general-education schools
    ("otherOrganization", re.compile(r"(?:спортивн|музыкальн|художественн|хореографическ)[а-я]*\s+школ"
                                     r"|школ[а-я]*\s+искусств|\bдши\b|\bдюсш\b|\bсшор\b|\bсш\b", re.I)),
    ("regionalInstitute", re.compile(r"\bипк\b|\bиро\b|институт|ппро|академи|университет", re.I)),
    ("school", re.compile(r"школ|\bсош\b|\bоош\b|\bнош\b|лице|гимнази|центр[а-я]*\s+образования\b"
                          r"|\bцо\b|общеобразовательн[а-я]*\s+учрежден|кадетск", re.I)),
)
_AUTHORITY_HEADS = ("управлени", "комитет", "отдел", "департамент", "министерств")


def _org_type(form: _Form) -> str:
    """The ``shnor:OrgTypes`` local name of a form."""
    text = form.type_text
    if form.kind == "body":
        head = text.split(" ")[0]
        if head.startswith(_AUTHORITY_HEADS) and "образовани" in text:
            return "educationAuthority"
        if head.startswith("администраци"):
            return "administration"
        return "otherOrganization"
    if form.kind == "collective":
        if re.search(r"\bоу\b|общеобразовательн|школ", text):
            return "school"
        return "otherOrganization"
    if form.legal is not None and form.legal.abbr.endswith(("ДО", "ДПО")):
        text = text.replace("общеобразовательное учреждение", "учреждение")
    for org_type, pattern in _TYPE_RULES:
        if pattern.search(text):
            return org_type
    if form.legal is not None and form.legal.abbr in ("МБОУ", "МАОУ", "МКОУ", "МОУ", "ГБОУ", "ГАОУ"):
        return "school"
    return "otherOrganization"


# ---------------------------------------------------------------- splitting a cell

_NEW_BODY_WORDS = ("муниципальн", "городск", "региональн", "областн", "общеобразовательн",
                   "образовательн", "руководител", "координатор", "управлени", "комитет",
                   "отдел", "администраци", "школ", "центр", "учреждени", "организаци",
                   "педагог", "заместител", "директор", "специалист", "классн", "методическ",
                   "ответственн", "члены", "служб", "государственн", "федеральн")
_SPLIT_BEFORE = re.compile(
    r"(?<=\S)\s+(?=(?:" + "|".join(_ABBR_FORMS) + r")(?![а-яё])|МБУДО|МАУДО|МБОУДО"
    r"|(?:Муниципальн|Государственн|Федеральн)[а-я]*\s+[а-я]+)"
)


def _starts_new_body(segment: str) -> bool:
    """Whether ``segment`` looks like the start of another responsible body."""
    segment = segment.strip()
    if not segment:
        return False
    if segment[0].isupper() or segment[0].isdigit() or segment[0] in _QUOTES:
        return True
    return segment.lower().startswith(_NEW_BODY_WORDS)


def _continues(previous: str, line: str) -> bool:
    """Whether a cell line continues the previous line's name rather than starting a body."""
    if previous.rstrip().endswith((",", "-", "–", " и", "«")):
        return True
    if line[:1].islower() and not line.lower().startswith(_NEW_BODY_WORDS):
        return True
    return False


def _split_commas(line: str) -> list[str]:
    """Split a line at "," / ";" where the next piece starts another body.

    A comma inside an unclosed quote splits too when a legal form follows it
    ("МКУ «ЦНППМ г. Тулы, МБУ ДО «Центр ППСС» …").
    """
    parts, depth, start = [], 0, 0
    for index, ch in enumerate(line):
        if ch == "«":
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = 0 if depth else 1
        elif ch in ",;":
            following = line[index + 1:]
            strong = bool(_legal_form(following[:60]) and _legal_form(following[:60]).start
                          <= len(following) - len(following.lstrip()))
            if (depth == 0 and _starts_new_body(following)) or strong:
                parts.append(line[start:index])
                start = index + 1
                depth = 0
    parts.append(line[start:])
    return parts


def split_responsible(cell: str) -> list[str]:
    """The separate bodies named in one responsible cell, each as written (spaces collapsed)."""
    if not isinstance(cell, str):
        raise BadInput("a responsible cell must be text", value=repr(cell)[:80])
    lines = [re.sub(r"\s+", " ", line).strip() for line in cell.replace("\r", "\n").split("\n")]
    joined: list[str] = []
    for line in filter(None, lines):
        if joined and _continues(joined[-1], line):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    out: list[str] = []
    for line in joined:
        for piece in _split_commas(line):
            out.extend(_SPLIT_BEFORE.split(piece))
    return [_compact(piece) for piece in out if _compact(piece)]


# ---------------------------------------------------------------- resolver

class _UnionFind:
    """Disjoint sets over strings."""

    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class OrgResolver:
    """Resolves the organisation names of one act (one municipality) to canonical entities."""

    def __init__(self, *, municipality_slug: str, abbreviations: Mapping[str, str] = {}) -> None:
        if not municipality_slug or not isinstance(municipality_slug, str):
            raise BadInput("an organisation resolver needs a municipality slug")
        self.municipality_slug = municipality_slug
        self._abbreviations = {self._abbr_key(k): _compact(v) for k, v in abbreviations.items()
                               if _compact(v)}
        self._forms: dict[str, None] = {}  # every form seen (ordered set)
        self._links: set[tuple[str, str]] = set()  # (short, full) from the abbreviation list
        self._clusters: dict[str, OrgRef] | None = None

    @staticmethod
    def _abbr_key(text: str) -> str:
        """Lookup key of an abbreviation: upper case, no spaces."""
        return re.sub(r"\s+", "", text).upper()

    # -- public API

    def resolve(self, name: str) -> OrgRef:
        """Register a written form and return its canonical entity (as known so far)."""
        form = self._register(name)
        return self._by_form()[form]

    def lookup(self, name: str) -> OrgRef:
        """The final entity of a form already resolved (``NotFound``-like ``BadInput`` if not)."""
        form = _compact(name)
        mapping = self._by_form()
        if form not in mapping:
            raise BadInput(f"organisation not resolved in this act: {name!r}")
        return mapping[form]

    def canonical(self, ref: OrgRef) -> OrgRef:
        """The final entity of a ref returned earlier by ``resolve`` (found by the forms it holds)."""
        seen = sorted((ref.alt_labels | {ref.pref_label}) & set(self._forms))
        if not seen:
            raise BadInput(f"organisation not resolved in this act: {ref.pref_label!r}")
        return self.lookup(seen[0])

    def entities(self) -> list[OrgRef]:
        """Every canonical entity with all its aliases, sorted by key."""
        unique = {ref.key: ref for ref in self._by_form().values()}
        return [unique[key] for key in sorted(unique)]

    def schools_from_numbers(self, text: str) -> list[OrgRef]:
        """The known schools whose numbers are listed in ``text`` ("ОУ № 7,10,11,19,37").

        A number that matches no known school, or several, gives nothing (never a guess).
        """
        if "№" not in text:
            return []
        numbers = re.findall(r"\d+", text.split("№", 1)[1])
        by_number: dict[str, set[str]] = {}
        refs: dict[str, OrgRef] = {}
        for form_text, ref in self._by_form().items():
            form = _analyse(form_text)
            if ref.is_school and form.kind == "institution" and form.number:
                by_number.setdefault(form.number, set()).add(ref.key)
                refs[ref.key] = ref
        out: list[OrgRef] = []
        for number in numbers:
            keys = by_number.get(number.lstrip("0") or "0", set()) | by_number.get(number, set())
            if len(keys) == 1:
                ref = refs[next(iter(keys))]
                if ref not in out:
                    out.append(ref)
        return out

    # -- internals

    def _register(self, name: str) -> str:
        """Add a form (and its expansion from the abbreviation list); return the compact form."""
        if not isinstance(name, str) or not _compact(name):
            raise BadInput("an organisation name must be non-empty text", value=repr(name)[:80])
        form = _compact(name)
        if form not in self._forms:
            self._forms[form] = None
            self._clusters = None
        full = self._abbreviations.get(self._abbr_key(form))
        if full and full != form:
            if full not in self._forms:
                self._forms[full] = None
            if (form, full) not in self._links:
                self._links.add((form, full))
                self._clusters = None
        return form

    def _by_form(self) -> dict[str, OrgRef]:
        """Form → canonical entity, recomputed (order-independently) when forms were added."""
        if self._clusters is None:
            self._clusters = self._cluster()
        return self._clusters

    def _cluster(self) -> dict[str, OrgRef]:
        """Cluster all forms: same signature, abbreviation links, then unique-prefix rules."""
        forms = sorted(self._forms)
        analysed = {text: _analyse(text) for text in forms}
        sets = _UnionFind(forms)
        by_signature: dict[tuple[str, ...], str] = {}
        for text in forms:
            signature = analysed[text].signature
            if signature in by_signature:
                sets.union(by_signature[signature], text)
            else:
                by_signature[signature] = text
        for short, full in sorted(self._links):
            sets.union(short, full)
        self._link_abbreviations(forms, analysed, sets)
        self._merge_prefixes(forms, analysed, sets)
        groups: dict[str, list[_Form]] = {}
        for text in forms:
            groups.setdefault(sets.find(text), []).append(analysed[text])
        refs = {root: _make_ref(members) for root, members in groups.items()}
        _disambiguate_keys(refs, groups)
        out: dict[str, OrgRef] = {}
        for root, members in groups.items():
            for form in members:
                out[form.text] = refs[root]
        return out

    @staticmethod
    def _link_abbreviations(forms: list[str], analysed: dict[str, _Form], sets: _UnionFind) -> None:
        """Join an abbreviated form to the one written-out name with its letters and number.

        "ЦО № 48" joins "Центр образования № 48"; if two different written-out names share the
        letters (say "Центр образования" and "Центр одарённости"), the abbreviation joins neither.
        """
        written: dict[tuple[str, str], set[str]] = {}
        for text in forms:
            form = analysed[text]
            if form.kind == "institution" and form.full_text:
                written.setdefault((form.acronym, form.number), set()).add(form.full_text)
        first_of: dict[tuple[str, str], str] = {}
        for text in forms:
            form = analysed[text]
            if form.kind == "institution" and form.full_text:
                first_of.setdefault((form.acronym, form.number, form.full_text), text)
        for text in forms:
            form = analysed[text]
            if form.kind != "institution" or form.full_text:
                continue
            names = written.get((form.acronym, form.number), set())
            if len(names) == 1:
                sets.union(text, first_of[(form.acronym, form.number, next(iter(names)))])

    @staticmethod
    def _merge_prefixes(forms: list[str], analysed: dict[str, _Form], sets: _UnionFind) -> None:
        """Join a short acronym / body name to the one other cluster it is the start of."""
        def clusters() -> dict[str, list[_Form]]:
            groups: dict[str, list[_Form]] = {}
            for text in forms:
                groups.setdefault(sets.find(text), []).append(analysed[text])
            return groups

        for root, members in sorted(clusters().items()):
            for form in members:
                candidates = set()
                for other_root, others in clusters().items():
                    if sets.find(other_root) == sets.find(root):
                        continue
                    if any(_is_prefix_of(form, other) for other in others):
                        candidates.add(sets.find(other_root))
                if len(candidates) == 1:
                    sets.union(root, candidates.pop())
                    break


def _is_prefix_of(short: _Form, long: _Form) -> bool:
    """``short`` names the same body as ``long`` by being its start (see the module docs)."""
    if short.kind != long.kind:
        return False
    if short.kind == "institution":
        if short.full_text:
            return False  # only an abbreviation stands for a longer name
        letters, number = short.acronym, short.number
        other_letters, other_number = long.acronym, long.number
        return (len(letters) >= 4 and not number and not other_number
                and other_letters.startswith(letters) and other_letters != letters)
    if short.kind == "body":
        text, other = short.signature[1], long.signature[1]
        return len(text.split(" ")) >= 2 and other.startswith(text + " ")
    return False


def _disambiguate_keys(refs: dict[str, OrgRef], groups: dict[str, list[_Form]]) -> None:
    """Give institutions that share a short key ("co") a key from their written-out name."""
    by_key: dict[str, list[str]] = {}
    for root, ref in refs.items():
        by_key.setdefault(ref.key, []).append(root)
    for roots in by_key.values():
        if len(roots) < 2:
            continue
        for root in roots:
            written = [f for f in groups[root] if f.kind == "institution" and f.full_text]
            if not written:
                continue  # the abbreviation-only entity keeps the short key
            form = min(written, key=lambda f: (f.full_text, f.text))
            legal = next((f.legal.abbr for f in sorted(groups[root], key=lambda f: f.text)
                          if f.legal is not None), "")
            key = slug(" ".join(part for part in (legal, form.full_text) if part))
            refs[root] = replace(refs[root], key=key)


def _make_ref(members: list[_Form]) -> OrgRef:
    """The canonical ``OrgRef`` of a cluster of forms."""
    best = max(members, key=lambda f: f.label_score)
    kinds = Counter(f.kind for f in members)
    kind = "institution" if kinds["institution"] else max(sorted(kinds), key=kinds.__getitem__)
    if kind == "institution":
        institutions = [f for f in members if f.kind == "institution"]
        legal = Counter(f.legal.abbr for f in institutions if f.legal is not None)
        legal_abbr = max(sorted(legal), key=legal.__getitem__) if legal else ""
        letters = min((f.acronym for f in institutions if f.acronym),
                      key=lambda s: (len(s), s), default="")
        number = next((f.number for f in institutions if f.number), "")
        key = slug(" ".join(part for part in (legal_abbr, letters, number) if part))
        types = [_org_type(f) for f in sorted(institutions, key=lambda f: f.label_score, reverse=True)]
        org_type = next((t for t in types if t != "otherOrganization"), "otherOrganization")
    else:
        chosen = [f for f in members if f.kind == kind]
        longest = max(chosen, key=lambda f: (len(f.signature[1]), f.signature[1]))
        key = slug(longest.signature[1])
        org_type = _org_type(longest)
    collective = kind == "collective"
    pref = best.label
    alts = frozenset({f.text for f in members} | {f.label for f in members}) - {pref}
    return OrgRef(key=key, pref_label=pref, alt_labels=alts, org_type=org_type,
                  is_school=(org_type == "school" and not collective), collective=collective)
