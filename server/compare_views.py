"""The comparison over HTTP: the page ``/compare`` and its API.

Routes:

- ``GET /api/compare?region=…&region=…|municipality=…[&year=…][&lang=ru|en]`` — per column
  (each place, times each year when years are given): total items, items by responsible body
  category with shares, the theme × category matrix, role holders and completeness scores
  (see :mod:`.compare` for the categories and the counting rule);
  ``&format=csv&table=types|themes|roles|completeness[&delimiter=;]`` — one of its tables as CSV
  (UTF-8 with a byte-order mark, one row per fact);
- ``GET /api/compare/items?column=<id>[&type=<category>|none|all][&theme=<theme>|none][&offset=&limit=]``
  — the plan items behind a number, each with its source text span (excerpt and line);
  ``&format=csv`` as a table;
- ``GET /compare`` — the page: choose places and years, see the chart, its tables, the heat map,
  role holders and completeness side by side, click a number for the items behind it.
"""

from __future__ import annotations

import csv
import io
import re
import time
from typing import Iterable, Sequence

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from ..errors import BadInput, BadParameter
from ..queries.formats import BOM, DELIMITERS
from . import i18n
from . import validation_views  # noqa: F401  (registers the labels of the completeness metrics)
from .app import services
from .compare import DRILL_LIMIT, DRILL_MAX_LIMIT, METRICS, Comparator, parse_column_id, parse_columns
from .response_cache import with_receipt

blueprint = Blueprint("compare", __name__)

EXTENSION = "shnor_kg_compare"
COMPARE_PARAMS = ("region", "municipality", "year", "lang", "format", "table", "delimiter")
ITEMS_PARAMS = ("column", "type", "theme", "offset", "limit", "lang", "format", "delimiter")
TABLES = ("types", "themes", "roles", "completeness")
FORMATS = ("json", "csv")
ROLES = ("coordinators", "operators", "mentors")

i18n.register({
    "ru": {
        "compare.title": "Сравнение ответственных по регионам и годам",
        "compare.intro": "Кто несёт работу по планам мероприятий: органы управления образованием, методические центры, "
                         "сами школы? Выберите регионы или муниципалитеты (и годы) — они встанут рядом столбцами.",
        "compare.regions": "Регионы", "compare.municipalities": "Муниципалитеты", "compare.years": "Годы (необязательно)",
        "compare.submit": "Сравнить", "compare.acts": "актов", "compare.choose": "Выберите хотя бы один регион или муниципалитет.",
        "compare.shares": "Доля пунктов по типу ответственного", "compare.counts": "Число пунктов по типу ответственного",
        "compare.heatmap": "Темы × тип ответственного", "compare.roles": "Кто исполняет названные роли",
        "compare.completeness": "Полнота данных", "compare.drill": "Пункты за выбранным числом",
        "compare.csv": "CSV", "compare.json": "JSON", "compare.table": "таблица",
        "compare.column": "Столбец", "compare.type": "Тип ответственного", "compare.theme": "Тема",
        "compare.items": "Пунктов", "compare.total": "Всего пунктов", "compare.share": "доля",
        "compare.role.coordinators": "Муниципальный координатор", "compare.role.operators": "Муниципальный (методический) оператор",
        "compare.role.mentors": "Школа-наставник (куратор)", "compare.mentees": "подшефные",
        "compare.metric": "Показатель", "compare.none": "—", "compare.loading": "загрузка…",
        "compare.click_hint": "Нажмите на столбец диаграммы или на число в таблице, чтобы увидеть пункты планов за ним.",
        "compare.heat_hint": "Число пунктов темы с участием типа; цвет — доля от пунктов темы в столбце.",
        "compare.item": "Пункт", "compare.act": "Акт", "compare.line": "строка", "compare.responsible": "Ответственные",
        "compare.source": "Текст акта", "compare.more": "показаны {shown} из {total} — показать ещё",
        "compare.error": "Не удалось загрузить данные", "compare.chart_missing": "Библиотека графиков не загружена; таблица ниже.",
        "compare.all_types": "все пункты", "compare.no_items": "Пунктов нет.",
    },
    "en": {
        "compare.title": "Comparison of responsible bodies across regions and years",
        "compare.intro": "Who carries the plans of measures: the education authorities, methodological centres, the "
                         "schools themselves? Choose regions or municipalities (and years) to see them side by side.",
        "compare.regions": "Regions", "compare.municipalities": "Municipalities", "compare.years": "Years (optional)",
        "compare.submit": "Compare", "compare.acts": "acts", "compare.choose": "Choose at least one region or municipality.",
        "compare.shares": "Share of plan items by type of responsible body", "compare.counts": "Plan items by type of responsible body",
        "compare.heatmap": "Themes × type of responsible body", "compare.roles": "Who holds the named roles",
        "compare.completeness": "Completeness of the data", "compare.drill": "Plan items behind the chosen number",
        "compare.csv": "CSV", "compare.json": "JSON", "compare.table": "table",
        "compare.column": "Column", "compare.type": "Type of responsible body", "compare.theme": "Theme",
        "compare.items": "Items", "compare.total": "All items", "compare.share": "share",
        "compare.role.coordinators": "Municipal coordinator", "compare.role.operators": "Municipal (methodological) operator",
        "compare.role.mentors": "Mentor (curator) school", "compare.mentees": "mentees",
        "compare.metric": "Metric", "compare.none": "—", "compare.loading": "loading…",
        "compare.click_hint": "Click a bar of the chart or a number in a table to see the plan items behind it.",
        "compare.heat_hint": "Items of the theme involving the type; the colour is the share of the theme's items in the column.",
        "compare.item": "Item", "compare.act": "Act", "compare.line": "line", "compare.responsible": "Responsible",
        "compare.source": "Text of the act", "compare.more": "{shown} of {total} shown — show more",
        "compare.error": "The data could not be loaded", "compare.chart_missing": "The chart library is not loaded; see the table below.",
        "compare.all_types": "all items", "compare.no_items": "No items.",
    },
})

