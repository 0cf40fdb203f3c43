"""The synthetic corpus generator (bench/generate.py): its acts ingest, and validate as planned.

A handful of acts (chosen to cover the three layouts and as many kinds of planted defect as five
acts can carry) go through the real pipeline; the validation report of each (the engine used at
ingest) must hold exactly the results its manifest expects from the defects planted on purpose,
and what the pipeline reads (items, target schools, mentor pairs, themes, people, act IRI) must
be what the generator wrote.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bench import genre
from bench.generate import (
    CorpusConfig,
    EXPECTED,
    build_act,
    build_world,
    generate,
    load_manifests,
    write_acts,
)
from bench.render import LAYOUTS
from bench.verify import check_act
from shnor_kg.config import load_config
from shnor_kg.ingest.deadlines import parse_deadline
from shnor_kg.ontology import SHNOR
from shnor_kg.ontology.vocabulary import themes_for_heading

CONFIG = CorpusConfig(acts=5, seed=13)


def covering_acts(config: CorpusConfig, count: int = 5, scan: int = 80) -> list[int]:
    """Indices of ``count`` acts that together cover the layouts and the most defect kinds."""
    towns = build_world(config)
    acts = {i: build_act(i, config, towns) for i in range(scan)}
    chosen: list[int] = []
    kinds: set[str] = set()
    layouts: set[str] = set()
    for _ in range(count):
        def gain(i):
            act = acts[i]
            return (len({d["kind"] for d in act.defects} - kinds) + 3 * (act.layout not in layouts), -i)
        best = max((i for i in acts if i not in chosen), key=gain)
        chosen.append(best)
        kinds |= {d["kind"] for d in acts[best].defects}
        layouts.add(acts[best].layout)
    return sorted(chosen)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    indices = covering_acts(CONFIG)
    return root, write_acts(CONFIG, root, indices)


def test_the_chosen_acts_cover_layouts_styles_and_defects(corpus):
    _, manifests = corpus
    assert {m["layout"] for m in manifests} == set(LAYOUTS)
    kinds = {d["kind"] for m in manifests for d in m["defects"]}
    assert len(kinds) >= 8, kinds
    assert len({m["style"] for m in manifests}) >= 2


@pytest.mark.parametrize("position", range(5))
def test_generated_act_ingests_and_validates_as_planned(corpus, position):
    root, manifests = corpus
    manifest = manifests[position]
    engine = load_config(environ={}).validation_engine
    check = check_act(root / manifest["file"], manifest, engine=engine)
    assert check.unexpected == [], f"{manifest['file']}: results the generator did not plant"
    assert check.missing == [], f"{manifest['file']}: planted defects the validation did not report"
    assert check.mismatches == [], manifest["file"]


def test_every_planted_kind_has_its_expected_results():
    for kind, results in EXPECTED.items():
        assert results and all(focus in ("act", "item", "org") for focus, _, _ in results), kind


def test_same_seed_same_bytes_other_seed_other_acts(tmp_path):
    first = generate(CorpusConfig(acts=3, seed=5), tmp_path / "a")
    second = generate(CorpusConfig(acts=3, seed=5), tmp_path / "b")
    assert first == second
    for path in (tmp_path / "a").rglob("*.*"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path
    generate(CorpusConfig(acts=3, seed=6), tmp_path / "c")
    a = {m["sha256"] for m in load_manifests(tmp_path / "a").values()}
    c = {m["sha256"] for m in load_manifests(tmp_path / "c").values()}
    assert not a & c


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path):
    small = load_manifests_of(generate, CorpusConfig(acts=2), tmp_path / "s")
    large = load_manifests_of(generate, CorpusConfig(acts=4), tmp_path / "l")
    assert small.items() <= large.items()


def load_manifests_of(gen, config, root):
    gen(config, root)
    return {f: m["sha256"] for f, m in load_manifests(root).items()}


def test_corpus_summary_is_written(tmp_path):
    summary = generate(CorpusConfig(acts=2, regions=2, municipalities=2, years=(2024,)), tmp_path)
    assert json.loads((tmp_path / "corpus.json").read_text("utf-8")) == summary
    assert summary["acts"] == 2 and summary["towns"] == 4 and summary["regions"] == 2


@pytest.mark.parametrize("theme", sorted(genre.HEADINGS))
def test_every_heading_maps_to_its_theme(theme):
    for heading in genre.HEADINGS[theme]:
        assert themes_for_heading(heading) == [SHNOR[theme]], heading
    for heading in genre.UNTHEMED_HEADINGS:
        assert themes_for_heading(heading) == []


def test_every_deadline_form_is_read_within_or_outside_the_plan_year_as_meant():
    y = 2024

    def years(text):
        return {d.year for interval in parse_deadline(text, plan_year=y).intervals for d in interval}

    for form in genre.DEADLINES_IN_YEAR + genre.DEADLINES_PLAN_YEAR:
        text = form.format(y=y, p=y - 1, q=y + 1, institute=genre.REGIONAL_INSTITUTE)
        assert years(text) and y in years(text), text
    for form in genre.DEADLINES_BEFORE:
        assert years(form.format(p=y - 1)) == {y - 1}
    for text in genre.DEADLINES_UNREADABLE:
        assert parse_deadline(text, plan_year=y).intervals == ()
    assert parse_deadline("до 01.03.2024", plan_year=y).intervals == ((date(2024, 1, 1), date(2024, 3, 1)),)
