"""Writing a synthetic act out: :class:`bench.generate.ActSpec` → blocks of :mod:`bench.render`.

Three house styles, after the sample acts and the usual forms of the genre:

* ``upravlenie`` — an education department's приказ (Tula): letterhead, ПРИКАЗ, "от « 13 » февраля
  2024", "№ 22/1-осн", ПРИКАЗЫВАЮ, signature of the head, annexes with tables of schools;
* ``komitet`` — a committee chair's распоряжение (Kostroma): letterhead and issuing post,
  ОБЯЗЫВАЮ, approvals on signature blanks, a contact with a phone, a distribution list, a list of
  abbreviations, schools listed as numbered paragraphs;
* ``administration`` — a town administration's постановление: ПОСТАНОВЛЯЮ, signed by the head
  of the administration.
"""

from __future__ import annotations

import random

from . import genre
from .render import Block, Grid, Line

TYPE_WORDS = {"prikaz": "ПРИКАЗ", "rasporyazhenie": "РАСПОРЯЖЕНИЕ", "postanovlenie": "ПОСТАНОВЛЕНИЕ"}
OPERATIVE = {"prikaz": "ПРИКАЗЫВАЮ", "rasporyazhenie": "ОБЯЗЫВАЮ:", "postanovlenie": "ПОСТАНОВЛЯЮ:"}
TO_ACT = {"prikaz": "к приказу", "rasporyazhenie": "к распоряжению", "postanovlenie": "к постановлению"}
ACT_GENITIVE = {"prikaz": "приказа", "rasporyazhenie": "распоряжения", "postanovlenie": "постановления"}


def compose(act, rng: random.Random) -> list[Block]:
    """The blocks of the whole act, in reading order."""
    blocks = header(act) + basis(act) + [Line(""), Line(OPERATIVE[act.doc_type]), Line("")]
    blocks += clauses(act, rng) + sign_off(act, rng)
    blocks += plan_annex(act, rng) + school_annex(act, 2, act.targets, "target")
    if act.mentors:
        blocks += school_annex(act, 3, act.mentors, "mentor")
    return blocks


def _gap(*lines: str) -> list[Block]:
    """Lines followed by an empty line."""
    return [Line(t) for t in lines] + [Line("")]


# -- header -------------------------------------------------------------------------------------------------


