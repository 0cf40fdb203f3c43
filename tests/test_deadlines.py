"""Deadline parsing: every form of the two sample acts and of issue 5, asserted exactly.

Expectations are written from the calendar and the acts' text, not from running the parser.
"""

from __future__ import annotations

from datetime import date as d

import pytest

from shnor_kg.errors import BadInput
from shnor_kg.ingest.deadlines import QUALIFIERS, Deadline, parse_deadline

YEAR_2024 = ((d(2024, 1, 1), d(2024, 12, 31)),)
YEAR_2023 = ((d(2023, 1, 1), d(2023, 12, 31)),)

CASES = [
    # (text, plan_year, intervals)
    # --- Tula, 2024 plan
    ("Январь – февраль 2024 г.", 2024, ((d(2024, 1, 1), d(2024, 2, 29)),)),
    ("Февраль 2024 г.", 2024, ((d(2024, 2, 1), d(2024, 2, 29)),)),
    ("Март 2024 г.", 2024, ((d(2024, 3, 1), d(2024, 3, 31)),)),
    ("Апрель 2024 г.", 2024, ((d(2024, 4, 1), d(2024, 4, 30)),)),
    ("Декабрь 2024 г.", 2024, ((d(2024, 12, 1), d(2024, 12, 31)),)),
    ("В течение 2024 г.", 2024, YEAR_2024),
    ("В течение 2024г.", None, YEAR_2024),
    ("Май, декабрь 2024 г.", 2024, ((d(2024, 5, 1), d(2024, 5, 31)), (d(2024, 12, 1), d(2024, 12, 31)))),
    ("Июнь, декабрь 2024 г.", 2024, ((d(2024, 6, 1), d(2024, 6, 30)), (d(2024, 12, 1), d(2024, 12, 31)))),
    # item 1.11: stated as written, inside a 2024 plan
    ("Июнь, декабрь 2023 г.", 2024, ((d(2023, 6, 1), d(2023, 6, 30)), (d(2023, 12, 1), d(2023, 12, 31)))),
    # clause 4/5: "до 07.03.2024" — from the plan year's 1 January
    ("до 07.03.2024", 2024, ((d(2024, 1, 1), d(2024, 3, 7)),)),
    ("в срок до 07.03.2024.", 2024, ((d(2024, 1, 1), d(2024, 3, 7)),)),
    # ... and the deadline day alone when the plan year is unknown or another year
    ("до 07.03.2024", None, ((d(2024, 3, 7), d(2024, 3, 7)),)),
    ("до 07.03.2024", 2023, ((d(2024, 3, 7), d(2024, 3, 7)),)),
    ("не позднее 15.09.2023", 2023, ((d(2023, 1, 1), d(2023, 9, 15)),)),
    ("07.03.2024", None, ((d(2024, 3, 7), d(2024, 3, 7)),)),
    ("13 февраля 2024 г.", None, ((d(2024, 2, 13), d(2024, 2, 13)),)),
    # --- Kostroma, 2023 plan: no year written
    ("Март", 2023, ((d(2023, 3, 1), d(2023, 3, 31)),)),
    ("Март ", 2023, ((d(2023, 3, 1), d(2023, 3, 31)),)),
    ("Октябрь ", 2023, ((d(2023, 10, 1), d(2023, 10, 31)),)),
    ("В течение года", 2023, YEAR_2023),
    ("В течение   года", 2023, YEAR_2023),
    ("В течение  года ", 2023, YEAR_2023),
    # --- quarters and half-years
    ("I квартал 2024", None, ((d(2024, 1, 1), d(2024, 3, 31)),)),
    ("1 квартал", 2024, ((d(2024, 1, 1), d(2024, 3, 31)),)),
    ("в течение II квартала", 2024, ((d(2024, 4, 1), d(2024, 6, 30)),)),
    ("III квартал 2023 года", None, ((d(2023, 7, 1), d(2023, 9, 30)),)),
    ("IV квартал", 2023, ((d(2023, 10, 1), d(2023, 12, 31)),)),
    ("4-й квартал 2024 г.", None, ((d(2024, 10, 1), d(2024, 12, 31)),)),
    ("I полугодие 2024", None, ((d(2024, 1, 1), d(2024, 6, 30)),)),
    ("второе полугодие", 2024, ((d(2024, 7, 1), d(2024, 12, 31)),)),
    ("во втором полугодии 2023 г.", None, ((d(2023, 7, 1), d(2023, 12, 31)),)),
    ("2 полугодие", 2023, ((d(2023, 7, 1), d(2023, 12, 31)),)),
    ("I-II квартал 2024 г.", None, ((d(2024, 1, 1), d(2024, 6, 30)),)),
    ("I, III кварталы 2024 г.", None, ((d(2024, 1, 1), d(2024, 3, 31)), (d(2024, 7, 1), d(2024, 9, 30)))),
    ("1 и 2 полугодие", 2023, ((d(2023, 1, 1), d(2023, 6, 30)), (d(2023, 7, 1), d(2023, 12, 31)))),
    # --- school years: 1 September … 31 August
    ("2023-2024 учебный год", None, ((d(2023, 9, 1), d(2024, 8, 31)),)),
    ("2022- 2023 учебного года", None, ((d(2022, 9, 1), d(2023, 8, 31)),)),
    ("В течение 2023–2024 учебного года", 2024, ((d(2023, 9, 1), d(2024, 8, 31)),)),
    ("2023/2024 уч. г.", None, ((d(2023, 9, 1), d(2024, 8, 31)),)),
    # --- ranges and lists across years
    ("декабрь 2023 – январь 2024 г.", None, ((d(2023, 12, 1), d(2024, 1, 31)),)),
    ("с января по март 2024 г.", None, ((d(2024, 1, 1), d(2024, 3, 31)),)),
    ("Март, июнь и сентябрь", 2023, ((d(2023, 3, 1), d(2023, 3, 31)), (d(2023, 6, 1), d(2023, 6, 30)),
                                     (d(2023, 9, 1), d(2023, 9, 30)))),
    ("ФЕВРАЛЬ 2024 Г.", None, ((d(2024, 2, 1), d(2024, 2, 29)),)),
    ("февраль 2023 года", None, ((d(2023, 2, 1), d(2023, 2, 28)),)),
]


