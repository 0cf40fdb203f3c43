"""Structure: the blocks of an act → plain dataclasses (header, clauses, plan, annexes…), no RDF.

The parts of a municipal act are found by their wording and layout, not by line numbers:

* header — everything before the operative word (ПРИКАЗЫВАЮ, ОБЯЗЫВАЮ, ПОСТАНОВЛЯЮ…): the
  letterhead and the issuing post, the document type word, the date ("от « 13 » февраля 2024"),
  the number ("№ 22/1-осн"), the title ("Об утверждении …"), the legal basis paragraph(s)
  ("На основании …", "В соответствии с …") with the acts they cite;
* clauses — the numbered paragraphs after the operative word; a paragraph that starts in
  lower case continues the clause before it (text lost across a page break);
* sign-off — after the clauses: the signatory (post lines, then the name), the approvals
  (a signature blank "_____ Т.Н.Скачкова"), a contact (a name followed by a phone number), the
  distribution list ("РАССЫЛКА:");
* annexes — from each "Приложение …" heading that refers to the act ("к приказу",
  "к распоряжению"…); a date or number missing from the header is taken from these headings;
* the plan — the table whose header has an activity column and a deadline or responsible
  column (columns found by their names, in any order); sections, items, sub-items;
* school lists — annex tables or numbered paragraphs naming schools and their heads, and the
  list of abbreviations ("Принятые сокращения:").

Every piece keeps the span of its text. Text is cleaned only where the contract asks for clean
text (titles: HTML removed, lines joined, spaces collapsed); cell texts otherwise stay as written.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from .blocks import Paragraph, RawDocument, Row, Span, Table

# -- dataclasses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A piece of text with its span."""

    text: str
    span: Span


@dataclass(frozen=True)
class Citation:
    """An act cited as the legal basis: what the citation gives, nothing more."""

    doc_type: str  # concept local name: prikaz, rasporyazhenie, postanovlenie, otherDocument
    issuer: str | None  # as written (usually genitive): "министерства образования Тульской области"
    date: date | None
    year: int | None
    number: str | None
    title: str | None
    source: Text


@dataclass
class Header:
    """The header of the act."""

    letterhead: tuple[Text, ...] = ()  # organisation lines above the title, in order
    post: Text | None = None  # the issuing post, when the act is issued by a post
    doc_type: str | None = None  # concept local name
    date: date | None = None
    year: int | None = None
    number: str | None = None
    title: Text | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Clause:
    """An operative clause: its number, its text (lines joined), its span."""

    number: str
    text: str
    span: Span


@dataclass(frozen=True)
class SignOff:
    """A signature: the post as written, the person as written, the span of the block."""

    post: str
    person: str
    span: Span
    blank: bool  # signed on a signature blank ("_____ Т.Н.Скачкова"): an approval


@dataclass(frozen=True)
class Contact:
    """The contact person named at the end of the act, with a phone number when given."""

    person: str
    phone: str | None
    span: Span


@dataclass(frozen=True)
class Abbreviation:
    """One entry of the list of abbreviations."""

    short: str
    full: str
    span: Span


@dataclass(frozen=True)
class AnnexEntry:
    """A school named in an annex list, with its head."""

    name: str
    head: str | None
    head_post: str | None  # "директор", "руководитель"…, as written (lower case)
    span: Span


@dataclass
class Annex:
    """An annex: heading, title, kind, and the schools it lists."""

    number: str | None
    heading: Text
    title: Text | None
    kind: str  # "plan" | "target" | "mentor" | "other"
    entries: list[AnnexEntry] = field(default_factory=list)
    span: Span | None = None


@dataclass(frozen=True)
class Section:
    """A plan section (a row with a one-level number and no other cells)."""

    ordinal: int
    number: str | None
    title: str
    span: Span


@dataclass(frozen=True)
class Item:
    """A plan item: one row of the plan table."""

    position: int
    number: str | None
    section: int | None  # ordinal of its section
    title: str
    title_span: Span
    deadline: str | None
    responsible: str | None
    result: str | None
    parent: str | None  # number of the parent item (5.1.1 → 5.1), when that item exists
    span: Span


@dataclass
class Plan:
    """The plan an act approves."""

    title: Text | None
    year: int | None
    columns: tuple[str, ...]
    sections: list[Section]
    items: list[Item]
    span: Span


