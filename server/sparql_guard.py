"""What a SPARQL request asks for, found before anything is evaluated.

A small lexer splits the query text into the terminals of the SPARQL 1.1 grammar (comments,
strings, IRIs, prefixed names, variables, blank nodes, language tags, numbers, words and
punctuation). Words are where the keywords live, so a keyword can never be hidden from it in a
string, an IRI or a comment, nor can text inside those be mistaken for one.

Why a lexer and not another parser: the check must agree with Oxigraph, which evaluates the
query, and Oxigraph's PEG parser matches keywords without word boundaries (it runs
``SERVICESILENT<http://…>{…}`` and ``SELECT*FROMNAMED<g>{…}``, measured with pyoxigraph 0.5.13).
A different parser (rdflib's) rejects or reads such text differently, which is exactly the gap an
attacker would use. So the rules here are conservative: any word *containing* ``SERVICE`` is
refused, and any word containing ``FROM`` starts a dataset clause whose IRIs must be graphs of
the store; a prefixed name whose prefix holds either word is read the same way (Oxigraph may read
``SERVICE:x`` as ``SERVICE :x``). No keyword of the language contains either string, so the only
valid queries refused by mistake are those using a prefix named like ``service:`` or ``from:``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Iterator

import pyoxigraph as ox

from ..errors import QueryRefused

QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

_NAME_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
_LOCAL = rf"(?:{_NAME_CHARS}|:|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?#@%]|\.(?={_NAME_CHARS}|:|%|\\))*"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]{_NAME_CHARS}+)
  | (?P<bnode>_:{_NAME_CHARS}(?:{_NAME_CHARS}|\.(?={_NAME_CHARS}))*)
  | (?P<pname>(?:[^\W\d_](?:{_NAME_CHARS}|\.(?={_NAME_CHARS}))*)?:{_LOCAL})
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>\d+)
  | (?P<word>[^\W\d_][^\W_]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class QueryInfo:
    """What the guard learnt about a query.

    ``form`` is ``select``, ``ask``, ``construct``, ``describe``, ``update``, ``unknown`` (not
    recognised: the engine will report the syntax error) or ``None`` (no words at all). ``from_graphs``/``from_named`` are the
    absolute IRIs of the query's dataset clauses. ``cross_product``: two triple patterns of three
    variables each share no variable (see :func:`_cross_product`).
    """

    form: str | None = None
    service: bool = False
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    cross_product: bool = False

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset (FROM or FROM NAMED)."""
        return bool(self.from_graphs or self.from_named)

    @property
    def kind(self) -> str | None:
        """The result kind: ``select``, ``ask``, ``graph`` (CONSTRUCT/DESCRIBE) or None."""
        return {"select": "select", "ask": "ask", "construct": "graph", "describe": "graph"}.get(self.form or "")


