"""Facts: what an act states about organisations, people and schools, resolved to identities.

The structure stage gives texts with spans; this stage reads them with the normalisers
(``organisations``, ``people``, ``deadlines``, ``places``) and returns plain dataclasses:

* the municipality (from the letterhead, else the text) and the issuing organisation: the body
  the issuing post heads ("ПРЕДСЕДАТЕЛЬ КОМИТЕТА …" → the committee) or the letterhead;
* role assignments. Roles about the act itself — ``signatory``, ``municipalCoordinator``,
  ``executionController``, ``contactPerson`` — are held in the issuing organisation; an
  ``approver`` in the organisation named in the approval's post (else the issuer). Posts
  ("начальника отдела развития образования управления образования …", "и. о. директора",
  "Заведующий МБУ …") give ``departmentHead``, ``deputyHead``, ``actingDirector``, and for
  the leader of an organisation ``head`` (an authority or administration) or ``director``
  (a school or another institution, as the vocabulary defines them);
* the methodological operator: only a clause that says so ("… муниципальным оператором").
  A clause charging an organisation with "организационно-методическое сопровождение плана"
  (Kostroma clause 2) gives it a task, not the status of operator: no ``operatorFor``;
* mentorship: the schools of a "куратор/наставник/партнёр" annex mentor the schools of the
  target annex, when one of the two lists has a single school (a pairing of longer lists is
  not stated, so it is not made); target schools from the target annex;
* per plan item: responsible parties (split and resolved), schools the title names
  (``concerns``), the parsed deadline; per clause: a deadline it sets ("в срок до 07.03.2024");
* per section: the theme whose heading keyword (in the vocabulary) the title contains.

Organisation names are first all registered with one ``OrgResolver`` and only then looked up,
so every reference uses the final canonical entity. A one-word name ("председатель
Комитета") is completed from the letterhead and the header's post, or dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from ..errors import IngestError
from ..ontology.vocabulary import themes_for_heading
from .blocks import RawDocument, Span
from .deadlines import Deadline, parse_deadline
from .organisations import OrgRef, OrgResolver, split_responsible
from .people import PersonName, find_people, parse_person
from .places import Municipality, municipality_from_text
from .structure import Act, Citation, Clause, collapse

ACT_ROLES = ("signatory", "municipalCoordinator", "executionController", "contactPerson")
AUTHORITY_TYPES = ("educationAuthority", "administration")


@dataclass(frozen=True)
class RoleFact:
    """A person holding a role in an organisation, as stated at ``span``."""

    person: str  # person key
    org: OrgRef
    role: str  # local name in shnor:Roles
    span: Span


@dataclass(frozen=True)
class MentorshipFact:
    mentor: OrgRef
    mentee: OrgRef
    span: Span


@dataclass(frozen=True)
class CitedAct:
    citation: Citation
    issuer: OrgRef | None


@dataclass
class ItemFacts:
    responsible: list[OrgRef]
    concerns: list[OrgRef]
    deadline: Deadline | None


@dataclass
class Facts:
    """The resolved facts of one act."""

    municipality: Municipality
    issuer: OrgRef | None = None
    signatory: str | None = None
    people: dict[str, PersonName] = field(default_factory=dict)
    organisations: list[OrgRef] = field(default_factory=list)
    roles: list[RoleFact] = field(default_factory=list)
    operators: list[tuple[OrgRef, Span]] = field(default_factory=list)
    mentorships: list[MentorshipFact] = field(default_factory=list)
    targets: list[OrgRef] = field(default_factory=list)
    items: dict[int, ItemFacts] = field(default_factory=dict)
    clause_deadlines: dict[str, Deadline] = field(default_factory=dict)
    cited: list[CitedAct] = field(default_factory=list)
    themes: dict[int, URIRef] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pending:
    """A role found in the text, its organisation still a written name (``None``: the issuer)."""

    person: PersonName
    org: str | None
    role: str  # a role, or "leader" (head or director, decided by the organisation's type)
    span: Span


# -- posts -----------------------------------------------------------------------------------------

_POST = re.compile(
    r"^(?P<acting>(?:и\.\s?о\.|исполняющ\w*\s+обязанност\w*)\s*)?"
    r"(?P<deputy>(?:перв\w*\s+)?заместител\w*\s+)?"
    r"(?P<head>начальник\w*|директор\w*|заведующ\w*|председател\w*|руководител\w*|глав[аыу]\w*|министр\w*|ректор\w*)"
    r"(?:\s+(?P<rest>.*))?$", re.I)
_UNIT = re.compile(r"^(?:отдел|сектор)\w*\s+", re.I)
_ORG_START = re.compile(r"\b(?:управлени|комитет|департамент|министерств|администраци|учреждени|[МГО][БКА]?[ДО]?У\b)", re.I)


def post_roles(post: str) -> list[tuple[str, str | None]]:
    """Roles a post states, each with the organisation as written (``None`` when not named).

    "Заместитель главы Администрации – председатель Комитета …" → deputyHead of
    "Администрации", leader of "Комитета …"; "начальника отдела развития образования управления
    образования …" → departmentHead of "управления образования …".
    """
    out = []
    for part in re.split(r"\s+[–—-]\s+", collapse(post)):
        match = _POST.match(part.strip(" ,.–-"))
        if match:
            out.append(_post_role(match))
    return out


def _post_role(match: re.Match) -> tuple[str, str | None]:
    rest = (match["rest"] or "").strip(" ,.")
    if _UNIT.match(rest):
        org = _ORG_START.search(rest)
        return "departmentHead", (rest[org.start():] if org else None)
    role = "deputyHead" if match["deputy"] else "actingDirector" if match["acting"] else "leader"
    return role, rest or None


# -- the extraction ----------------------------------------------------------------------------------


def extract_facts(act: Act, raw: RawDocument) -> Facts:
    """Resolve the act's organisations, people, roles, links and item details."""
    facts = Facts(municipality=_municipality(act, raw))
    resolver = OrgResolver(municipality_slug=facts.municipality.slug,
                           abbreviations={a.short: a.full for a in act.abbreviations})
    context = _Context(act, resolver)
    pending = _clause_roles(act, context) + _sign_off_roles(act, context) + _annex_roles(act)
    operators = _operators(act, context)
    parties = {i.position: split_responsible(i.responsible) if i.responsible else [] for i in act.plan.items} if act.plan else {}
    for name in [n for names in parties.values() for n in names] + [p.org for p in pending if p.org] + [o for o, _ in operators]:
        resolver.resolve(name)
    _register_annexes(act, resolver)
    issuer_name = context.issuer_name()
    if issuer_name:
        resolver.resolve(issuer_name)
    cited_issuers = [resolver.resolve(c.issuer) if c.issuer else None for c in act.basis]
    facts.issuer = resolver.lookup(issuer_name) if issuer_name else None
    _finish(facts, act, resolver, pending, operators, parties, cited_issuers)
    return facts