@dataclass
class Act:
    """Everything the structure stage finds in one document."""

    header: Header
    basis: list[Citation] = field(default_factory=list)
    operative: Text | None = None
    clauses: list[Clause] = field(default_factory=list)
    signatory: SignOff | None = None
    approvals: list[SignOff] = field(default_factory=list)
    contact: Contact | None = None
    distribution: list[Text] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    plan: Plan | None = None
    abbreviations: list[Abbreviation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- small text helpers ---------------------------------------------------------------------------

MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
DOC_TYPE_WORDS = {"приказ": "prikaz", "распоряжени": "rasporyazhenie", "постановлени": "postanovlenie"}
OPERATIVE_WORDS = ("ПРИКАЗЫВАЮ", "ПРИКАЗЫВАЕМ", "ОБЯЗЫВАЮ", "ПОСТАНОВЛЯЮ", "ПОСТАНОВЛЯЕТ", "ПРЕДЛАГАЮ",
                   "РАСПОРЯЖАЮСЬ", "РЕШИЛ", "РЕШИЛА", "РЕШИЛО")
POST_WORDS = ("заместитель", "глава", "председатель", "начальник", "министр", "директор", "руководитель",
              "заведующий", "и.о.", "и. о.", "исполняющий", "первый")
_TAG = re.compile(r"<[^>]*>")
_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?$")
_INITIALS_NAME = r"(?:[А-ЯЁ]\.\s?){1,2}\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s(?:[А-ЯЁ]\.\s?){1,2}"
_FULL_NAME = r"[А-ЯЁ][а-яё]+\s[А-ЯЁ][а-яё]+\s[А-ЯЁ][а-яё]+"


def collapse(text: str) -> str:
    """Whitespace runs (line breaks included) → one space; ends trimmed."""
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """HTML tags removed, entities decoded, whitespace collapsed."""
    return collapse(html.unescape(_TAG.sub(" ", text)))


def _letters(text: str) -> str:
    """Upper-case letters only ("П Р И К А З" → "ПРИКАЗ")."""
    return re.sub(r"[^А-ЯЁA-Z]", "", text.upper())


def _month(word: str) -> int | None:
    low = word.lower()
    return next((n for stem, n in MONTHS.items() if low.startswith(stem) and (stem != "ма" or low in ("мая", "май"))), None)


def doc_type_of(word: str) -> str | None:
    """The document type concept of a word in any case ("распоряжению" → rasporyazhenie)."""
    low = word.lower()
    return next((t for stem, t in DOC_TYPE_WORDS.items() if low.startswith(stem)), None)


_DATE = re.compile(
    r"от\s*(?:(?P<d1>\d{1,2})\.(?P<m1>\d{1,2})\.(?P<y1>\d{4})"
    r"|[«\"]?\s*(?P<d2>\d{1,2})?[\s_]*[»\"]?\s*(?P<m2>[а-яё]+)?[\s_]*(?P<y2>\d{4}))",
    re.IGNORECASE)


def parse_act_date(text: str) -> tuple[date | None, int | None]:
    """The date of an "от …" phrase: (date when the day is known, year when any year is)."""
    match = _DATE.search(text)
    if not match:
        return None, None
    if match["y1"]:
        return _safe_date(int(match["y1"]), int(match["m1"]), int(match["d1"])), int(match["y1"])
    year = int(match["y2"])
    month = _month(match["m2"]) if match["m2"] else None
    day = int(match["d2"]) if match["d2"] else None
    return (_safe_date(year, month, day) if month and day else None), year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_act_number(text: str) -> str | None:
    """The number after "№" as written ("22/1-осн"); ``None`` when the "№" is blank."""
    match = re.search(r"№\s*([^\s«»\"]+(?:\s?[-/]\s?[^\s«»\"]+)*)", text)
    return match[1].rstrip(".,;") if match else None


def _plan_year(text: str) -> int | None:
    match = re.search(r"(?:на|в)\s+(\d{4})\s*(?:год|г\.)", text)
    return int(match[1]) if match else None


# -- the document as a list of paragraphs and tables ----------------------------------------------


class _Doc:
    """The blocks of a document, with the questions the parsers ask about them."""

    def __init__(self, raw: RawDocument) -> None:
        self.raw = raw
        self.blocks = list(raw.blocks)

    def gap_before(self, i: int) -> bool:
        """An empty line separates block ``i`` from the block before it."""
        return i > 0 and self.raw.blank_line_before(self.blocks[i].start, self.blocks[i - 1].end)

    def paragraph(self, i: int) -> Paragraph | None:
        block = self.blocks[i] if 0 <= i < len(self.blocks) else None
        return block if isinstance(block, Paragraph) else None

    def run(self, i: int, stop: int) -> list[int]:
        """Paragraph ``i`` and the following paragraphs up to the next empty line (or ``stop``)."""
        out = [i]
        while out[-1] + 1 < stop and self.paragraph(out[-1] + 1) and not self.gap_before(out[-1] + 1):
            out.append(out[-1] + 1)
        return out

    def text_of(self, indices: list[int]) -> Text:
        paragraphs = [self.blocks[i] for i in indices]
        return Text(collapse(" ".join(p.text for p in paragraphs)), Span(paragraphs[0].start, paragraphs[-1].end))


# -- parts of the act -----------------------------------------------------------------------------


def parse_act(raw: RawDocument) -> Act:
    """Find the parts of an act in a document's blocks (missing parts are simply absent)."""
    doc = _Doc(raw)
    annex_starts = _annex_starts(doc)
    body_end = annex_starts[0] if annex_starts else len(doc.blocks)
    operative = _operative_index(doc, body_end)
    header_end = operative if operative is not None else _first_table(doc, body_end)
    act = Act(header=_header(doc, header_end), basis=_basis(doc, header_end))
    if operative is not None:
        act.operative = doc.text_of([operative])
        act.clauses, after = _clauses(doc, operative + 1, body_end)
        _sign_off(doc, after, body_end, act)
    act.annexes = [_annex(doc, s, e) for s, e in zip(annex_starts, annex_starts[1:] + [len(doc.blocks)])]
    act.plan = _find_plan(doc, act)
    act.abbreviations = _abbreviations(doc)
    _complete_header(act)
    return act


def _operative_index(doc: _Doc, stop: int) -> int | None:
    for i in range(stop):
        p = doc.paragraph(i)
        if p and _letters(p.text) in OPERATIVE_WORDS:
            return i
    return None


def _first_table(doc: _Doc, stop: int) -> int:
    return next((i for i in range(stop) if isinstance(doc.blocks[i], Table)), stop)


# -- header ----------------------------------------------------------------------------------------


def _header(doc: _Doc, stop: int) -> Header:
    """Letterhead, post, type, date, number and title from the blocks before ``stop``."""
    header = Header()
    indices = [i for i in range(stop) if doc.paragraph(i)]
    title_at = _title_index(doc, indices)
    for i in indices[: indices.index(title_at) if title_at is not None else len(indices)]:
        _header_line(doc.paragraph(i), header)
    if title_at is not None:
        header.title = doc.text_of(_title_run(doc, title_at, stop))
    spans = [doc.blocks[i].span for i in indices if title_at is None or i <= title_at]
    header.span = spans[0].cover(spans[-1]) if spans else None
    return header


def _title_index(doc: _Doc, indices: list[int]) -> int | None:
    return next((i for i in indices if re.match(r"(?:Об?|О внесении)\s", doc.paragraph(i).text)), None)


def _title_run(doc: _Doc, start: int, stop: int) -> list[int]:
    """The title paragraph and the lines that continue it (no empty line, not the basis)."""
    return [i for i in doc.run(start, stop) if i == start or not _BASIS.match(doc.paragraph(i).text)]


def _header_line(p: Paragraph, header: Header) -> None:
    """Classify one header line: type word, date, number, post or letterhead."""
    text = p.text
    if doc_type_of(_letters(text)) and len(_letters(text)) <= 14 and header.doc_type is None:
        header.doc_type = doc_type_of(_letters(text))
    elif re.match(r"от\s", text, re.I) or re.match(r"№", text):
        _header_date_number(text, header)
    elif header.post is not None or text.lower().startswith(POST_WORDS):
        header.post = _extend(header.post, Text(collapse(text), p.span))
    elif not re.search(r"\d", text):
        header.letterhead += (Text(collapse(text), p.span),)


def _header_date_number(text: str, header: Header) -> None:
    if re.match(r"от\s", text, re.I):
        header.date, header.year = parse_act_date(text)
    if "№" in text:
        header.number = parse_act_number(text)


def _extend(piece: Text | None, more: Text) -> Text:
    if piece is None:
        return more
    return Text(collapse(piece.text + " " + more.text), piece.span.cover(more.span))


# -- legal basis -------------------------------------------------------------------------------------

_BASIS = re.compile(r"(?:На основании|В соответствии|Во исполнение|В целях|Руководствуясь)", re.I)
_CITATION = re.compile(
    r"(?P<type>приказ\w*|распоряжени\w*|постановлени\w*|решени\w*|положени\w*|закон\w*)\s+"
    r"(?P<body>[^«»]*?)\s*от\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}\s+[а-я]+\s+\d{4})\s*(?:года|г\.)?\s*"
    r"№\s*(?P<number>[^\s«»\",]+)\s*(?:«(?P<title>[^»]*)»)?",
    re.IGNORECASE)
_OTHER_TYPES = {"положени": "Положение", "решени": "Решение", "закон": "Закон"}


def _basis(doc: _Doc, stop: int) -> list[Citation]:
    """The acts cited in the basis paragraphs before the operative word."""
    citations: list[Citation] = []
    for i in range(stop):
        p = doc.paragraph(i)
        if p and _BASIS.match(p.text):
            citations.extend(_citation(m, p) for m in _CITATION.finditer(p.text))
    return citations


def _citation(match: re.Match, p: Paragraph) -> Citation:
    doc_type = doc_type_of(match["type"]) or "otherDocument"
    body = collapse(match["body"])
    when, year = parse_act_date("от " + match["date"])
    title = collapse(match["title"]) if match["title"] else None
    issuer = body or None
    if re.match(r"об?\s", body, re.I):  # "Положением о Комитете …": the body is the title
        noun = next(v for k, v in _OTHER_TYPES.items() if match["type"].lower().startswith(k)) if doc_type == "otherDocument" else match["type"]
        title, issuer = f"{noun} {body}", None
    span = Span(p.start + match.start(), p.start + match.end())
    return Citation(doc_type, issuer, when, year, match["number"], title, Text(collapse(match[0]), span))


# -- clauses -----------------------------------------------------------------------------------------

_CLAUSE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.)]\s*\S")