#: Messages the page script needs (sent to it as JSON).
SCRIPT_MESSAGES = ("compare.items", "compare.total", "compare.share", "compare.type", "compare.theme", "compare.column",
                   "compare.role.coordinators", "compare.role.operators", "compare.role.mentors", "compare.mentees",
                   "compare.metric", "compare.none", "compare.loading", "compare.item", "compare.act", "compare.line",
                   "compare.responsible", "compare.source", "compare.more", "compare.error", "compare.chart_missing",
                   "compare.all_types", "compare.no_items", "compare.csv", "compare.drill")


def comparator() -> Comparator:
    """The application's comparator (one per app, so its per-version cache is shared)."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        svc = services()
        extensions[EXTENSION] = Comparator(svc.store, base_iri=svc.config.base_iri, timeout=svc.config.query_timeout)
    return extensions[EXTENSION]


# -- parameters ----------------------------------------------------------------------------------------


def _check_names(allowed: Sequence[str]) -> None:
    for name in request.args:
        if name not in allowed:
            raise BadParameter(f"unknown parameter '{name}'; this endpoint takes {', '.join(allowed)}", parameter=name)


def _one(name: str, default: str | None = None) -> str | None:
    values = [v.strip() for v in request.args.getlist(name) if v.strip()]
    if len(values) > 1:
        raise BadParameter(f"give one value of '{name}', not {len(values)}", parameter=name)
    return values[0] if values else default


def _choice(name: str, choices: Sequence[str], default: str) -> str:
    value = _one(name, default)
    if value not in choices:
        raise BadParameter(f"'{name}' must be one of {', '.join(choices)}, not {value!r}", parameter=name)
    return value


def _lang() -> str:
    value = _one("lang")
    if value is None:
        return i18n.current_lang()
    if value not in i18n.LANGS:
        raise BadParameter(f"'lang' must be one of {', '.join(i18n.LANGS)}, not {value!r}", parameter="lang")
    return value


def _integer(name: str, default: int, low: int, high: int) -> int:
    value = _one(name)
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]{1,12}", value) or not low <= int(value) <= high:
        raise BadParameter(f"'{name}' must be an integer from {low} to {high}, not {value!r}", parameter=name)
    return int(value)


def _delimiter() -> str:
    value = _one("delimiter", ",")
    if value not in DELIMITERS:
        raise BadParameter(f"'delimiter' must be one of {', '.join(DELIMITERS)}, not {value!r}", parameter="delimiter")
    return DELIMITERS[value]


# -- CSV -------------------------------------------------------------------------------------------------


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """RFC 4180 CSV with a UTF-8 byte-order mark (Excel in a Russian locale reads it right)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def csv_response(text: str, filename: str) -> Response:
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Content-Type": "text/csv; charset=utf-8"})


def table_rows(answer: dict, table: str, lang: str) -> tuple[list[str], list[list]]:
    """One table of a comparison as (header, rows), one row per fact."""
    labels = {c["key"]: c["label"] for c in answer["categories"]}
    themes = {t["key"]: t["label"] for t in answer["themes"]}
    if table == "types":
        header = ["column", "column_label", "year", "category", "category_label", "items", "column_items", "share"]
        rows = [[c["id"], c["label"], c["year"], key, labels[key], v["items"], c["items"], v["share"]]
                for c in answer["columns"] for key, v in c["types"].items()]
    elif table == "themes":
        header = ["column", "column_label", "year", "theme", "theme_label", "category", "category_label", "items", "theme_items"]
        rows = [[c["id"], c["label"], c["year"], theme, themes[theme], key, labels[key], n, t["items"]]
                for c in answer["columns"] for theme, t in c["themes"].items() for key, n in t["types"].items()]
    elif table == "roles":
        header = ["column", "column_label", "year", "role", "role_label", "holder", "holder_label", "acts", "mentees"]
        rows = [[c["id"], c["label"], c["year"], role, i18n.t(f"compare.role.{role}", lang), h["iri"], h["label"],
                 " ".join(h["acts"]), "; ".join(h["mentees"])]
                for c in answer["columns"] for role in ROLES for h in c["roles"][role]]
    else:
        header = ["column", "column_label", "year", "metric", "metric_label", "numerator", "denominator", "value"]
        rows = [[c["id"], c["label"], c["year"], m, i18n.t(f"validation.metric.{m}", lang), s["numerator"], s["denominator"], s["value"]]
                for c in answer["columns"] for m, s in c["completeness"].items()]
    return header, rows


