"""The interface language of the pages: chosen once per request, remembered in a cookie.

The language is ``?lang=ru|en`` when the request gives a valid one (the response then sets the
``lang`` cookie, so the choice is remembered), else the ``lang`` cookie, else the configured
``default_lang``. An invalid ``?lang`` is ignored (a page never fails because of it).

Pages take their words from one message table: ``t("home.title")``. Each page module may add
its own keys with :func:`register` (prefix them with the page name: ``"network.title"``).
:func:`install` adds a context processor, so every template gets ``lang``, ``t``,
``other_lang``, ``lang_url(code)`` and ``i18n`` (the same helpers under one name, for templates
that receive another ``t``).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Mapping
from urllib.parse import urlencode

from flask import Flask, Response, current_app, has_request_context, request

LANGS = ("ru", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

#: The message table: language → key → text. Extended by :func:`register`.
MESSAGES: dict[str, dict[str, str]] = {
    "ru": {
        "lang.name": "Русский",
        "lang.switch": "English",
        "nav.home": "Главная",
        "nav.search": "Поиск",
        "nav.queries": "Запросы",
        "nav.network": "Сеть",
        "nav.compare": "Сравнение",
        "nav.sparql": "SPARQL",
        "nav.ontology": "Онтология",
        "nav.validation": "Проверка",
        "nav.search_placeholder": "школа, организация, человек, акт…",
    },
    "en": {
        "lang.name": "English",
        "lang.switch": "Русский",
        "nav.home": "Home",
        "nav.search": "Search",
        "nav.queries": "Queries",
        "nav.network": "Network",
        "nav.compare": "Compare",
        "nav.sparql": "SPARQL",
        "nav.ontology": "Ontology",
        "nav.validation": "Validation",
        "nav.search_placeholder": "school, organisation, person, act…",
    },
}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages (``{"ru": {key: text}, "en": {key: text}}``) to the table."""
    for lang, table in messages.items():
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        MESSAGES[lang].update(table)


def _default_lang() -> str:
    config = current_app.extensions["shnor_kg"].config
    lang = getattr(config, "default_lang", "ru")
    return lang if lang in LANGS else LANGS[0]


def requested_lang() -> str | None:
    """The valid ``?lang=`` of the request, or None."""
    lang = request.args.get("lang")
    return lang if lang in LANGS else None


def current_lang() -> str:
    """The language of this request: ``?lang=``, else the ``lang`` cookie, else the default."""
    if not has_request_context():
        return LANGS[0]
    cookie = request.cookies.get(COOKIE)
    return requested_lang() or (cookie if cookie in LANGS else None) or _default_lang()


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted with ``values``.

    Falls back to Russian, then to the key itself (so a missing message shows, never fails).
    """
    lang = lang or current_lang()
    text = MESSAGES.get(lang, {}).get(key) or MESSAGES["ru"].get(key) or key
    return text.format(**values) if values else text


def other_lang(lang: str | None = None) -> str:
    """The language the switch offers."""
    return "en" if (lang or current_lang()) == "ru" else "ru"


def lang_url(lang: str) -> str:
    """The current page's URL with ``lang`` set (every other parameter kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", lang)])


def _context() -> dict:
    lang = current_lang()
    helpers = SimpleNamespace(lang=lang, t=t, other_lang=other_lang(lang), lang_url=lang_url)
    return {"lang": lang, "t": t, "other_lang": other_lang(lang), "lang_url": lang_url, "i18n": helpers}


def _remember(response: Response) -> Response:
    """Set the ``lang`` cookie when ``?lang=`` chose a language; pages vary with the cookie."""
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
    lang = requested_lang() if has_request_context() else None
    if lang and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def install(app: Flask) -> None:
    """Give every template the language helpers and remember ``?lang=`` in a cookie."""
    app.context_processor(_context)
    app.after_request(_remember)