def _clauses(doc: _Doc, start: int, stop: int) -> tuple[list[Clause], int]:
    """Numbered paragraphs after the operative word; returns them and the index after them."""
    clauses: list[Clause] = []
    i = start
    while i < stop and doc.paragraph(i):
        text = doc.paragraph(i).text
        match = _CLAUSE.match(text)
        if match:
            clauses.append(Clause(match[1], collapse(text), doc.paragraph(i).span))
        elif clauses and _continues(text):
            last = clauses[-1]
            clauses[-1] = Clause(last.number, collapse(last.text + " " + text), last.span.cover(doc.paragraph(i).span))
        else:
            break
        i += 1
    return clauses, i


def _continues(text: str) -> bool:
    """A paragraph that continues the clause before it: starts in lower case or with a dash."""
    return bool(re.match(r"[а-яёa-z(«\"–—-]", text))


# -- sign-off, contact, distribution ---------------------------------------------------------------

_SIGN_LINE = re.compile(rf"^(?P<post>.*?)(?:_{{2,}}|\s{{3,}}|^)\s*(?P<person>{_INITIALS_NAME})\s*$")
_PHONE = re.compile(r"^(?:тел\.?:?\s*)?[+\d][\d\s()\-–]{4,}$", re.I)
_DISTRIBUTION = re.compile(r"^(?:РАССЫЛКА|Рассылка|Разослать|Направить)\b", re.I)
_DATE_BLANK = re.compile(r"^«?_*»?\s*_*\s*\d{4}\s*(?:года|г\.)?$|^«[\s_]*»")