def item_rows(answer: dict) -> tuple[list[str], list[list]]:
    """The drill-down items as (header, rows)."""
    header = ["column", "item", "number", "title", "act", "line", "start", "end", "categories", "themes", "responsible", "excerpt"]
    rows = [[answer["column"]["id"], i["item"], i["number"], i["title"], i["act"]["iri"], i["line"],
             (i["span"] or {}).get("start"), (i["span"] or {}).get("end"), " ".join(i["categories"]), " ".join(i["themes"]),
             "; ".join(p["label"] for p in i["responsible"]), i["excerpt"]] for i in answer["items"]]
    return header, rows


# -- routes ------------------------------------------------------------------------------------------------


@blueprint.get("/api/compare")
def api_compare():
    _check_names(COMPARE_PARAMS)
    fmt, lang = _choice("format", FORMATS, "json"), _lang()
    table = _choice("table", TABLES, "types")
    delimiter = _delimiter()
    if fmt == "json" and (_one("table") or _one("delimiter")):
        raise BadParameter("'table' and 'delimiter' go with format=csv", parameter="table" if _one("table") else "delimiter")
    svc = services()
    columns = parse_columns(request.args.items(multi=True), svc.store, svc.config.base_iri)
    if fmt == "csv":
        answer = comparator().compare(columns, lang)
        return csv_response(csv_text(*table_rows(answer, table, lang), delimiter=delimiter), f"compare-{table}.csv")
    return _kept_json(("compare", tuple(columns), lang), lambda: comparator().compare(columns, lang))


def _kept_json(key, compute) -> Response:
    """A JSON answer through the shared response cache (``cached`` and ``elapsed_ms`` per request)."""
    started = time.perf_counter()
    svc = services()
    version = svc.store.version()
    kept = svc.responses.get(version, key)
    if kept is not None:
        body, cached = kept[1], True
    else:
        answer = compute()
        cached = answer.pop("cached")
        answer.pop("elapsed_ms")
        body = current_app.json.dumps(answer).encode("utf-8")
        if answer["version"] == version:
            svc.responses.put(version, key, {}, body)
    return Response(with_receipt(body, cached, time.perf_counter() - started), mimetype="application/json")


@blueprint.get("/api/compare/items")
def api_items():
    _check_names(ITEMS_PARAMS)
    fmt, lang = _choice("format", FORMATS, "json"), _lang()
    delimiter = _delimiter()
    column_id = _one("column")
    if column_id is None:
        raise BadParameter("'column' is required: an id such as region:RU-TUL or municipality:ru-tul-tula@2024",
                           parameter="column")
    svc, engine = services(), comparator()
    column = parse_column_id(column_id, svc.store, svc.config.base_iri)
    category, theme = engine.check_category(_one("type")), engine.check_theme(_one("theme"))
    offset = _integer("offset", 0, 0, 10**9)
    limit = _integer("limit", DRILL_LIMIT, 1, DRILL_MAX_LIMIT)
    found = engine.items(column, category, theme, offset=offset, limit=limit)
    answer = {"column": engine.describe(column, lang), "type": category, "theme": theme,
              "type_label": engine.category_entry(category, lang)["label"] if category else i18n.t("compare.all_types", lang),
              "theme_label": engine.theme_entry(theme, lang)["label"] if theme else None, **found}
    if fmt == "csv":
        return csv_response(csv_text(*item_rows(answer), delimiter=delimiter), "compare-items.csv")
    return jsonify(answer)


@blueprint.get("/compare")
def page():
    svc, engine = services(), comparator()
    lang = i18n.current_lang()
    places = engine.places()
    error, columns = None, []
    chosen = [(k, v) for k, v in request.args.items(multi=True) if k in ("region", "municipality", "year")]
    if any(k != "year" for k, _ in chosen):
        try:
            columns = parse_columns(chosen, svc.store, svc.config.base_iri)
        except BadInput as exc:
            error = exc.message
    query = [(k, v) for k, v in chosen if v.strip()]
    selected = {"region": {c.iri for c in columns if c.kind == "region"},
                "municipality": {c.iri for c in columns if c.kind == "municipality"},
                "year": {c.year for c in columns if c.year is not None}}
    messages = {key.removeprefix("compare."): i18n.t(key, lang) for key in SCRIPT_MESSAGES}
    messages.update({f"metric.{m}": i18n.t(f"validation.metric.{m}", lang) for m in METRICS})
    body = render_template("compare.html", places=places, selected=selected, columns=columns, error=error,
                           query=query + [("lang", lang)], messages=messages, metrics=METRICS, tables=TABLES,
                           page_size=DRILL_LIMIT)
    return Response(body, status=400 if error else 200, mimetype="text/html")
