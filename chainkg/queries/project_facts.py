"""What the pipeline, report and policy queries know about a project or an enterprise, from either store.

:class:`ProjectFacts` gathers one project's properties, where it lies (its places and every place
above them), its segments and chains, investors, owner office and events (each with its sources);
:class:`EnterpriseFacts` the same for an enterprise. Both stores fill them — :func:`projects_nx` /
:func:`projects_cypher`, :func:`enterprises_nx` / :func:`enterprises_cypher` — so the queries built on
them hold their definitions once, in Python.

Definitions (also in ``docs/queries.md``):

- **places above** a project: the places it is LOCATED_IN and, transitively, the parks those lie in
  and the regions those are PART_OF (at most :data:`MAX_HOPS` steps up);
- its **county**: the first, by id, district, county, county-level city or functional zone among them;
- **status on a day** and **investment known on a day**: :mod:`chainkg.schema.lifecycle`;
- **actual investment to date** (实际投资 / 到位资金): the sum of its investment events' actual amounts
  over periods that ended by the day and were reported by then (reported: the earliest source date);
  None when the project has no actual amount recorded at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from chainkg.queries.common import NodeRef, ScopeRef, node_ref, resolve_scope
from chainkg.queries.cypher import common as cy
from chainkg.schema.kinds import Currency, EdgeKind, EventKind, NodeKind, ProjectStatus, RegionLevel
from chainkg.schema.lifecycle import Period, day_end, investment_at, status_at

__all__ = [
    "COUNTY_LEVELS",
    "MAX_HOPS",
    "EnterpriseFacts",
    "EventFacts",
    "ProjectFacts",
    "SourceFacts",
    "chain_projects_cypher",
    "chain_projects_nx",
    "enterprises_cypher",
    "enterprises_nx",
    "projects_cypher",
    "projects_nx",
    "scope_members_cypher",
    "scope_members_nx",
    "today",
]

#: Region levels that count as a county for the per-county totals.
COUNTY_LEVELS = (RegionLevel.DISTRICT, RegionLevel.COUNTY, RegionLevel.COUNTY_CITY, RegionLevel.FUNCTIONAL_ZONE)
#: How many LOCATED_IN / PART_OF steps up from a project's own places are followed.
MAX_HOPS = 6
_ORDER = {s.value: s.order for s in ProjectStatus}
_PROJECT = NodeKind.PROJECT.prefix + ":"
_UP = (EdgeKind.LOCATED_IN.value, EdgeKind.PART_OF.value)
_PLACES = (NodeKind.REGION.value, NodeKind.PARK.value)
_ENTERPRISE = NodeKind.ENTERPRISE.prefix + ":"
_COUNTY = frozenset(level.value for level in COUNTY_LEVELS)


def today() -> str:
    return dt.date.today().isoformat()


@dataclass(frozen=True)
class SourceFacts:
    id: str
    name: str
    date: str | None
    evidence: str


@dataclass(frozen=True)
class EventFacts:
    id: str
    event: EventKind
    status: ProjectStatus | None
    period: str | None
    date: str | None
    known_from: str | None
    reason: str | None
    actual_investment: int | None
    planned_investment: int | None
    sources: tuple[SourceFacts, ...]

    @property
    def reported(self) -> str | None:
        """The earliest date a source reported it (for a status event: its ``known_from``)."""
        if self.known_from is not None:
            return self.known_from
        dates = [s.date for s in self.sources if s.date]
        return min(dates, key=lambda d: (day_end(d), d)) if dates else None


@dataclass(frozen=True)
class ProjectFacts:
    ref: NodeRef
    props: dict[str, Any]
    places: tuple[NodeRef, ...]  # LOCATED_IN, by id
    above: tuple[NodeRef, ...]  # every place it lies in, its own included, by id
    counties: tuple[NodeRef, ...]  # the county-level regions among them, by id
    segments: tuple[NodeRef, ...]
    chains: tuple[NodeRef, ...]
    investors: tuple[tuple[NodeRef, str], ...]  # (enterprise, enterprise_kind), by id
    owners: tuple[NodeRef, ...]
    events: tuple[EventFacts, ...] = field(default=())  # status events in pipeline order, then periods

    @property
    def county(self) -> NodeRef | None:
        return self.counties[0] if self.counties else None

    def status(self, as_of: str | None = None) -> str | None:
        if as_of is None:
            return self.props.get("status")
        return status_at(self.props.get("status_timeline"), as_of)

    def exists(self, as_of: str | None) -> bool:
        """Whether the sources had it by ``as_of`` (always, without a day)."""
        return as_of is None or self.status(as_of) is not None

    def cny(self, as_of: str | None = None) -> int:
        """Its total investment in 元 (known on ``as_of``); 0 for other currencies or none known."""
        if as_of is not None:
            return investment_at(self.props.get("investment_timeline"), as_of)
        if self.props.get("currency", Currency.CNY.value) != Currency.CNY.value:
            return 0
        return int(self.props.get("total_investment") or 0)

    def status_events(self) -> list[EventFacts]:
        return [e for e in self.events if e.event is EventKind.STATUS]

    def investment_events(self) -> list[EventFacts]:
        return [e for e in self.events if e.event is EventKind.INVESTMENT]

    def actual_to_date(self, as_of: str | None = None, *, reported: bool = True) -> int | None:
        """Actual investment to date (module docstring); None when none is recorded. With
        ``reported=False`` a period counts from its end, however late it was reported."""
        recorded = [e for e in self.investment_events() if e.actual_investment is not None]
        if not recorded:
            return None
        total = 0
        for event in recorded:
            if as_of is not None:
                if Period.parse(str(event.period)).end > as_of:
                    continue
                when = event.reported
                if reported and when is not None and day_end(when) > as_of:
                    continue
            total += int(event.actual_investment or 0)
        return total

    def status_event(self, status: ProjectStatus) -> EventFacts | None:
        return next((e for e in self.events if e.status is status), None)


@dataclass(frozen=True)
class EnterpriseFacts:
    ref: NodeRef
    enterprise_kind: str
    above: tuple[NodeRef, ...]
    counties: tuple[NodeRef, ...]
    segments: tuple[NodeRef, ...]
    chains: tuple[NodeRef, ...]
    projects: tuple[str, ...]  # projects it invests in or builds, by id


# --- the embedded store ----------------------------------------------------------------------


def _out(graph: nx.MultiDiGraph[str], node: str, kind: EdgeKind) -> list[str]:
    return sorted({v for _, v, k in graph.out_edges(node, data="kind", default="") if k == kind.value})


def _in(graph: nx.MultiDiGraph[str], node: str, kind: EdgeKind) -> list[str]:
    return sorted({u for u, _, k in graph.in_edges(node, data="kind", default="") if k == kind.value})


def _above(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    """Places ``node`` lies in, walking up LOCATED_IN / PART_OF at most MAX_HOPS steps past its own."""
    seen = set(_out(graph, node, EdgeKind.LOCATED_IN))
    frontier = set(seen)
    for _ in range(MAX_HOPS):
        step = set()
        for place in frontier:
            for _, up, kind in graph.out_edges(place, data="kind", default=""):
                if kind in _UP and up not in seen and graph.nodes[up]["kind"] in _PLACES:
                    step.add(up)
        seen |= step
        frontier = step
    return sorted(seen)


def _counties(graph: nx.MultiDiGraph[str], places: Iterable[str]) -> list[str]:
    return [
        p for p in places if graph.nodes[p]["kind"] == NodeKind.REGION.value and graph.nodes[p].get("level") in _COUNTY
    ]


def _chains(graph: nx.MultiDiGraph[str], segments: list[str]) -> list[str]:
    return sorted({c for s in segments for c in _out(graph, s, EdgeKind.PART_OF)})


def projects_nx(graph: nx.MultiDiGraph[str], ids: Iterable[str]) -> dict[str, ProjectFacts]:
    """Facts of the given projects (ids that are no project are left out)."""
    out: dict[str, ProjectFacts] = {}
    for project in ids:
        attrs = graph.nodes.get(project)
        if attrs is None or attrs["kind"] != NodeKind.PROJECT.value:
            continue
        above = _above(graph, project)
        segments = _out(graph, project, EdgeKind.IN_SEGMENT)
        events = [_event_nx(graph, e) for e in _in(graph, project, EdgeKind.EVENT_OF)]
        out[project] = ProjectFacts(
            ref=node_ref(graph, project),
            props={k: v for k, v in attrs.items() if k != "kind"},
            places=tuple(node_ref(graph, p) for p in _out(graph, project, EdgeKind.LOCATED_IN)),
            above=tuple(node_ref(graph, p) for p in above),
            counties=tuple(node_ref(graph, p) for p in _counties(graph, above)),
            segments=tuple(node_ref(graph, s) for s in segments),
            chains=tuple(node_ref(graph, c) for c in _chains(graph, segments)),
            investors=tuple(
                (node_ref(graph, e), str(graph.nodes[e].get("enterprise_kind", "other")))
                for e in _in(graph, project, EdgeKind.INVESTS_IN)
            ),
            owners=tuple(node_ref(graph, o) for o in _in(graph, project, EdgeKind.HANDLES)),
            events=_ordered(events),
        )
    return out


def _event_nx(graph: nx.MultiDiGraph[str], event: str) -> EventFacts:
    attrs = graph.nodes[event]
    sources = []
    for _, source, edge in graph.out_edges(event, data=True):
        if edge.get("kind") == EdgeKind.CITES.value:
            src = graph.nodes[source]
            sources.append(SourceFacts(source, str(src.get("name", source)), src.get("date"), edge.get("evidence", "")))
    return _event(event, attrs, sorted(sources, key=lambda s: s.id))


def _event(event: str, attrs: dict[str, Any], sources: list[SourceFacts]) -> EventFacts:
    return EventFacts(
        id=event,
        event=EventKind(attrs["event"]),
        status=ProjectStatus(attrs["status"]) if attrs.get("status") else None,
        period=attrs.get("period"),
        date=attrs.get("date"),
        known_from=attrs.get("known_from"),
        reason=attrs.get("reason"),
        actual_investment=attrs.get("actual_investment"),
        planned_investment=attrs.get("planned_investment"),
        sources=tuple(sources),
    )


def _ordered(events: list[EventFacts]) -> tuple[EventFacts, ...]:
    def key(e: EventFacts) -> tuple[int, str, str]:
        if e.status is not None:
            return (0, f"{_ORDER[e.status.value]:02d}", e.id)
        period = Period.parse(str(e.period))
        return (1, period.start + period.end, e.id)

    return tuple(sorted(events, key=key))


def enterprises_nx(graph: nx.MultiDiGraph[str], ids: Iterable[str]) -> dict[str, EnterpriseFacts]:
    out: dict[str, EnterpriseFacts] = {}
    for enterprise in ids:
        attrs = graph.nodes.get(enterprise)
        if attrs is None or attrs["kind"] != NodeKind.ENTERPRISE.value:
            continue
        above = _above(graph, enterprise)
        segments = _out(graph, enterprise, EdgeKind.IN_SEGMENT)
        out[enterprise] = EnterpriseFacts(
            ref=node_ref(graph, enterprise),
            enterprise_kind=str(attrs.get("enterprise_kind", "other")),
            above=tuple(node_ref(graph, p) for p in above),
            counties=tuple(node_ref(graph, p) for p in _counties(graph, above)),
            segments=tuple(node_ref(graph, s) for s in segments),
            chains=tuple(node_ref(graph, c) for c in _chains(graph, segments)),
            projects=tuple(_out(graph, enterprise, EdgeKind.INVESTS_IN)),
        )
    return out


def scope_members_nx(graph: nx.MultiDiGraph[str], scope: str | None) -> tuple[ScopeRef, list[str], list[str]]:
    """The scope (default the home city) and its local projects and enterprises, by id."""
    ref, local = resolve_scope(graph, scope)
    projects = sorted(m for m in local if m.startswith(_PROJECT))
    enterprises = sorted(m for m in local if m.startswith(_ENTERPRISE))
    return ref, projects, enterprises


def chain_projects_nx(graph: nx.MultiDiGraph[str], chain: str) -> list[str]:
    """Projects in a segment of the chain, by id."""
    segments = _in(graph, chain, EdgeKind.PART_OF)
    return sorted(
        {
            p
            for s in segments
            for p in _in(graph, s, EdgeKind.IN_SEGMENT)
            if graph.nodes[p]["kind"] == NodeKind.PROJECT.value
        }
    )


# --- Neo4j ----------------------------------------------------------------------------------

_PLACE_STEPS = f"{cy.LOCATED_IN}|{cy.PART_OF}"
_ABOVE = f"""
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.LOCATED_IN}]->(own)
  OPTIONAL MATCH (own)-[:{_PLACE_STEPS}*0..{MAX_HOPS}]->(up) WHERE up:{cy.REGION} OR up:{cy.PARK}
  WITH DISTINCT up ORDER BY up.id
  RETURN collect(up {{.id, .name, .level, kind: [l IN labels(up) WHERE l <> '{cy.ENTITY}'][0]}}) AS above
}}
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.IN_SEGMENT}]->(s)
  WITH s ORDER BY s.id
  RETURN collect(s {{.id, .name}}) AS segments
}}
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.IN_SEGMENT}]->()-[:{cy.PART_OF}]->(c:{cy.CHAIN})
  WITH DISTINCT c ORDER BY c.id
  RETURN collect(c {{.id, .name}}) AS chains
}}"""

PROJECTS = f"""
UNWIND $ids AS id
MATCH (n:{cy.PROJECT} {{id: id}})
{_ABOVE}
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.LOCATED_IN}]->(p)
  WITH p ORDER BY p.id
  RETURN collect(p {{.id, .name}}) AS places
}}
CALL (n) {{
  OPTIONAL MATCH (e:{cy.ENTERPRISE})-[:{cy.INVESTS_IN}]->(n)
  WITH DISTINCT e ORDER BY e.id
  RETURN collect(e {{.id, .name, .enterprise_kind}}) AS investors
}}
CALL (n) {{
  OPTIONAL MATCH (o)-[:{EdgeKind.HANDLES.value}]->(n)
  WITH DISTINCT o ORDER BY o.id
  RETURN collect(o {{.id, .name}}) AS owners
}}
CALL (n) {{
  OPTIONAL MATCH (ev)-[:{EdgeKind.EVENT_OF.value}]->(n)
  OPTIONAL MATCH (ev)-[c:{cy.CITES}]->(src)
  WITH ev, src, c ORDER BY src.id
  WITH ev, collect(CASE WHEN src IS NULL THEN NULL ELSE
    {{id: src.id, name: src.name, date: src.date, evidence: c.evidence}} END) AS sources
  WITH ev, sources ORDER BY ev.id
  RETURN collect(CASE WHEN ev IS NULL THEN NULL ELSE {{props: properties(ev), sources: sources}} END) AS events
}}
RETURN n.id AS id, properties(n) AS props, places, above, segments, chains, investors, owners, events"""

ENTERPRISES = f"""
UNWIND $ids AS id
MATCH (n:{cy.ENTERPRISE} {{id: id}})
{_ABOVE}
CALL (n) {{
  OPTIONAL MATCH (n)-[:{cy.INVESTS_IN}]->(p)
  WITH DISTINCT p ORDER BY p.id
  RETURN collect(p.id) AS projects
}}
RETURN n.id AS id, n.name AS name, n.enterprise_kind AS enterprise_kind, above, segments, chains, projects"""

CHAIN_PROJECTS = f"""
MATCH (p:{cy.PROJECT})-[:{cy.IN_SEGMENT}]->()-[:{cy.PART_OF}]->(:{cy.CHAIN} {{id: $chain}})
RETURN DISTINCT p.id AS id ORDER BY id"""


def _place_refs(rows: list[dict[str, Any]]) -> tuple[tuple[NodeRef, ...], tuple[NodeRef, ...]]:
    above = tuple(cy.ref(r["id"], r["name"]) for r in rows)
    counties = tuple(
        cy.ref(r["id"], r["name"]) for r in rows if r["kind"] == NodeKind.REGION.value and r.get("level") in _COUNTY
    )
    return above, counties


def projects_cypher(execute: cy.Execute, ids: list[str]) -> dict[str, ProjectFacts]:
    """:func:`projects_nx` on Neo4j."""
    out: dict[str, ProjectFacts] = {}
    for row in execute(PROJECTS, {"ids": list(ids)}):
        props = dict(row["props"])
        props.pop("id", None)
        above, counties = _place_refs(row["above"])
        events = [
            _event(
                e["props"]["id"],
                e["props"],
                [SourceFacts(s["id"], s["name"] or s["id"], s["date"], s["evidence"] or "") for s in e["sources"]],
            )
            for e in row["events"]
        ]
        out[row["id"]] = ProjectFacts(
            ref=cy.ref(row["id"], props.get("name")),
            props=props,
            places=tuple(cy.refs(row["places"])),
            above=above,
            counties=counties,
            segments=tuple(cy.refs(row["segments"])),
            chains=tuple(cy.refs(row["chains"])),
            investors=tuple(
                (cy.ref(e["id"], e["name"]), str(e["enterprise_kind"] or "other")) for e in row["investors"]
            ),
            owners=tuple(cy.refs(row["owners"])),
            events=_ordered(events),
        )
    return dict(sorted(out.items()))


def enterprises_cypher(execute: cy.Execute, ids: list[str]) -> dict[str, EnterpriseFacts]:
    out: dict[str, EnterpriseFacts] = {}
    for row in execute(ENTERPRISES, {"ids": list(ids)}):
        above, counties = _place_refs(row["above"])
        out[row["id"]] = EnterpriseFacts(
            ref=cy.ref(row["id"], row["name"]),
            enterprise_kind=str(row["enterprise_kind"] or "other"),
            above=above,
            counties=counties,
            segments=tuple(cy.refs(row["segments"])),
            chains=tuple(cy.refs(row["chains"])),
            projects=tuple(row["projects"]),
        )
    return dict(sorted(out.items()))


def chain_projects_cypher(execute: cy.Execute, chain: str) -> list[str]:
    return [row["id"] for row in execute(CHAIN_PROJECTS, {"chain": chain})]


SCOPE_MEMBERS = f"""
UNWIND $places AS place
MATCH (m)-[:{cy.LOCATED_IN}]->(:{cy.ENTITY} {{id: place}})
WHERE m:{cy.PROJECT} OR m:{cy.ENTERPRISE}
RETURN DISTINCT m.id AS id ORDER BY id"""


def scope_members_cypher(execute: cy.Execute, scope: str | None) -> tuple[ScopeRef, list[str], list[str]]:
    """:func:`scope_members_nx` on Neo4j."""
    ref, places = cy.resolve_scope(execute, scope)
    ids = [row["id"] for row in execute(SCOPE_MEMBERS, {"places": places})]
    return ref, [i for i in ids if i.startswith(_PROJECT)], [i for i in ids if i.startswith(_ENTERPRISE)]