def _sign_off(doc: _Doc, start: int, stop: int, act: Act) -> None:
    """Signatory, approvals, contact person and distribution list after the clauses."""
    post: list[Paragraph] = []
    i = start
    while i < stop:
        p = doc.paragraph(i)
        i += 1
        if p is None or _DATE_BLANK.match(p.text):
            continue
        if _DISTRIBUTION.match(p.text):
            act.distribution = [Text(collapse(q.text), q.span) for q in _paragraphs(doc, i, stop)]
            return
        if _is_contact(doc, p, i, stop):
            act.contact = Contact(collapse(p.text), _phone(doc, i, stop), p.span.cover(doc.blocks[i].span))
            i += 1
            continue
        match = _SIGN_LINE.match(p.text)
        if match and (post or match["post"].strip(" _")):
            _add_signature(act, post, p, match)
            post = []
        else:
            post.append(p)


def _paragraphs(doc: _Doc, start: int, stop: int) -> list[Paragraph]:
    return [doc.paragraph(j) for j in range(start, stop) if doc.paragraph(j)]


def _is_contact(doc: _Doc, p: Paragraph, i: int, stop: int) -> bool:
    """A name alone on its line followed by a phone number."""
    nxt = doc.paragraph(i) if i < stop else None
    name = re.fullmatch(rf"{_FULL_NAME}|{_INITIALS_NAME}", collapse(p.text))
    return bool(name and nxt and _PHONE.match(nxt.text))