def date_words(act) -> str:
    """"от « 13 » февраля 2024" / "от 13.02.2024" / a blank date "от «__» ________ 2024 г."."""
    if act.day is None:
        return f"от «__» ____________ {act.year} г."
    day = act.day
    forms = (f"от « {day.day} » {genre.MONTHS_GENITIVE[day.month - 1]} {day.year}",
             f"от {day:%d.%m.%Y}", f"от «{day.day}» {genre.MONTHS_GENITIVE[day.month - 1]} {day.year} г.")
    return forms[(act.index // 3) % len(forms)]


def number_words(act) -> str:
    return f"№ {act.number}" if act.number else "№"


def header(act) -> list[Block]:
    town = act.town
    if town.style == "komitet":
        lines = _gap(f"АДМИНИСТРАЦИЯ ГОРОДА {town.gen.upper()}") + \
            _gap("ПРЕДСЕДАТЕЛЬ КОМИТЕТА ОБРАЗОВАНИЯ", f"АДМИНИСТРАЦИИ ГОРОДА {town.gen.upper()}")
    elif town.style == "administration":
        lines = _gap(town.region.upper(), f"АДМИНИСТРАЦИЯ ГОРОДА {town.gen.upper()}")
    else:
        lines = _gap(f"УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА {town.gen.upper()}")
    lines += _gap(TYPE_WORDS[act.doc_type])
    if act.index % 2:
        lines += _gap(f"{date_words(act)} {number_words(act)}")
    else:
        lines += _gap(date_words(act)) + _gap(number_words(act))
    return lines + _gap(act.title)


def basis(act) -> list[Block]:
    """The legal basis: the regional ministry's order on the list of schools."""
    region = act.town.region_gen
    return [Line(f"На основании приказа министерства образования {region} от {act.basis_day:%d.%m.%Y} "
                 f"№ {act.basis_number} «Об утверждении перечня школ с низкими образовательными результатами "
                 f"и школ, функционирующих в неблагоприятных социальных условиях, на {act.year} год»,")]


# -- clauses ------------------------------------------------------------------------------------------------


def clauses(act, rng: random.Random) -> list[Block]:
    """Numbered operative clauses; empty lines between them."""
    texts = [f"Утвердить план мероприятий по повышению качества образования в школах с низкими "
             f"образовательными результатами и школах, функционирующих в неблагоприятных социальных "
             f"условиях, на {act.year} год (Приложение № 1).",
             _coordinator(act, rng)]
    if act.operator:
        texts.append(_operator(act, rng))
    else:
        texts.append(f"{act.town.centre_full()[:1].upper()}{act.town.centre_full()[1:]} обеспечить "
                     f"организационно-методическое сопровождение плана мероприятий.")
    texts.append(_coordinator_task(act, rng))
    if act.mentors:
        texts.append(f"Школам с низкими образовательными результатами заключить партнерские соглашения о "
                     f"сотрудничестве со школами-кураторами в срок до {_clause_day(act, rng)} (Приложение №№ 2,3).")
    else:
        texts.append("Руководителям общеобразовательных организаций обеспечить участие в реализации плана "
                     "мероприятий (Приложение № 2).")
    texts.append(_control(act, rng))
    blocks: list[Block] = []
    for n, text in enumerate(texts, 1):
        blocks += _gap(f"{n}. {text}")
    return blocks


def _clause_day(act, rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}.{rng.randint(3, 5):02d}.{act.year}"


def _department(act) -> str:
    """The coordinator's post, in the genitive (after the name in the accusative)."""
    town = act.town
    if town.style == "upravlenie":
        return f"начальника отдела развития образования {town.authority('gent')}"
    if town.style == "administration":
        return f"начальника отдела образования Администрации города {town.gen}"
    return f"главного специалиста {town.authority('gent')}"


def _coordinator(act, rng: random.Random) -> str:
    person = act.staff["coordinator"]
    return (f"Назначить {person.full('accs')}, {_department(act)}, муниципальным координатором по работе со "
            f"школами с низкими образовательными результатами и школами, функционирующими в неблагоприятных "
            f"социальных условиях.")


def _operator(act, rng: random.Random) -> str:
    director = act.staff["centre_director"]
    if director.gender == "female" and rng.random() < 0.4:
        who = f"и. о. директора {director.short()}"
    else:
        who = f"директор {director.short()}"
    return (f"Определить {act.town.centre_full()} ({who}) муниципальным оператором по оказанию методической "
            f"поддержки школам с низкими образовательными результатами.")


def _coordinator_task(act, rng: random.Random) -> str:
    person = act.staff["coordinator"]
    return (f"Муниципальному координатору {person.oblique('datv', rng)} оказать содействие в заключении "
            f"партнерских соглашений между школами в срок до {_clause_day(act, rng)}.")


def _control(act, rng: random.Random) -> str:
    what = f"Контроль исполнения настоящего {ACT_GENITIVE[act.doc_type]}"
    if act.controller_is_signatory:
        return f"{what} оставляю за собой."
    deputy = act.staff["deputy"]
    town = act.town
    post = {"upravlenie": f"заместителя начальника {town.authority('gent')}",
            "komitet": f"заместителя председателя {town.authority('gent')}",
            "administration": f"заместителя главы Администрации города {town.gen}"}[town.style]
    return f"{what} возложить на {post} {deputy.oblique('accs', rng)}."


# -- sign-off -----------------------------------------------------------------------------------------------


def sign_off(act, rng: random.Random) -> list[Block]:
    town = act.town
    signatory = act.staff["signatory"]
    if town.style == "komitet":
        blocks = [Line("Председатель Комитета образования"),
                  Line(f"Администрации города {town.gen}" + " " * 40 + signatory.short())]
        return _gap() + blocks + _gap() + _approvals(act, rng)
    if town.style == "administration":
        return _gap() + _gap(f"Глава Администрации города {town.gen}", "", "") + _gap(signatory.short())
    return _gap() + _gap(f"Начальник {town.authority('gent')[:-len(' администрации города ' + town.gen)]}",
                         f"администрации города {town.gen}", "", "") + _gap(signatory.short())


def _approvals(act, rng: random.Random) -> list[Block]:
    """Kostroma: an approval on a signature blank, a contact with a phone, a distribution list."""
    approver = act.staff["approver"]
    contact = act.staff["contact"]
    blocks = _gap(f"Заместитель председателя {act.town.authority('gent')}", "",
                  f"__________________________ {approver.short()}", "", f"«__» ___________________{act.year} года")
    blocks += _gap(f"{contact.given} {contact.patronymic} {contact.surname}", rng.choice(genre.PHONES))
    blocks += _gap("РАССЫЛКА:", "В дело: 1 экз.", "В общеобразовательные учреждения – электронной почтой")
    return blocks


# -- annexes ------------------------------------------------------------------------------------------------


def annex_heading(act, number: int) -> list[Block]:
    town = act.town
    owner = {"upravlenie": ["управления образования", f"администрации города {town.gen}"],
             "komitet": ["председателя Комитета образования", f"Администрации города {town.gen}"],
             "administration": [f"Администрации города {town.gen}"]}[town.style]
    day = date_words(act).replace("от ", "от ", 1)
    return _gap(f"Приложение № {number} {TO_ACT[act.doc_type]}", *owner, f"{day} {number_words(act)}".strip())


def plan_annex(act, rng: random.Random) -> list[Block]:
    title = [t.format(y=act.year) for t in act.plan_title]
    blocks = annex_heading(act, 1) + _gap(*[t for line in title for t in (line, "")][:-1])
    grid = Grid([list(act.columns)])
    for row in act.rows:
        grid.rows.append(_plan_row(act, row))
    grid.gaps = frozenset(i for i in range(2, len(grid.rows)) if rng.random() < 0.1)
    blocks.append(grid)
    blocks.append(Line(""))
    if act.abbreviations:
        blocks += _abbreviations(act)
    return blocks


def _plan_row(act, row) -> list[str]:
    if row.section:
        return [f"{row.title}" if row.number is None else f"{row.number} {row.title}"]
    cells = []
    for column in act.columns:
        low = column.lower()
        if low.startswith("№"):
            cells.append(row.number or "")
        elif "срок" in low:
            cells.append(row.deadline)
        elif "ответствен" in low:
            cells.append(_responsible_cell(act, row))
        elif "результат" in low:
            cells.append(row.result)
        else:
            cells.append(row.title)
    return cells


def _responsible_cell(act, row) -> str:
    if not row.responsible:
        return ""
    if row.joined:
        return " ".join(row.responsible)
    return ("\n" if act.layout != "txt-rows" and len(row.responsible) > 1 and act.index % 2 else ", ").join(row.responsible)


def _abbreviations(act) -> list[Block]:
    legal, core, short = act.town.centre_forms()
    return _gap("Принятые сокращения:", f"{short} - {legal} «{core}»",
                "ОУ – общеобразовательные учреждения", "ГМО – городские методические объединения")


def school_annex(act, number: int, schools: list, kind: str) -> list[Block]:
    """The participating (target) or curator (mentor) schools with their heads."""
    many = len(schools) > 1
    if kind == "target":
        title = (genre.TARGET_TITLE_MANY if many else genre.TARGET_TITLE).format(y=act.year)
    else:
        title = (genre.MENTOR_TITLE_MANY if many else genre.MENTOR_TITLE).format(y=act.year)
    heads = act.town.heads[act.year]
    blocks = annex_heading(act, number) + _gap(title)
    if act.town.style == "komitet":
        for n, school in enumerate(schools, 1):
            blocks.append(Line(f"{n}. {school.full()}, директор {heads[school.number].short(initials_first=False)}"))
        return blocks + [Line("")]
    grid = Grid([["№ п/п", "Наименование муниципального образовательного учреждения", "ФИО руководителя"]])
    for n, school in enumerate(schools, 1):
        grid.rows.append([str(n), school.full(), heads[school.number].full()])
    return blocks + [grid, Line("")]
