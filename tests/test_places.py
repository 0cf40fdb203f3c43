"""Places: municipalities and regions from issuer lines, from the hand-checked data file."""

from __future__ import annotations

import pytest

from shnor_kg.errors import BadInput
from shnor_kg.ingest.places import (
    Municipality,
    municipalities,
    municipality,
    municipality_from_text,
    region,
    regions,
)
from shnor_kg.ingest.translit import slug
from tests.conftest import KOSTROMA, TULA

TULA_CITY = Municipality(slug="ru-tul-tula", label="город Тула", region_iso="RU-TUL",
                         region_label="Тульская область", region_slug="ru-tul", name="Тула")
KOSTROMA_CITY = Municipality(slug="ru-kos-kostroma", label="город Кострома", region_iso="RU-KOS",
                             region_label="Костромская область", region_slug="ru-kos", name="Кострома")


@pytest.mark.parametrize(("text", "expected"), [
    ("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ", TULA_CITY),
    ("управления образования\nадминистрации города Тулы", TULA_CITY),
    ("Администрации города Костромы", KOSTROMA_CITY),
    ("АДМИНИСТРАЦИЯ ГОРОДА КОСТРОМЫ", KOSTROMA_CITY),
    ("в городе Костроме", KOSTROMA_CITY),
    ("МКУ «ЦНППМ г. Тулы»", TULA_CITY),
    ("г.Тула", TULA_CITY),
    ("Тульская область", None),  # a region, not a municipality
    ("Ефремова Т.В.", None),  # a surname, not the town of Ефремов
    ("Администрации города Москвы", None),  # not in the data file
    ("", None),
])
def test_municipality_from_text(text, expected):
    assert municipality_from_text(text) == expected


def test_issuer_lines_of_the_sample_acts():
    tula_issuer = TULA.read_text(encoding="utf-8").strip().splitlines()[0]
    assert tula_issuer == "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ"
    assert municipality_from_text(tula_issuer) == TULA_CITY
    kostroma_issuer = KOSTROMA.read_text(encoding="utf-8").strip().splitlines()[0]
    assert kostroma_issuer == "АДМИНИСТРАЦИЯ ГОРОДА КОСТРОМЫ"
    assert municipality_from_text(kostroma_issuer) == KOSTROMA_CITY


def test_regions_carry_the_codes_of_the_domain_notes():
    # the two regions of the sample acts (more regions are listed for the synthetic corpus, bench/generate.py)
    assert {(r.iso, r.label, r.subject_code, r.okato, r.slug) for r in regions()} >= {
        ("RU-TUL", "Тульская область", "71", "70", "ru-tul"),
        ("RU-KOS", "Костромская область", "44", "34", "ru-kos"),
    }
    assert all(r.slug == r.iso.lower() and r.label.endswith(" область") for r in regions())
    assert region("ru-tul").label == "Тульская область"
    with pytest.raises(BadInput):
        region("RU-MOW")


def test_data_file_is_consistent():
    """Every municipality's slug is its region slug + the slug of its name, in a known region."""
    known = {r.iso: r for r in regions()}
    assert len(municipalities()) >= 2
    for mun in municipalities():
        assert mun.region_iso in known
        assert mun.region_label == known[mun.region_iso].label
        assert mun.slug == f"{known[mun.region_iso].slug}-{slug(mun.name)}"
        assert mun.label == f"город {mun.name}"
    assert len({m.slug for m in municipalities()}) == len(municipalities())


def test_lookup_by_slug():
    assert municipality("ru-tul-tula") == TULA_CITY
    with pytest.raises(BadInput):
        municipality("ru-tul-nowhere")


@pytest.mark.parametrize(("text", "expected"), [
    ("МБОУ ЦО № 48", "mbou-co-48"),
    ("Пряжина Е.Н.", "pryazhina-e-n"),
    ("Щёкино", "shchekino"),
    ("Юдина Ю.И.", "yudina-yu-i"),
    ("  «Центр ППСС» ", "centr-ppss"),
    ("Хухлаева", "khukhlaeva"),
    ("объединённый", "obedinennyy"),
    ("", ""),
])
def test_slug(text, expected):
    assert slug(text) == expected