def _municipality(act: Act, raw: RawDocument) -> Municipality:
    header = " ".join(t.text for t in act.header.letterhead + ((act.header.post,) if act.header.post else ()))
    found = municipality_from_text(header) or municipality_from_text(raw.text)
    if found is None:
        raise IngestError(f"{raw.name}: cannot tell the municipality of the act (no known \"город …\" in its text)", file=raw.name)
    return found


class _Context:
    """Names the text uses for the issuer, to complete one-word names ("Комитета")."""

    def __init__(self, act: Act, resolver: OrgResolver) -> None:
        self.act = act
        self.resolver = resolver
        posts = post_roles(act.header.post.text) if act.header.post else []
        self.post_orgs = [org for _, org in posts if org]
        self.candidates = [t.text for t in act.header.letterhead] + self.post_orgs

    def complete(self, name: str | None) -> str | None:
        """A name of two words or more as it is; one word → the candidate it starts, else None."""
        if not name:
            return None
        name = collapse(name).strip(" ,.;")
        if len(name.split()) > 1:
            return name
        stem = name.lower().replace("ё", "е")[:5]
        return next((c for c in self.candidates if len(c.split()) > 1 and c.lower().replace("ё", "е").startswith(stem)), None)

    def issuer_name(self) -> str | None:
        """The body the issuing post leads, else the last letterhead line."""
        header = self.act.header
        leaders = [org for role, org in (post_roles(header.post.text) if header.post else []) if role == "leader" and org]
        completed = [self.complete(org) for org in leaders if not org.lower().startswith("город")]
        completed = [c for c in completed if c]
        if completed:
            return completed[-1]
        return header.letterhead[-1].text if header.letterhead else None


# -- clauses -------------------------------------------------------------------------------------------

_COORDINATOR = re.compile(r"(?:муниципальн\w+\s+)?координатор\w*", re.I)
_APPOINT = re.compile(r"^[\d.]+[.)]?\s*(?:назначить|определить|утвердить)\b", re.I)
_CONTROL = re.compile(r"^[\d.]+[.)]?\s*контроль\b", re.I)
_OPERATOR = re.compile(
    r"(?:определить|назначить)\s+(?P<org>[^()]+?)\s*(?:\((?P<paren>[^)]*)\)\s*)?"
    r"(?:(?:муниципальн|методическ|региональн)\w*\s+)*оператор\w*", re.I)


def _clause_roles(act: Act, context: _Context) -> list[_Pending]:
    out: list[_Pending] = []
    for clause in act.clauses:
        if _APPOINT.match(clause.text) and _COORDINATOR.search(clause.text):
            out.extend(_coordinator(clause, context))
        elif _CONTROL.match(clause.text):
            out.extend(_controller(clause, context))
        out.extend(_operator_people(clause, context))
    return out


