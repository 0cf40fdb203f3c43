"""Data for the default views of a stored query's result: bar-chart series and timeline bars.

Pure functions over a result (variables + rows of pyoxigraph terms) and the query's view hints;
the pages render them (Chart.js for bars, CSS bars for the timeline).
"""

from __future__ import annotations

import datetime as dt

from .formats import cell, json_value


def _column(result, name: str) -> int:
    return result.variables.index(name)


def bar_data(result, hints: dict) -> dict:
    """``{"labels": [...], "datasets": [{"label", "data"}]}`` for a bar chart.

    Without a ``series`` hint every ``y`` variable is one dataset over the ``x`` values in row
    order; with it, the ``x`` values are the labels, each ``series`` value is a dataset of the
    first ``y`` variable, and a missing combination is 0.
    """
    x = _column(result, hints["x"])
    ys = [_column(result, name) for name in hints["y"].split(",")]
    if "series" not in hints:
        labels = [cell(row[x]) for row in result.rows]
        datasets = [{"label": result.variables[y], "data": [_number(row[y]) for row in result.rows]} for y in ys]
        return {"labels": labels, "datasets": datasets}
    series = _column(result, hints["series"])
    labels = list(dict.fromkeys(cell(row[x]) for row in result.rows))
    values: dict[str, dict[str, float]] = {}
    for row in result.rows:
        values.setdefault(cell(row[series]), {})[cell(row[x])] = _number(row[ys[0]])
    datasets = [{"label": name, "data": [points.get(label, 0) for label in labels]} for name, points in values.items()]
    return {"labels": labels, "datasets": datasets}


def _number(term) -> float:
    value = json_value(term)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def timeline_rows(result, hints: dict) -> dict:
    """Rows sorted by start date, each with the bar's ``left`` and ``width`` in per cent of the
    span from the earliest start to the latest end: ``{"start", "end", "rows": [...]}``."""
    label, start, end = (_column(result, hints[k]) for k in ("label", "start", "end"))
    rows = []
    for row in result.rows:
        begin, finish = _date(cell(row[start])), _date(cell(row[end]))
        rows.append({"label": cell(row[label]), "start": begin, "end": finish or begin, "cells": [cell(t) for t in row]})
    dated = [r for r in rows if r["start"] is not None]
    if not dated:
        return {"start": None, "end": None, "rows": rows}
    first = min(r["start"] for r in dated)
    last = max(r["end"] for r in dated)
    span = max((last - first).days + 1, 1)
    for r in dated:
        r["left"] = round(100 * (r["start"] - first).days / span, 2)
        r["width"] = max(round(100 * ((r["end"] - r["start"]).days + 1) / span, 2), 0.5)
    rows.sort(key=lambda r: (r["start"] is None, r["start"] or dt.date.max, r["end"] or dt.date.max, r["label"]))
    return {"start": first.isoformat(), "end": last.isoformat(), "rows": rows}