@pytest.mark.parametrize(("text", "plan_year", "intervals"), CASES)
def test_intervals(text, plan_year, intervals):
    deadline = parse_deadline(text, plan_year=plan_year)
    assert deadline.intervals == intervals
    assert deadline.text == text


QUALIFIED = [
    ("В течение 2024 г. (по мере проведения)", YEAR_2024, ("asConducted",), ()),
    ("В течение 2024 г. (по отдельному плану)", YEAR_2024, ("bySeparatePlan",), ()),
    ("В течение 2024 г. (по мере поступления информации о мероприятиях)", YEAR_2024,
     ("asInformationArrives",), ()),
    ("В течение 2024г. (по согласованию)", YEAR_2024, ("byAgreement",), ()),
    ("В течение 2024 г. (по плану работы ГОУ ДПО ТО «ИПК и ППРО ТО», по мере поступления информации)",
     YEAR_2024, ("perWorkPlan", "asInformationArrives"), ("ГОУ ДПО ТО «ИПК и ППРО ТО»",)),
    ("В течение 2024 г. (по плану работы ГОУ ДПО ТО «ИПК и ППРО ТО»)", YEAR_2024,
     ("perWorkPlan",), ("ГОУ ДПО ТО «ИПК и ППРО ТО»",)),
    ("По мере необходимости", (), ("asNeeded",), ()),
    ("Март 2024 г. (по мере необходимости)", ((d(2024, 3, 1), d(2024, 3, 31)),), ("asNeeded",), ()),
    # recurring work: the whole plan year, and a qualifier saying it recurs inside it
    ("Ежемесячно", YEAR_2024, ("monthly",), ()),
    ("ежеквартально", YEAR_2024, ("quarterly",), ()),
    ("Ежеквартально в течение 2023 г.", YEAR_2023, ("quarterly",), ()),
]


@pytest.mark.parametrize(("text", "intervals", "qualifiers", "orgs"), QUALIFIED)
def test_qualifiers(text, intervals, qualifiers, orgs):
    deadline = parse_deadline(text, plan_year=2024)
    assert deadline == Deadline(text, intervals, qualifiers, orgs)


UNREADABLE = [
    ("", 2024),
    ("Постоянно", 2024),
    ("По итогам конкурса", 2024),
    ("В течение года", None),  # no plan year: no year at all
    ("Март", None),
    ("31.02.2024", None),  # no such day
    ("Март – январь 2024 г.", None),  # a range ending before it starts
    ("2023-2025 учебный год", None),  # not one school year
    ("В течение учебного года", 2024),  # which school year? not guessed
    ("до марта", 2024),  # "until March" is not one day
    ("Майский 2024", 2024),  # not a month name
    ("13.2024", 2024),
]


@pytest.mark.parametrize(("text", "plan_year"), UNREADABLE)
def test_unreadable_text_gives_no_interval(text, plan_year):
    deadline = parse_deadline(text, plan_year=plan_year)
    assert deadline.intervals == ()
    assert deadline.text == text


def test_ежемесячно_without_plan_year_has_no_interval_but_keeps_qualifier():
    assert parse_deadline("Ежемесячно", plan_year=None) == Deadline("Ежемесячно", (), ("monthly",), ())


def test_ё_and_spacing_are_tolerated():
    assert parse_deadline("  В   течение\u00a02024  года ", plan_year=None).intervals == YEAR_2024


def test_not_text_is_bad_input():
    with pytest.raises(BadInput):
        parse_deadline(None, plan_year=2024)  # type: ignore[arg-type]


def test_qualifier_table_matches_the_vocabulary():
    """Every phrase of the Python table is a shnor:qualifierPhrase of the concept of that name."""
    from shnor_kg.ontology.vocabulary import qualifier_phrases

    vocabulary = {phrase: str(concept).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                  for phrase, concept in qualifier_phrases().items()}
    assert vocabulary == QUALIFIERS
