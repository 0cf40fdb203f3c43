"""Typed parameters of stored queries: declaration, validation of user values, RDF terms.

A parameter is declared in a query header as::

    #+ param: <name> <type> [<class>[|<class>...]] [default=<value>] [required] [choices=a,b,c]

Types (``PARAM_TYPES``): ``iri`` (an absolute IRI or a prefixed name of the project's prefix
table; optionally the classes its value must be an instance of), ``string``, ``integer``,
``date`` (YYYY-MM-DD), ``gYear`` (YYYY), ``month`` (YYYY-MM, bound as ``xsd:gYearMonth``) and
``lang`` (a language tag such as ``ru`` or ``en``). A value is checked against its type and turned
into a pyoxigraph term, which the query text receives as a ``VALUES`` block in N-Triples syntax;
user text is never pasted into a query.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import BadParameter
from ..ontology import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
MAX_STRING = 500
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CURIE_RE = re.compile(r"^([A-Za-z][\w-]*):([^\s<>\"{}|^`\\]*)$")
ABSOLUTE_IRI_RE = re.compile(r"^(https?://|urn:)[^\s<>\"{}|^`\\]+$")
INTEGER_RE = re.compile(r"^[+-]?\d{1,18}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR_RE = re.compile(r"^\d{4}$")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")

#: type name -> (human description of the expected value, JSON-schema fragment for OpenAPI)
PARAM_TYPES: dict[str, tuple[str, dict]] = {
    "iri": ("an IRI (http(s)://… or urn:…, or a prefixed name such as shnor:school)", {"type": "string", "format": "iri", "minLength": 1}),
    "string": ("a text of 1 to 500 characters", {"type": "string", "minLength": 1, "maxLength": MAX_STRING}),
    "integer": ("an integer", {"type": "integer", "minimum": -(10**17), "maximum": 10**17}),
    "date": ("a date YYYY-MM-DD", {"type": "string", "format": "date"}),
    "gYear": ("a year YYYY", {"type": "string", "pattern": YEAR_RE.pattern}),
    "month": ("a month YYYY-MM", {"type": "string", "pattern": MONTH_RE.pattern}),
    "lang": ("a language tag such as ru or en", {"type": "string", "pattern": LANG_RE.pattern}),
}


def expand_curie(text: str) -> str | None:
    """The absolute IRI of ``prefix:local`` when the prefix is in the table, else None."""
    match = CURIE_RE.match(text)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    return None


def compact_iri(iri: str) -> str:
    """``prefix:local`` for an IRI under a known namespace, else the IRI itself."""
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and re.fullmatch(r"[\w-]*", iri[len(base):]):
            return f"{prefix}:{iri[len(base):]}"
    return iri


@dataclass(frozen=True)
class Param:
    """One declared parameter of a stored query."""

    name: str
    type: str
    classes: tuple[str, ...] = ()
    default: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def expected(self) -> str:
        """What a value must be, in words (used in 400 messages and the OpenAPI description)."""
        text = PARAM_TYPES[self.type][0]
        if self.classes:
            text = f"the IRI of a {' or '.join(compact_iri(c) for c in self.classes)}"
        if self.choices:
            text += " (one of: " + ", ".join(self.choices) + ")"
        return text

    def label(self, lang: str) -> str:
        """The form label in ``lang`` (falls back to Russian, then to the name)."""
        return self.labels.get(lang) or self.labels.get("ru") or self.name

    def to_term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """Validate one user value and return its RDF term; raises BadParameter naming the
        parameter and the expected type."""
        value = raw.strip()
        try:
            term = _CONVERTERS[self.type](value)
        except (ValueError, TypeError):
            term = None
        if term is None or (self.choices and value not in self.choices):
            raise BadParameter(
                f"parameter '{self.name}' expects {self.expected}; got {_shorten(raw)!r}",
                parameter=self.name, expected=self.type,
            )
        return term

    def json_schema(self) -> dict:
        """The JSON-schema of the parameter's value (for the OpenAPI description)."""
        schema = dict(PARAM_TYPES[self.type][1])
        if self.choices:
            schema = {"type": "string", "enum": list(self.choices)}
        if self.default is not None:
            schema["default"] = int(self.default) if self.type == "integer" else self.default
        return schema


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iri(value: str) -> ox.NamedNode | None:
    iri = expand_curie(value)
    if iri is None and ABSOLUTE_IRI_RE.match(value):
        iri = value
    return None if iri is None else ox.NamedNode(iri)


def _string(value: str) -> ox.Literal | None:
    if not value or len(value) > MAX_STRING or any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        return None
    return ox.Literal(value)


def _integer(value: str) -> ox.Literal | None:
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer")) if INTEGER_RE.match(value) else None


def _date(value: str) -> ox.Literal | None:
    if not DATE_RE.match(value):
        return None
    dt.date.fromisoformat(value)  # raises ValueError on 2024-02-30
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))


def _year(value: str) -> ox.Literal | None:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear")) if YEAR_RE.match(value) else None


def _month(value: str) -> ox.Literal | None:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYearMonth")) if MONTH_RE.match(value) else None


def _lang(value: str) -> ox.Literal | None:
    return ox.Literal(value.lower()) if LANG_RE.match(value) else None


_CONVERTERS = {"iri": _iri, "string": _string, "integer": _integer, "date": _date, "gYear": _year, "month": _month, "lang": _lang}


def parse_declaration(text: str) -> Param:
    """A ``Param`` from the text after ``#+ param:``; raises ValueError with the reason."""
    words = shlex.split(text)
    if len(words) < 2:
        raise ValueError("a parameter needs a name and a type: 'param: <name> <type> ...'")
    name, kind, rest = words[0], words[1], words[2:]
    if not NAME_RE.match(name):
        raise ValueError(f"parameter name {name!r} must be lower case letters, digits and _")
    if kind not in PARAM_TYPES:
        raise ValueError(f"parameter {name!r}: unknown type {kind!r} (known: {', '.join(PARAM_TYPES)})")
    options = _options(name, kind, rest)
    param = Param(name, kind, **options)
    if param.default is not None:
        if param.required:
            raise ValueError(f"parameter {name!r}: 'required' and 'default=' exclude each other")
        try:
            param.to_term(param.default)
        except BadParameter as exc:  # a bad default is a broken query file
            raise ValueError(f"bad default: {exc.message}") from None
    return param


def _options(name: str, kind: str, words: list[str]) -> dict:
    options: dict = {}
    for word in words:
        if word == "required":
            options["required"] = True
        elif word.startswith("default="):
            options["default"] = word[len("default="):]
        elif word.startswith("choices="):
            options["choices"] = tuple(c for c in word[len("choices="):].split(",") if c)
        elif kind == "iri" and "classes" not in options:
            options["classes"] = tuple(_class_iri(name, c) for c in word.split("|"))
        else:
            raise ValueError(f"parameter {name!r}: unexpected {word!r}")
    return options


def _class_iri(name: str, text: str) -> str:
    iri = expand_curie(text) or (text[1:-1] if text.startswith("<") and text.endswith(">") else None)
    if iri is None:
        raise ValueError(f"parameter {name!r}: class {text!r} is neither a known prefixed name nor <IRI>")
    return iri


def sample_value(param: Param) -> str:
    """A valid value of the parameter's type (used to check that a query runs when bound)."""
    if param.default is not None:
        return param.default
    if param.choices:
        return param.choices[0]
    samples = {"iri": "https://w3id.org/shnor/id/example", "string": "пример", "integer": "1", "date": "2024-01-01",
               "gYear": "2024", "month": "2024-01", "lang": "ru"}
    return samples[param.type]
