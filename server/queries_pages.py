"""The stored-query pages: ``/queries`` (the catalogue) and ``/queries/<name>`` (the form for the
parameters, the SPARQL text, the result in its default view, download links), in Russian and
English: the page language comes from :mod:`shnor_kg.server.i18n` (``?lang=``, the remembered
cookie, the default) and is also the label language of queries that take a ``lang`` parameter."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from ..errors import BadParameter
from ..queries import get_query, load_catalogue
from ..queries.formats import cell
from ..queries.params import compact_iri
from ..queries.views import bar_data, timeline_rows
from . import i18n
from .api_queries import query_arguments, runner
from .app import services

blueprint = Blueprint("queries_pages", __name__)

i18n.register({
    "ru": {
        "queries.catalogue": "Исследовательские запросы",
        "queries.intro": "Готовые запросы к графу: выберите запрос, задайте параметры, скачайте результат в CSV.",
        "queries.view": "Вид", "queries.params": "Параметры", "queries.run": "Выполнить",
        "queries.sparql": "Текст запроса SPARQL", "queries.result": "Результат", "queries.rows": "строк",
        "queries.truncated": "результат обрезан по лимиту строк", "queries.download": "Скачать",
        "queries.csv_excel": "CSV для Excel (;)", "queries.any": "— любой —", "queries.required": "обязательный",
        "queries.cached": "из кэша", "queries.elapsed": "мс", "queries.network_link": "Открыть в обозревателе сети",
        "queries.no_rows": "Нет строк.", "queries.missing": "Задайте обязательные параметры и нажмите «Выполнить».",
        "queries.back": "Все запросы", "queries.table": "таблица", "queries.bar": "столбчатая диаграмма",
        "queries.network": "сеть", "queries.timeline": "временная шкала",
        "queries.chart_missing": "Диаграмма недоступна (библиотека Chart.js не установлена: make assets); "
                                 "данные — в таблице ниже.",
        "queries.version": "версия данных",
    },
    "en": {
        "queries.catalogue": "Research queries",
        "queries.intro": "Ready-made queries over the graph: pick one, set its parameters, download the result as CSV.",
        "queries.view": "View", "queries.params": "Parameters", "queries.run": "Run", "queries.sparql": "SPARQL text",
        "queries.result": "Result", "queries.rows": "rows", "queries.truncated": "result cut at the row limit",
        "queries.download": "Download", "queries.csv_excel": "CSV for Excel (;)", "queries.any": "— any —",
        "queries.required": "required", "queries.cached": "cached", "queries.elapsed": "ms",
        "queries.network_link": "Open in the network browser", "queries.no_rows": "No rows.",
        "queries.missing": "Set the required parameters and press Run.", "queries.back": "All queries",
        "queries.table": "table", "queries.bar": "bar chart", "queries.network": "network",
        "queries.timeline": "timeline",
        "queries.chart_missing": "The chart is unavailable (Chart.js is not installed: make assets); "
                                 "the data is in the table below.",
        "queries.version": "data version",
    },
})


def resource_href(iri: str) -> str | None:
    """The local resource page (``/id/…``) of a minted IRI, else None."""
    base = services().config.base_iri
    return "/id/" + iri[len(base):] if iri.startswith(base) else None


@blueprint.get("/queries")
def catalogue_page() -> str:
    """The list of stored queries in the page language."""
    lang = i18n.current_lang()
    entries = [q.summary(lang) for q in load_catalogue().values()]
    return render_template("queries_catalogue.html", entries=entries)


@blueprint.get("/queries/<name>")
def query_page(name: str):
    """One stored query: form, SPARQL text, result in its default view, downloads."""
    lang = i18n.current_lang()
    query = get_query(name)
    raw = query_arguments(name, ignore=())
    if query.param("lang") is not None:
        raw["lang"] = lang  # the page language is the label language
    fields = _form_fields(query, raw, lang)
    context = {"query": query.summary(lang), "fields": fields,
               "execution": None, "error": None, "sparql": query.sparql()}
    missing = [p.name for p in query.params if p.required and not (raw.get(p.name) or "").strip()]
    status = 200
    if not missing:
        try:
            execution = runner().run(name, raw)
            context.update(_result_context(execution, lang))
        except BadParameter as exc:
            context["error"] = exc.message
            status = 400
    return render_template("queries_query.html", **context), status


def _form_fields(query, raw: dict, lang: str) -> list[dict]:
    fields = []
    for param in query.params:
        if param.name == "lang":
            continue  # the page language is the label language
        fields.append({
            "name": param.name, "type": param.type, "label": param.label(lang), "required": param.required,
            "value": raw.get(param.name, param.default or ""), "expected": param.expected,
            "options": _options(param), "input": _input_type(param.type),
        })
    return fields


def _options(param) -> list[tuple[str, str]] | None:
    if param.choices:
        return [(c, c) for c in param.choices]
    if param.classes:
        return runner().choices(param)
    return None


def _input_type(kind: str) -> str:
    return {"integer": "number", "date": "date", "month": "month"}.get(kind, "text")


def _result_context(execution, lang: str) -> dict:
    query, result = execution.query, execution.result
    context = {
        "execution": execution,
        "sparql": execution.sparql,
        "columns": list(result.variables),
        "rows": [[_display(t) for t in row] for row in result.rows],
        "downloads": _downloads(query.name),
    }
    if query.view == "bar":
        context["chart"] = bar_data(result, dict(query.hints))
    elif query.view == "timeline":
        context["timeline"] = timeline_rows(result, dict(query.hints))
    elif query.view == "network" and "kind" in query.hints:
        args = {"kind": query.hints["kind"], "lang": lang}
        if "region" in execution.terms:
            args["region"] = execution.terms["region"].value
        context["network_href"] = "/network?" + urlencode(args)
    return context


def _display(term) -> dict:
    text = cell(term)
    if term is not None and term.__class__.__name__ == "NamedNode":
        return {"text": compact_iri(text), "title": text, "href": resource_href(text)}
    return {"text": text, "title": None, "href": None}


def _downloads(name: str) -> list[tuple[str, str]]:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("format", "delimiter")]
    base = f"/api/queries/{name}?"
    return [
        ("CSV", base + urlencode(args + [("format", "csv")])),
        (i18n.t("queries.csv_excel"), base + urlencode(args + [("format", "csv"), ("delimiter", ";")])),
        ("TSV", base + urlencode(args + [("format", "tsv")])),
        ("JSON", base + urlencode(args + [("format", "json")])),
        ("SPARQL JSON", base + urlencode(args + [("format", "sparql-json")])),
    ]