def _phone(doc: _Doc, i: int, stop: int) -> str | None:
    nxt = doc.paragraph(i) if i < stop else None
    return collapse(nxt.text) if nxt and _PHONE.match(nxt.text) else None


def _add_signature(act: Act, post: list[Paragraph], line: Paragraph, match: re.Match) -> None:
    """One signature block: the first is the signatory, later ones on a blank are approvals."""
    own = match["post"].strip(" _")
    post_text = collapse(" ".join([q.text for q in post] + [own]))
    start = post[0].start if post else line.start
    blank = "__" in line.text
    signature = SignOff(post_text, collapse(match["person"]), Span(start, line.end), blank)
    if act.signatory is None and not blank:
        act.signatory = signature
    else:
        act.approvals.append(signature)


# -- annexes -------------------------------------------------------------------------------------------

_ANNEX = re.compile(r"^Приложение(?:\s*(?:№\s*)?(?P<number>\d+))?\b", re.I)
_REFERS = re.compile(r"\bк\s+(?:настоящему\s+)?(приказу|распоряжению|постановлению|решению)", re.I)


def _annex_starts(doc: _Doc) -> list[int]:
    """Indices of annex headings: "Приложение …" followed (in its run) by "к приказу"/"к распоряжению"…"""
    starts = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph) and _ANNEX.match(block.text):
            heading = " ".join(doc.paragraph(j).text for j in doc.run(i, len(doc.blocks))[:4])
            if _REFERS.search(heading):
                starts.append(i)
    return starts


def _annex(doc: _Doc, start: int, stop: int) -> Annex:
    """One annex between ``start`` (its heading) and ``stop``."""
    heading_run = doc.run(start, stop)
    title_start = heading_run[-1] + 1
    title_end = next((i for i in range(title_start, stop) if not doc.paragraph(i) or _list_entry(doc.paragraph(i).text)), stop)
    title_indices = [i for i in range(title_start, title_end) if doc.paragraph(i)]
    title = doc.text_of(title_indices) if title_indices else None
    annex = Annex(_ANNEX.match(doc.paragraph(start).text)["number"], doc.text_of(heading_run), title, "other")
    annex.span = doc.blocks[start].span.cover(doc.blocks[stop - 1].span)
    annex.entries = _annex_entries(doc, title_end, stop)
    annex.kind = _annex_kind(doc, annex, title_end, stop)
    return annex


def _annex_kind(doc: _Doc, annex: Annex, start: int, stop: int) -> str:
    tables = [b for b in doc.blocks[start:stop] if isinstance(b, Table)]
    if any(_plan_columns(t.rows[0]) for t in tables):
        return "plan"
    title = (annex.title.text if annex.title else "").lower()
    if not annex.entries:
        return "other"
    if re.search(r"куратор|наставник|партн[её]р", title):
        return "mentor"
    if re.search(r"участни|низки\w* (?:образовательн\w* )?результат|неблагоприятн|шнор", title):
        return "target"
    return "other"


def _list_entry(text: str) -> bool:
    return bool(re.match(r"\d{1,3}[.)]\s", text))


def _annex_entries(doc: _Doc, start: int, stop: int) -> list[AnnexEntry]:
    """Schools listed in an annex: table rows (name and head columns) or numbered paragraphs."""
    entries: list[AnnexEntry] = []
    for block in doc.blocks[start:stop]:
        if isinstance(block, Table):
            entries.extend(_table_entries(block))
        elif _list_entry(block.text):
            entries.extend(e for e in [_paragraph_entry(block)] if e)
    return entries