def _coordinator(clause: Clause, context: _Context) -> list[_Pending]:
    """ "Назначить <person>, <post>, муниципальным координатором …" """
    phrase = _COORDINATOR.search(clause.text)
    out = []
    for start, end, person in find_people(clause.text[: phrase.start()]):
        out.append(_Pending(person, None, "municipalCoordinator", clause.span))
        post = clause.text[end: phrase.start()].strip(" ,")
        out.extend(_post_pending(person, post, None, clause.span, context))
    return out


def _controller(clause: Clause, context: _Context) -> list[_Pending]:
    """ "Контроль … возложить на <post> <person>"; "… оставляю за собой" is the signatory's."""
    if re.search(r"за\s+собой", clause.text, re.I) and context.act.signatory:
        person = parse_person(context.act.signatory.person)
        return [_Pending(person, None, "executionController", clause.span)] if person else []
    out = []
    after = re.search(r"возложить\s+на\s+", clause.text, re.I)
    for start, end, person in find_people(clause.text):
        out.append(_Pending(person, None, "executionController", clause.span))
        if after and after.end() <= start:
            out.extend(_post_pending(person, clause.text[after.end(): start], None, clause.span, context))
    return out


def _post_pending(person: PersonName, post: str, default_org: str | None, span: Span, context: _Context) -> list[_Pending]:
    """The roles a person's post states (organisations completed, unknown ones dropped)."""
    out = []
    for role, org in post_roles(post):
        name = context.complete(org) if org else default_org
        if name:
            out.append(_Pending(person, name, role, span))
    return out


def _operators(act: Act, context: _Context) -> list[tuple[str, Span]]:
    out = []
    for clause in act.clauses:
        match = _OPERATOR.search(clause.text)
        if match and context.complete(match["org"]):
            out.append((context.complete(match["org"]), clause.span))
    return out


def _operator_people(clause: Clause, context: _Context) -> list[_Pending]:
    """People in the operator clause's parentheses, with their post in the operator ("и. о. директора В.Е. Шагаева")."""
    match = _OPERATOR.search(clause.text)
    if not match or not match["paren"] or not context.complete(match["org"]):
        return []
    out = []
    for start, end, person in find_people(match["paren"]):
        out.extend(_post_pending(person, match["paren"][:start], context.complete(match["org"]), clause.span, context))
    return out


# -- sign-off and annexes ------------------------------------------------------------------------------


def _sign_off_roles(act: Act, context: _Context) -> list[_Pending]:
    out: list[_Pending] = []
    if act.signatory and (person := parse_person(act.signatory.person)):
        out.append(_Pending(person, None, "signatory", act.signatory.span))
        out.extend(_post_pending(person, act.signatory.post, None, act.signatory.span, context))
    for approval in act.approvals:
        if person := parse_person(approval.person):
            posts = _post_pending(person, approval.post, None, approval.span, context)
            out.append(_Pending(person, posts[0].org if posts else None, "approver", approval.span))
            out.extend(posts)
    if act.contact and (person := parse_person(act.contact.person)):
        out.append(_Pending(person, None, "contactPerson", act.contact.span))
    return out


def _annex_roles(act: Act) -> list[_Pending]:
    out = []
    for annex in act.annexes:
        for entry in annex.entries:
            person = parse_person(entry.head) if entry.head else None
            role = "actingDirector" if re.match(r"и\.\s?о\.", entry.head_post or "") else "leader"
            if person:
                out.append(_Pending(person, entry.name, role, entry.span))
    return out


def _register_annexes(act: Act, resolver: OrgResolver) -> None:
    for annex in act.annexes:
        for entry in annex.entries:
            resolver.resolve(entry.name)


# -- final facts ------------------------------------------------------------------------------------------


def _finish(facts: Facts, act: Act, resolver: OrgResolver, pending: list[_Pending],
            operators: list[tuple[str, Span]], parties: dict[int, list[str]], cited: list[OrgRef | None]) -> None:
    facts.roles = _roles(facts, resolver, pending)
    facts.signatory = next((r.person for r in facts.roles if r.role == "signatory"), None)
    facts.operators = _unique_pairs([(resolver.lookup(name), span) for name, span in operators])
    facts.targets = _annex_schools(act, resolver, "target")
    facts.mentorships = _mentorships(act, resolver, facts.targets)
    facts.cited = [CitedAct(c, resolver.canonical(i) if i else None) for c, i in zip(act.basis, cited)]
    facts.items = _item_facts(act, resolver, parties)
    facts.clause_deadlines = _clause_deadlines(act)
    facts.themes = _themes(act, facts.notes)
    facts.organisations = resolver.entities()