def tokens(text: str) -> Iterator[Token]:
    """The SPARQL terminals of ``text`` without white space and comments."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.start())


def _unescape_iri(text: str) -> str:
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def resolve_iri(reference: str, base: str | None) -> str | None:
    """``reference`` resolved against ``base`` the way Oxigraph resolves it (RFC 3986, through
    pyoxigraph's own IRI parser); ``None`` when it cannot be made absolute."""
    try:
        if base is None:
            return ox.NamedNode(reference).value
        document = f"<{reference}> <urn:x-shnor:p> <urn:x-shnor:o> .".encode()
        return next(iter(ox.parse(document, format=ox.RdfFormat.TURTLE, base_iri=base))).subject.value
    except (ValueError, SyntaxError, StopIteration):
        return None


class _Reader:
    """Walks the token list and collects a QueryInfo."""

    def __init__(self, text: str) -> None:
        self.tokens = list(tokens(text))
        self.position = 0
        self.base: str | None = None
        self.prefixes: dict[str, str] = {}
        self.form: str | None = None
        self.service = False
        self.from_graphs: list[str] = []
        self.from_named: list[str] = []

    def next(self) -> Token | None:
        if self.position >= len(self.tokens):
            return None
        token = self.tokens[self.position]
        self.position += 1
        return token

    def iri(self, token: Token | None) -> str | None:
        """The absolute IRI written by an IRIREF or a prefixed-name token."""
        if token is None:
            return None
        if token.kind == "iri":
            return resolve_iri(_unescape_iri(token.text[1:-1]), self.base)
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            namespace = self.prefixes.get(prefix)
            return None if namespace is None else namespace + _LOCAL_ESCAPE.sub(r"\1", local)
        return None

    def prologue_declaration(self, word: str) -> bool:
        """Read a BASE or PREFIX declaration; False when the word is neither."""
        if word == "BASE":
            self.base = self.iri(self.next()) or self.base
            return True
        if word == "PREFIX":
            name = self.next()
            if name is not None and name.kind == "pname" and name.text.endswith(":"):
                self.prefixes[name.text[:-1]] = self.iri(self.next()) or ""
            return True
        return False

    def dataset_clause(self, rest: str) -> None:
        """Read ``FROM [NAMED] <iri>``; ``rest`` is what followed FROM inside the same word."""
        named = rest == "NAMED"
        if rest and not named:
            raise QueryRefused("the query has a FROM clause this endpoint cannot read; write FROM <graph> or FROM NAMED <graph>")
        target = self.next()
        if not named and target is not None and target.kind == "word" and target.text.upper() == "NAMED":
            named, target = True, self.next()
        iri = self.iri(target)
        if iri is None:
            written = target.text if target is not None else "nothing"
            raise QueryRefused(f"FROM{' NAMED' if named else ''} {written}: not an absolute IRI of a graph")
        (self.from_named if named else self.from_graphs).append(iri)

    def word(self, token: Token) -> None:
        word = token.text.upper()
        if "SERVICE" in word:
            self.service = True
        if self.form is None and not self.prologue_declaration(word):
            self.form = _form_of(word)
        index = word.find("FROM")
        if index >= 0 and self.form != "update":
            self.dataset_clause(word[index + 4:])

    def glued_pname(self, token: Token) -> None:
        """A prefixed name whose prefix holds a keyword: Oxigraph's parser can read ``SERVICE:x``
        as ``SERVICE :x`` and ``FROM:g`` as ``FROM :g``, so they are read that way here too."""
        prefix, _, local = token.text.partition(":")
        upper = prefix.upper()
        if "SERVICE" in upper:
            self.service = True
        index = upper.find("FROM")
        if index >= 0:
            self.position -= 1
            self.tokens[self.position] = Token("pname", ":" + local, token.start + len(prefix))
            self.dataset_clause(upper[index + 4:])

    def read(self) -> QueryInfo:
        while (token := self.next()) is not None:
            if token.kind == "word":
                self.word(token)
            elif token.kind == "pname":
                self.glued_pname(token)
        return QueryInfo(self.form, self.service, tuple(self.from_graphs), tuple(self.from_named),
                         _cross_product(self.tokens))


def _cross_product(terminals: list[Token]) -> bool:
    """Whether two triple patterns made of three variables (``?s ?p ?o``, each the whole store)
    share no variable: their join is the store times itself (2·10^12 rows at 1.4M quads), the
    classic runaway query. A pattern is three variables after ``{`` or ``.``; groups are not told
    apart, so a UNION of two such scans counts too (a slow query either way)."""
    patterns = [{t.text[1:] for t in terminals[k:k + 3]} for k in range(1, len(terminals) - 2)
                if terminals[k - 1].kind == "punct" and terminals[k - 1].text in ("{", ".")
                and all(t.kind == "var" for t in terminals[k:k + 3])]
    return any(a.isdisjoint(b) for a, b in itertools.combinations(patterns, 2))


def _form_of(word: str) -> str:
    """The query form a leading word starts (keywords may be glued to what follows)."""
    for keyword, form in QUERY_FORMS.items():
        if word.startswith(keyword):
            return form
    return "update" if word.startswith(UPDATE_WORDS) else "unknown"


@lru_cache(maxsize=512)
def inspect_query(text: str) -> QueryInfo:
    """Lex ``text`` and report its form, SERVICE use and dataset clauses (raises QueryRefused for
    a dataset clause it cannot read). Cached: stored queries come again and again."""
    return _Reader(text).read()


def check_query(text: str, *, graphs: Collection[str] | None = None) -> QueryInfo:
    """Refuse, before evaluation, what this read-only closed endpoint does not run: updates,
    SERVICE (federation: the engine would open a network connection), and FROM / FROM NAMED naming
    a graph that is not in the store (``graphs``; the check is skipped when it is None)."""
    info = inspect_query(text)
    if info.form == "update":
        raise QueryRefused("SPARQL Update is not accepted: this endpoint is read-only and answers queries only")
    if info.service:
        raise QueryRefused("SERVICE (federated query) is not allowed: this endpoint does not contact other servers")
    if graphs is not None:
        check_graphs(info.from_graphs + info.from_named, graphs, clause="FROM")
    return info


def check_graphs(requested: Collection[str], graphs: Collection[str], *, clause: str) -> None:
    """Raise QueryRefused naming the first requested graph that is not a graph of the store."""
    known = set(graphs)
    for iri in requested:
        if iri not in known:
            raise QueryRefused(f"{clause} <{iri}>: not a graph of this store (see /.well-known/void for the graphs)", graph=iri)