def _table_entries(table: Table) -> list[AnnexEntry]:
    header = [collapse(c.text).lower() for c in table.rows[0].cells]
    name_col = next((k for k, h in enumerate(header) if "наименован" in h or "учреждени" in h or "организаци" in h), None)
    head_col = next((k for k, h in enumerate(header) if re.search(r"фио|руководител|директор", h)), None)
    if name_col is None or _plan_columns(table.rows[0]):
        return []
    post = re.search(r"руководител|директор|заведующ", header[head_col]) if head_col is not None else None
    post_word = {"руководител": "руководитель", "директор": "директор", "заведующ": "заведующий"}[post[0]] if post else None
    return [_table_entry(row, name_col, head_col, post_word) for row in table.rows[1:] if _cell(row, name_col)]


def _cell(row: Row, k: int | None) -> str:
    return row.cells[k].text if k is not None and k < len(row.cells) else ""


def _table_entry(row: Row, name_col: int, head_col: int | None, post: str | None) -> AnnexEntry:
    head = collapse(_cell(row, head_col)) or None
    return AnnexEntry(collapse(_cell(row, name_col)), head, post if head else None, row.span)


_ENTRY = re.compile(
    r"^\d{1,3}[.)]\s+(?P<name>.+?),\s*(?P<post>директор|и\.\s?о\.\s?директора|руководитель|заведующий|заведующая)"
    r"\s+(?P<person>.+?)\s*$", re.I)


def _paragraph_entry(p: Paragraph) -> AnnexEntry | None:
    match = _ENTRY.match(p.text)
    if not match:
        name = re.sub(r"^\d{1,3}[.)]\s+", "", p.text)
        return AnnexEntry(collapse(name), None, None, p.span) if re.search(r"школ|учреждени|лице|гимнази|центр", name, re.I) else None
    return AnnexEntry(collapse(match["name"]), collapse(match["person"]), collapse(match["post"]).lower(), p.span)


# -- abbreviations ------------------------------------------------------------------------------------

_ABBR_HEADING = re.compile(r"^(?:Принятые|Используемые|Список)?\s*сокращени[яй]\s*:?\s*$", re.I)
_ABBR = re.compile(r"^(?P<short>[A-ZА-ЯЁ][A-ZА-ЯЁа-яё]*(?:\s[A-ZА-ЯЁ]{2,})*)\s+[-–—]\s+(?P<full>\S.*)$")


def _abbreviations(doc: _Doc) -> list[Abbreviation]:
    """Entries of every list of abbreviations ("Принятые сокращения:")."""
    out: list[Abbreviation] = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph) and _ABBR_HEADING.match(block.text):
            out.extend(_abbreviation_entries(doc, i + 1))
    return out


def _abbreviation_entries(doc: _Doc, i: int) -> list[Abbreviation]:
    out: list[Abbreviation] = []
    while doc.paragraph(i) and (match := _ABBR.match(collapse(doc.paragraph(i).text))):
        out.append(Abbreviation(match["short"], match["full"], doc.paragraph(i).span))
        i += 1
    return out


# -- the plan --------------------------------------------------------------------------------------------

COLUMN_RULES: tuple[tuple[str, str], ...] = (
    ("number", r"^№|п/п|^номер"),
    ("deadline", r"срок|дата|период"),
    ("responsible", r"ответствен|исполнител"),
    ("result", r"результат|показател"),
    ("title", r"мероприят|наименовани|содержани|действи"),
)


def _plan_columns(header: Row) -> tuple[str, ...] | None:
    """Column roles of a plan table's header row, or ``None`` when it is not a plan header."""
    roles = tuple(_column_role(collapse(c.text).lower()) for c in header.cells)
    if "title" in roles and ("deadline" in roles or "responsible" in roles):
        return roles
    return None


def _column_role(header: str) -> str:
    return next((role for role, pattern in COLUMN_RULES if re.search(pattern, header)), "")


def _find_plan(doc: _Doc, act: Act) -> Plan | None:
    """The first table with a plan header; its title comes from the annex that holds it."""
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table) and (columns := _plan_columns(block.rows[0])):
            annex = next((a for a in act.annexes if a.span and a.span.start <= block.start <= a.span.end), None)
            title = annex.title if annex else None
            return _plan(block, columns, title, act)
    return None