def _roles(facts: Facts, resolver: OrgResolver, pending: list[_Pending]) -> list[RoleFact]:
    out: list[RoleFact] = []
    for p in pending:
        org = resolver.lookup(p.org) if p.org else facts.issuer
        if org is None or org.collective:
            continue
        person = _merge_person(facts.people, p.person)
        role = p.role if p.role != "leader" else ("head" if org.org_type in AUTHORITY_TYPES else "director")
        fact = RoleFact(person, org, role, p.span)
        if not any((f.person, f.org.key, f.role) == (person, org.key, role) for f in out):
            out.append(fact)
    return out


def _merge_person(people: dict[str, PersonName], person: PersonName) -> str:
    """Keep one name per key, the fullest (a given name beats initials)."""
    known = people.get(person.key)
    if known is None or (known.given is None and person.given is not None):
        people[person.key] = person
    return person.key


def _unique_pairs(pairs: list[tuple[OrgRef, Span]]) -> list[tuple[OrgRef, Span]]:
    seen: set[str] = set()
    out = []
    for ref, span in pairs:
        if ref.key not in seen:
            seen.add(ref.key)
            out.append((ref, span))
    return out


def _annex_schools(act: Act, resolver: OrgResolver, kind: str) -> list[OrgRef]:
    refs = [resolver.lookup(e.name) for a in act.annexes if a.kind == kind for e in a.entries]
    return _unique([r for r in refs if r.is_school])


def _unique(refs: list[OrgRef]) -> list[OrgRef]:
    return list({r.key: r for r in refs}.values())


def _mentorships(act: Act, resolver: OrgResolver, mentees: list[OrgRef]) -> list[MentorshipFact]:
    """Mentor annex × target annex, when one side is a single school."""
    mentors = _annex_schools(act, resolver, "mentor")
    if not mentors or not mentees or (len(mentors) > 1 and len(mentees) > 1):
        return []
    span = _mentorship_span(act)
    return [MentorshipFact(m, e, span) for m in mentors for e in mentees if m.key != e.key]


def _mentorship_span(act: Act) -> Span:
    """The clause that refers to the mentor annex ("(Приложение №№ 2,3)"), else that annex."""
    annex = next(a for a in act.annexes if a.kind == "mentor")
    for clause in act.clauses:
        refs = re.search(r"приложени\w*\s*(?:№+\s*)?([\d,\sи]+)", clause.text, re.I)
        if refs and annex.number and annex.number in re.findall(r"\d+", refs[1]):
            return clause.span
    return annex.span


_SCHOOL_MENTION = re.compile(
    r"(?:\b[А-ЯЁ]*(?:ОУ|ОШ)\b|\bЦО\b|школ\w*|лице\w*|гимнази\w*|центр\w*\s+образования)[^№\n]{0,40}?№\s*\d+(?:\s*(?:,|и)\s*\d+)*",
    re.I)


def _concerns(resolver: OrgResolver, title: str) -> list[OrgRef]:
    """Schools an item title names by number ("МБОУ ЦО № 48", "ОУ № 7,10,11,19,37")."""
    refs = [r for m in _SCHOOL_MENTION.finditer(title) for r in resolver.schools_from_numbers(m[0])]
    return _unique(refs)


def _item_facts(act: Act, resolver: OrgResolver, parties: dict[int, list[str]]) -> dict[int, ItemFacts]:
    if act.plan is None:
        return {}
    out = {}
    for item in act.plan.items:
        responsible = _unique([resolver.lookup(n) for n in parties[item.position]])
        deadline = parse_deadline(item.deadline, plan_year=act.plan.year) if item.deadline else None
        out[item.position] = ItemFacts(responsible, _concerns(resolver, item.title), deadline)
    return out


_CLAUSE_DEADLINE = re.compile(r"(?:в\s+срок\s+)?(?:до|не\s+позднее)\s+\d{1,2}\.\d{1,2}\.\d{4}", re.I)


def _clause_deadlines(act: Act) -> dict[str, Deadline]:
    """ "в срок до 07.03.2024" in a clause → a deadline ending that day (no start is stated)."""
    out = {}
    for clause in act.clauses:
        match = _CLAUSE_DEADLINE.search(clause.text)
        if match:
            out[clause.number] = parse_deadline(match[0], plan_year=None)
    return out


def _themes(act: Act, notes: list[str]) -> dict[int, URIRef]:
    """Section ordinal → the one theme whose heading keyword its title contains."""
    out = {}
    for section in act.plan.sections if act.plan else []:
        themes = themes_for_heading(section.title)
        if len(themes) == 1:
            out[section.ordinal] = themes[0]
        else:
            notes.append(f"section {section.number or section.ordinal}: {len(themes)} themes match its heading; none assigned")
    return out
