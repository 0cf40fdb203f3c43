"""Validation and completeness over HTTP: the API and the ``/validation`` pages.

Routes:

- ``GET /api/validation`` — every document with its counts of results by severity;
- ``GET /api/validation/<doc_id>?lang=ru|en`` — the stored results of one document, each with
  its resource page (``/id/…``) and its source text span;
- ``GET /api/completeness?level=document|municipality|region`` — stored completeness scores,
  summed per municipality or region (numerators and denominators, so shares are exact);
- ``GET /validation`` — the documents with their counts, and the completeness scores;
- ``GET /validation/<doc_id>`` — the results of one document.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from . import i18n
from .app import services
from .i18n import current_lang
from .validation import LEVELS, SEVERITIES, completeness_rows, document_results, local_href, overview

blueprint = Blueprint("validation", __name__)

METRICS = ("itemsWithResponsible", "itemsWithDeadline", "itemsWithParsedDeadline", "itemsWithNumber",
           "ordersWithDate", "ordersWithNumber", "schoolsWithHead")

i18n.register({
    "ru": {
        "validation.title": "Проверка данных (SHACL)",
        "validation.intro": "Каждый документ проверяется формами SHACL при загрузке; отчёт хранится в его графе проверки. "
                            "Нарушение — факт нельзя использовать; предупреждение — акт или его прочтение неполны; "
                            "замечание — подозрительный текст.",
        "validation.documents": "Документы", "validation.document": "Документ", "validation.file": "Файл",
        "validation.Violation": "Нарушения", "validation.Warning": "Предупреждения", "validation.Info": "Замечания",
        "validation.not_validated": "не проверен", "validation.conforms": "замечаний нет",
        "validation.results": "Результаты проверки", "validation.resource": "Ресурс", "validation.path": "Свойство",
        "validation.message": "Сообщение", "validation.value": "Значение", "validation.source": "Текст акта",
        "validation.line": "строка", "validation.severity": "Уровень", "validation.none": "Замечаний нет.",
        "validation.back": "Все документы", "validation.completeness": "Полнота",
        "validation.completeness_intro": "Доли по каждому акту; по муниципалитетам и регионам — в API "
                                         "(/api/completeness?level=municipality или region) и в сохранённых запросах.",
        "validation.act": "Акт", "validation.region": "Регион", "validation.municipality": "Муниципалитет",
        "validation.metric.itemsWithResponsible": "с ответственным", "validation.metric.itemsWithDeadline": "со сроком",
        "validation.metric.itemsWithParsedDeadline": "срок распознан", "validation.metric.itemsWithNumber": "с номером",
        "validation.metric.ordersWithDate": "дата акта", "validation.metric.ordersWithNumber": "номер акта",
        "validation.metric.schoolsWithHead": "школы с руководителем",
        "validation.by_region": "По регионам",
    },
    "en": {
        "validation.title": "Data validation (SHACL)",
        "validation.intro": "Each document is validated with the SHACL shapes at ingest; its report is stored in its "
                            "validation graph. A violation: the fact is unusable; a warning: the act or its reading is "
                            "incomplete; an info: suspicious text.",
        "validation.documents": "Documents", "validation.document": "Document", "validation.file": "File",
        "validation.Violation": "Violations", "validation.Warning": "Warnings", "validation.Info": "Infos",
        "validation.not_validated": "not validated", "validation.conforms": "no findings",
        "validation.results": "Validation results", "validation.resource": "Resource", "validation.path": "Property",
        "validation.message": "Message", "validation.value": "Value", "validation.source": "Text of the act",
        "validation.line": "line", "validation.severity": "Severity", "validation.none": "No findings.",
        "validation.back": "All documents", "validation.completeness": "Completeness",
        "validation.completeness_intro": "Shares per act; per municipality and region in the API "
                                         "(/api/completeness?level=municipality or region) and in the stored queries.",
        "validation.act": "Act", "validation.region": "Region", "validation.municipality": "Municipality",
        "validation.metric.itemsWithResponsible": "with a responsible party", "validation.metric.itemsWithDeadline": "with a deadline",
        "validation.metric.itemsWithParsedDeadline": "deadline recognised", "validation.metric.itemsWithNumber": "numbered",
        "validation.metric.ordersWithDate": "act dated", "validation.metric.ordersWithNumber": "act numbered",
        "validation.metric.schoolsWithHead": "schools with a head",
        "validation.by_region": "By region",
    },
})


def _lang() -> str:
    lang = request.args.get("lang")
    return lang if lang in i18n.LANGS else current_lang()


@blueprint.get("/api/validation")
def api_overview():
    svc = services()
    return jsonify(documents=[s.to_dict() for s in overview(svc.store, svc.catalog)])


@blueprint.get("/api/validation/<doc_id>")
def api_document(doc_id: str):
    svc = services()
    results = document_results(svc.store, doc_id, lang=_lang(), base_iri=svc.config.base_iri)
    counts = {name: sum(1 for r in results if r["severity"] == name) for name in SEVERITIES}
    return jsonify(doc_id=doc_id, counts=counts, results=results)


@blueprint.get("/api/completeness")
def api_completeness():
    level = request.args.get("level", "document")
    return jsonify(level=level, scores=completeness_rows(services().store, level, lang=_lang()))


def _by_act(rows: list[dict], base_iri: str) -> list[dict]:
    """One row per act with its shares by metric, for the page's table."""
    acts: dict[str, dict] = {}
    for row in rows:
        act = acts.setdefault(row["act"], {"act": row["act"], "href": local_href(row["act"], base_iri), "doc_id": row["doc_id"],
                                           "title": row.get("title"), "metrics": {}})
        act["metrics"][row["metric"]] = row
    return sorted(acts.values(), key=lambda a: a["doc_id"] or "")


def _by_place(rows: list[dict], key: str) -> list[dict]:
    places: dict[str, dict] = {}
    for row in rows:
        place = places.setdefault(row.get(key) or "", {"place": row.get(key), "label": row.get(f"{key}_label"), "metrics": {}})
        place["metrics"][row["metric"]] = row
    return sorted(places.values(), key=lambda p: p["label"] or p["place"] or "")


@blueprint.get("/validation")
def page_overview():
    svc = services()
    statuses = overview(svc.store, svc.catalog)
    lang = _lang()
    acts = _by_act(completeness_rows(svc.store, "document", lang=lang), svc.config.base_iri)
    regions = _by_place(completeness_rows(svc.store, "region", lang=lang), "region")
    return render_template("validation.html", statuses=statuses, severities=SEVERITIES, acts=acts, regions=regions,
                           metrics=METRICS)


@blueprint.get("/validation/<doc_id>")
def page_document(doc_id: str):
    svc = services()
    results = document_results(svc.store, doc_id, lang=_lang(), base_iri=svc.config.base_iri)
    counts = {name: sum(1 for r in results if r["severity"] == name) for name in SEVERITIES}
    meta = svc.catalog.meta(doc_id) or {}
    return render_template("validation_document.html", doc_id=doc_id, meta=meta, results=results, counts=counts,
                           severities=SEVERITIES)


__all__ = ["LEVELS", "blueprint"]