def _plan(table: Table, columns: tuple[str, ...], title: Text | None, act: Act) -> Plan:
    sections: list[Section] = []
    items: list[Item] = []
    header = [collapse(c.text) for c in table.rows[0].cells]
    for row in table.rows[1:]:
        if [collapse(c.text) for c in row.cells] != header:
            _plan_row(row, columns, sections, items)
    year = _plan_year(title.text) if title else None
    year = year or (_plan_year(act.header.title.text) if act.header.title else None)
    return Plan(title, year, columns, sections, _with_parents(items), table.span)


def _values(row: Row, columns: tuple[str, ...]) -> dict[str, tuple[str, Span | None]]:
    return {role: (row.cells[k].text, row.cells[k].span) for k, role in enumerate(columns) if role and k < len(row.cells)}


def _plan_row(row: Row, columns: tuple[str, ...], sections: list[Section], items: list[Item]) -> None:
    """One plan row → a section or an item (empty rows are skipped)."""
    filled = [c for c in row.cells if not c.empty]
    if not filled:
        return
    if len(filled) == 1 and len(row.cells) < len(columns) and not _NUMBER.match(filled[0].text.strip()):
        _merged_row(filled[0], sections)
        return
    values = _values(row, columns)
    number = _item_number(values.get("number", ("", None))[0])
    others = [values.get(r, ("", None))[0] for r in ("deadline", "responsible", "result")]
    if (number is None or "." not in number) and not any(v.strip() for v in others):
        title = clean_text(values.get("title", ("", None))[0])
        sections.append(Section(len(sections) + 1, number, title, row.span))
        return
    items.append(_item(row, values, number, sections))


def _merged_row(cell, sections: list[Section]) -> None:
    """A row of one cell across the table: a section heading ("1. Нормативно-правовое …")."""
    match = re.match(r"^(?:Раздел\s+)?(\d{1,2})\.?\s+(\S.*)$", collapse(cell.text), re.S)
    number, title = (match[1], match[2]) if match else (None, collapse(cell.text))
    sections.append(Section(len(sections) + 1, number, clean_text(title), cell.span))


def _item_number(text: str) -> str | None:
    text = text.strip()
    return text.rstrip(".") if _NUMBER.match(text) else None


def _item(row: Row, values: dict, number: str | None, sections: list[Section]) -> Item:
    title_text, title_span = values.get("title", ("", None))

    def raw(role: str) -> str | None:
        return values.get(role, ("", None))[0].strip() or None

    result = raw("result")
    return Item(
        position=0, number=number, section=sections[-1].ordinal if sections else None,
        title=clean_text(title_text), title_span=title_span or row.span,
        deadline=raw("deadline"), responsible=raw("responsible"),
        result=clean_text(result) if result else None, parent=None, span=row.span,
    )


def _with_parents(items: list[Item]) -> list[Item]:
    """Positions (1-based) and parent numbers (5.1.1 → 5.1 when 5.1 is an item of the plan)."""
    numbers = {i.number for i in items if i.number}
    out = []
    for position, item in enumerate(items, 1):
        parent = item.number.rsplit(".", 1)[0] if item.number and item.number.count(".") >= 2 else None
        out.append(_replace(item, position=position, parent=parent if parent in numbers else None))
    return out


def _replace(item: Item, **changes) -> Item:
    from dataclasses import replace

    return replace(item, **changes)


# -- completing the header from the annexes ------------------------------------------------------


def _complete_header(act: Act) -> None:
    """Type, date, year and number missing from the header, taken from the annex headings."""
    header = act.header
    for annex in act.annexes:
        heading = annex.heading.text
        refers = _REFERS.search(heading)
        if header.doc_type is None and refers:
            header.doc_type = doc_type_of(refers[1])
            act.notes.append(f"document type from the heading of an annex ({refers[1]})")
        if header.year is None and re.search(r"\bот\s", heading):
            header.date, header.year = parse_act_date(heading[heading.index("от "):])
            act.notes.append("date from the heading of an annex") if header.year else None
        if header.number is None and "№" in heading:
            header.number = parse_act_number(heading[heading.rindex("№"):])
    if header.doc_type is None and act.operative is not None:
        header.doc_type = _type_from_operative(act.operative.text)


def _type_from_operative(word: str) -> str | None:
    letters = _letters(word)
    if letters.startswith("ПРИКАЗЫВА"):
        return "prikaz"
    return "postanovlenie" if letters.startswith("ПОСТАНОВЛЯ") else None
