"""Project ledger (项目台账): investment projects filtered, counted by status, sorted and paged.

Definition. Every Project node, kept when it passes every filter given (filters combine with AND):

- ``chain``: it has an IN_SEGMENT edge to a segment PART_OF that chain; ``segment``: to that segment;
- ``scope`` (a region or park id): it is *local* there — LOCATED_IN a place the scope covers, as in
  :mod:`chainkg.queries.common`. No scope means no place filter (like the enterprise listing);
- ``statuses``: its status is one of them (a project with no known status passes only when no
  status is asked for);
- ``date_from`` / ``date_to``: its **status date** — the date it reached its current status
  (``signed_date`` for 签约 …, see :class:`chainkg.schema.kinds.ProjectStatus`), else the date of the
  source stating the status (``status_as_of``) — lies in the range. Dates keep the precision their
  sources give (``2023``, ``2023-05``, ``2023-05-18``); a partial date is compared on the digits it
  has, so ``2023-05`` lies in a range from ``2023-05-20``. A project with no status date fails any
  date bound;
- ``min_investment`` / ``max_investment`` (元): its total investment, in 元, lies in the range; a
  project in another currency or with no known investment fails any amount bound;
- ``text``: its normalised name or alias/简称 contains the normalised text.

**Counts** over every match (not only the page): ``total``, ``investment_cny`` (the CNY total
investment, each project once) and ``by_status`` (projects and CNY investment per status, in
pipeline order 洽谈 → 投产, unknown status last as 未知).

**Order**: ``sort`` by ``date`` (status date), ``investment`` (CNY total investment), ``name``,
``status`` (pipeline order) or ``id``; ``descending`` reverses it. Projects without the sort value
come last either way; ties are broken by id (ascending). The page is ``limit`` items (at most 200;
0 gives only the counts) from ``offset``.

Each item: the project, its status and status date, total investment and currency, its segments,
the chains of those segments, the places it is LOCATED_IN and its investors (INVESTS_IN, any role),
each list by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal

import networkx as nx
from pydantic import BaseModel, Field, model_validator

from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef, chain_segments, node_ref, require, segment_chains
from chainkg.queries.cypher import common as cy
from chainkg.queries.params import CHAIN, PLACE, SEGMENT
from chainkg.schema.kinds import Currency, EdgeKind, NodeKind, ProjectStatus
from chainkg.schema.models import PartialDate
from chainkg.schema.normalize import normalize_name
from chainkg.store.graph_tables import node_table
from chainkg.store.nx_index import cached, cached_per_scope, located_in_places, members_by_segment, nodes_of_kind

__all__ = [
    "CYPHER",
    "MAX_PAGE",
    "QUERY",
    "SORTS",
    "UNKNOWN_STATUS",
    "Params",
    "Prepared",
    "ProjectItem",
    "Result",
    "Row",
    "StatusCount",
    "run_cypher",
    "run_networkx",
    "select",
    "status_date",
]

#: Most items one page holds.
MAX_PAGE = 200
#: How a project with no known status is counted in ``by_status``.
UNKNOWN_STATUS = "未知"
#: The orders a ledger can be sorted in.
SORTS = ("date", "investment", "name", "status", "id")
Sort = Literal["date", "investment", "name", "status", "id"]


class Params(BaseModel):
    chain: Annotated[str | None, CHAIN] = Field(
        default=None, description="only projects in this chain / 产业链", examples=["chain:集成电路"]
    )
    segment: Annotated[str | None, SEGMENT] = Field(
        default=None, description="only projects in this segment / 环节", examples=["seg:硅片"]
    )
    scope: Annotated[str | None, PLACE] = Field(
        default=None,
        description="only projects local to this region or park / 区域或园区",
        examples=["region:天衢新区"],
    )
    statuses: list[ProjectStatus] | None = Field(default=None, description="only these statuses / 项目状态")
    date_from: PartialDate | None = Field(
        default=None, description="status date on or after (YYYY[-MM[-DD]]) / 状态日期起", examples=["2023-01-01"]
    )
    date_to: PartialDate | None = Field(
        default=None, description="status date on or before (YYYY[-MM[-DD]]) / 状态日期止", examples=["2023-12-31"]
    )
    min_investment: int | None = Field(
        default=None, ge=0, le=10**15, description="total investment at least, 元 / 总投资下限（元）"
    )
    max_investment: int | None = Field(
        default=None, ge=0, le=10**15, description="total investment at most, 元 / 总投资上限（元）"
    )
    text: str | None = Field(default=None, max_length=100, description="name or 简称 contains / 名称或简称包含")
    sort: Sort = Field(default="date", description="order by date, investment, name, status or id / 排序")
    descending: bool = Field(default=True, description="largest or latest first / 降序")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="items to skip / 跳过条数")
    limit: int = Field(default=50, ge=0, le=MAX_PAGE, description="items per page, 0: counts only / 每页条数")

    @model_validator(mode="after")
    def _ranges(self) -> Params:
        if (
            self.date_from
            and self.date_to
            and self.date_from[: len(self.date_to)] > self.date_to[: len(self.date_from)]
        ):
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        if (
            self.min_investment is not None
            and self.max_investment is not None
            and self.min_investment > self.max_investment
        ):
            raise ValueError(f"min_investment {self.min_investment} is above max_investment {self.max_investment}")
        return self


class StatusCount(BaseModel):
    status: str = Field(description="a pipeline status, or 未知 / 状态")
    projects: int
    investment_cny: int = Field(description="CNY total investment of those projects, 元")


class ProjectItem(NodeRef):
    status: ProjectStatus | None = Field(description="current status / 当前状态")
    status_date: str | None = Field(description="date the current status was reached / 状态日期")
    total_investment: int | None = Field(description="总投资, in the currency's base unit")
    currency: Currency
    segments: list[NodeRef] = Field(description="所属环节")
    chains: list[NodeRef] = Field(description="所属产业链")
    places: list[NodeRef] = Field(description="regions and parks it is located in / 所在地")
    investors: list[NodeRef] = Field(description="投资方/建设主体")


class Result(BaseModel):
    items: list[ProjectItem]
    total: int = Field(description="projects matching the filters / 符合条件的项目数")
    investment_cny: int = Field(description="CNY total investment of every match, 元 / 总投资合计")
    by_status: list[StatusCount] = Field(description="every match counted per status / 分状态统计")
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Row:
    """What filtering and ordering need of one project (both twins build these; :func:`select` applies
    the definition once for both stores)."""

    id: str
    name: str
    keys: tuple[str, ...]
    status: str | None
    date: str | None
    total_investment: int | None
    currency: str
    #: The total investment when it is in 元 (None otherwise): what amount filters and sums use.
    cny: int | None


def status_date(attrs: dict[str, Any]) -> str | None:
    """The date the project reached its current status, else the date of the source stating it."""
    status = attrs.get("status")
    if status in _STATUSES:
        reached = attrs.get(ProjectStatus(status).date_field)
        if reached:
            return str(reached)
    as_of = attrs.get("status_as_of")
    return str(as_of) if as_of else None


_STATUSES = {s.value for s in ProjectStatus}
_STATUS_ORDER = {s.value: s.order for s in ProjectStatus}
#: Project properties a row is made of (the Cypher twin fetches exactly these).
ROW_FIELDS = (
    "name",
    "keys",
    "status",
    "status_as_of",
    "total_investment",
    "currency",
    *(s.date_field for s in ProjectStatus),
)


def _row(node_id: str, attrs: dict[str, Any]) -> Row:
    name = attrs.get("name") or node_id
    keys = attrs.get("keys") or [normalize_name(name)]
    currency = attrs.get("currency") or Currency.CNY.value
    total = attrs.get("total_investment")
    return Row(
        id=node_id,
        name=name,
        keys=tuple(keys),
        status=attrs.get("status"),
        date=status_date(attrs),
        total_investment=total,
        currency=currency,
        cny=total if currency == Currency.CNY.value else None,
    )


def _in_range(date: str | None, low: str | None, high: str | None) -> bool:
    if low is None and high is None:
        return True
    if date is None:
        return False
    if low is not None and date[: len(low)] < low[: len(date)]:
        return False
    return not (high is not None and date[: len(high)] > high[: len(date)])


class Prepared:
    """The projects that passed the graph filters (chain, segment, scope), ready for :func:`select`:
    in id order, counted per status, and each order asked for kept once it is made.

    The embedded store keeps one per graph version and filter combination (a dashboard asks for
    every chain's counts in one scope on every view); the Cypher twin makes one per call.
    """

    __slots__ = ("buckets", "orders", "rows")

    def __init__(self, rows: Iterable[Row]):
        self.rows: tuple[Row, ...] = tuple(sorted(rows, key=lambda r: r.id))
        self.buckets: dict[str, list[int]] = _count(self.rows)
        self.orders: dict[tuple[str, bool], tuple[Row, ...]] = {}

    def ordered(self, sort: str, descending: bool) -> tuple[Row, ...]:
        key = (sort, descending)
        found = self.orders.get(key)
        if found is None:
            found = self.orders.setdefault(key, tuple(_ordered(list(self.rows), sort, descending)))
        return found


def _count(rows: Iterable[Row]) -> dict[str, list[int]]:
    """status (or 未知) → [projects, CNY investment]."""
    buckets: dict[str, list[int]] = {}
    for row in rows:
        bucket = buckets.setdefault(row.status if row.status in _STATUSES else UNKNOWN_STATUS, [0, 0])
        bucket[0] += 1
        bucket[1] += row.cny or 0
    return buckets


def select(prepared: Prepared, params: Params) -> tuple[list[Row], int, int, list[StatusCount]]:
    """Apply the row filters (status, date, amount, text), count, order and cut the page: (page,
    total, CNY investment, by status) over the rows that passed the graph filters."""
    statuses = {s.value for s in params.statuses} if params.statuses else None
    text = normalize_name(params.text) if params.text else ""
    amount = params.min_investment is not None or params.max_investment is not None
    dated = params.date_from is not None or params.date_to is not None

    def keep(row: Row) -> bool:
        if statuses is not None and row.status not in statuses:
            return False
        if dated and not _in_range(row.date, params.date_from, params.date_to):
            return False
        if amount:
            value = row.cny
            if value is None:
                return False
            if params.min_investment is not None and value < params.min_investment:
                return False
            if params.max_investment is not None and value > params.max_investment:
                return False
        return not text or any(text in key for key in row.keys)

    if not (dated or amount or text):  # the counts are the prepared ones, per status asked for
        buckets = {s: b for s, b in prepared.buckets.items() if statuses is None or s in statuses}
    else:
        buckets = _count(row for row in prepared.rows if keep(row))
    order = [s.value for s in ProjectStatus] + [UNKNOWN_STATUS]
    by_status = [
        StatusCount(status=s, projects=buckets[s][0], investment_cny=buckets[s][1]) for s in order if s in buckets
    ]
    total = sum(b[0] for b in buckets.values())
    investment = sum(b[1] for b in buckets.values())

    page: list[Row] = []
    if params.limit:
        wanted = params.offset + params.limit
        for row in prepared.ordered(params.sort, params.descending):
            if (statuses is None and not (dated or amount or text)) or keep(row):
                page.append(row)
                if len(page) == wanted:
                    break
        page = page[params.offset :]
    return page, total, investment, by_status


def _ordered(rows: list[Row], sort: str, descending: bool) -> list[Row]:
    """Rows (in id order) in the defined order: by the sort value (missing values last either way),
    ties by id."""
    if sort == "id":
        return rows[::-1] if descending else rows
    value = _SORT_VALUES[sort]
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=value, reverse=descending)  # stable in both directions: ties keep id order
    return present + missing


_SORT_VALUES: dict[str, Callable[[Row], Any]] = {
    "date": lambda r: r.date,
    "investment": lambda r: r.cny,
    "name": lambda r: r.name,
    "status": lambda r: _STATUS_ORDER.get(r.status) if r.status else None,
}


# --- networkx form -------------------------------------------------------------------------------


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    if params.segment is not None:
        require(graph, params.segment, (NodeKind.SEGMENT,), "segment")
    if params.chain is not None:
        require(graph, params.chain, (NodeKind.CHAIN,), "chain")
    if params.scope is not None:
        require(graph, params.scope, (NodeKind.REGION, NodeKind.PARK), "region or park")
    key = (params.chain, params.segment, params.scope)
    prepared = cached_per_scope(graph, "ledger", key, partial(_prepare, graph, *key))
    page, total, investment, by_status = select(prepared, params)
    return Result(
        items=[_item(graph, row) for row in page],
        total=total,
        investment_cny=investment,
        by_status=by_status,
        offset=params.offset,
        limit=params.limit,
    )


def _prepare(graph: nx.MultiDiGraph[str], chain: str | None, segment: str | None, scope: str | None) -> Prepared:
    """The projects passing the graph filters: the smallest filter's set, checked against the others."""
    narrowing: list[frozenset[str]] = []
    if segment is not None:
        narrowing.append(members_by_segment(graph).get(segment, (frozenset(), frozenset()))[1])
    if chain is not None:
        narrowing.append(cached(graph, ("chain_projects", chain), partial(_chain_projects, graph, chain)))
    if scope is not None:
        narrowing.append(located_in_places(graph, scope))
    rows = _rows(graph)
    if not narrowing:
        return Prepared(rows.values())
    smallest = min(narrowing, key=len)
    others = [s for s in narrowing if s is not smallest]
    return Prepared(rows[n] for n in smallest if n in rows and all(n in s for s in others))


def _rows(graph: nx.MultiDiGraph[str]) -> dict[str, Row]:
    """Every project's row, once per graph version."""

    def build() -> dict[str, Row]:
        nodes = node_table(graph)
        return {p: _row(p, nodes[p]) for p in nodes_of_kind(graph, NodeKind.PROJECT)}

    return cached(graph, "ledger_rows", build)


def _chain_projects(graph: nx.MultiDiGraph[str], chain: str) -> frozenset[str]:
    members = members_by_segment(graph)
    return frozenset().union(*(members.get(s, (frozenset(), frozenset()))[1] for s in chain_segments(graph, chain)))


def _item(graph: nx.MultiDiGraph[str], row: Row) -> ProjectItem:
    segments: set[str] = set()
    places: set[str] = set()
    for _, target, kind in graph.out_edges(row.id, data="kind", default=""):
        if kind == EdgeKind.IN_SEGMENT.value:
            segments.add(target)
        elif kind == EdgeKind.LOCATED_IN.value:
            places.add(target)
    investors = {u for u, _, k in graph.in_edges(row.id, data="kind", default="") if k == EdgeKind.INVESTS_IN.value}
    chains = sorted({c for s in segments for c in segment_chains(graph, s)})
    return _make_item(
        row,
        [node_ref(graph, s) for s in sorted(segments)],
        [node_ref(graph, c) for c in chains],
        [node_ref(graph, p) for p in sorted(places)],
        [node_ref(graph, e) for e in sorted(investors)],
    )


def _make_item(
    row: Row, segments: list[NodeRef], chains: list[NodeRef], places: list[NodeRef], investors: list[NodeRef]
) -> ProjectItem:
    return ProjectItem(
        id=row.id,
        kind=NodeKind.PROJECT,
        name=row.name,
        status=ProjectStatus(row.status) if row.status in _STATUSES else None,
        status_date=row.date,
        total_investment=row.total_investment,
        currency=Currency(row.currency),
        segments=segments,
        chains=chains,
        places=places,
        investors=investors,
    )


# --- Cypher twin -------------------------------------------------------------------------------

_FIELDS = ", ".join(f".{f}" for f in ROW_FIELDS)

#: Each graph filter as a Cypher condition on ``p``, and where ``rows`` starts from it: a segment's
#: projects, a chain's, a scope's located projects (else every project); the other filters are tested
#: on each project found.
_FILTERS = {
    "segment": (f"(p)-[:{cy.IN_SEGMENT}]->(:{cy.SEGMENT} {{id: $segment}})", ""),
    "chain": (f"(p)-[:{cy.IN_SEGMENT}]->(:{cy.SEGMENT})-[:{cy.PART_OF}]->(:{cy.CHAIN} {{id: $chain}})", ""),
    "scope": (f"(p)-[:{cy.LOCATED_IN}]->(:{cy.ENTITY} {{id: place_id}})", "UNWIND $places AS place_id\n"),
}


def _rows_statement(given: list[str]) -> str:
    """``rows`` for the graph filters given (in :data:`_FILTERS` order), started from the first."""
    pattern, unwind = _FILTERS[given[0]] if given else ("(p)", "")
    pattern = pattern.replace("(p)", f"(p:{cy.PROJECT})", 1)
    tests = [cy.local("p") if f == "scope" else f"EXISTS {{ {_FILTERS[f][0]} }}" for f in given[1:]]
    where = f" WHERE {' AND '.join(tests)}" if tests else ""
    return f"{unwind}MATCH {pattern}\nWITH DISTINCT p{where}\nRETURN collect([p.id, p {{{_FIELDS}}}]) AS rows"


#: The Cypher twin: ``rows`` (:func:`_rows_statement`) fetches the projects passing the graph filters (chain, segment,
#: scope) with the properties a :class:`Row` needs; :func:`select` applies the rest of the definition; then
#: ``items`` describes the page's projects.
CYPHER = {
    "items": f"""
UNWIND $ids AS id
MATCH (p:{cy.PROJECT} {{id: id}})
RETURN p.id AS id,
  COLLECT {{ MATCH (p)-[:{cy.IN_SEGMENT}]->(s) WITH DISTINCT s ORDER BY s.id RETURN s {{.id, .name}} }} AS segments,
  COLLECT {{ MATCH (p)-[:{cy.IN_SEGMENT}]->()-[:{cy.PART_OF}]->(c:{cy.CHAIN})
             WITH DISTINCT c ORDER BY c.id RETURN c {{.id, .name}} }} AS chains,
  COLLECT {{ MATCH (p)-[:{cy.LOCATED_IN}]->(x) WITH DISTINCT x ORDER BY x.id RETURN x {{.id, .name}} }} AS places,
  COLLECT {{ MATCH (e)-[:{cy.INVESTS_IN}]->(p) WITH DISTINCT e ORDER BY e.id RETURN e {{.id, .name}} }} AS investors""",
}


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    """The Cypher twin of :func:`run_networkx`."""
    places = None
    if params.segment is not None:
        cy.require(execute, params.segment, (NodeKind.SEGMENT,), "segment")
    if params.chain is not None:
        cy.require(execute, params.chain, (NodeKind.CHAIN,), "chain")
    if params.scope is not None:
        cy.require(execute, params.scope, (NodeKind.REGION, NodeKind.PARK), "region or park")
        places = cy.places_of(execute, params.scope)
    args = {"segment": params.segment, "chain": params.chain, "places": places}
    given = [f for f in _FILTERS if (places if f == "scope" else args[f]) is not None]
    (found,) = execute(_rows_statement(given), args)
    rows = Prepared(_row(node_id, props) for node_id, props in found["rows"])
    page, total, investment, by_status = select(rows, params)
    details = {r["id"]: r for r in execute(CYPHER["items"], {"ids": [row.id for row in page]})} if page else {}
    items = [
        _make_item(
            row,
            cy.refs(details[row.id]["segments"]),
            cy.refs(details[row.id]["chains"]),
            cy.refs(details[row.id]["places"]),
            cy.refs(details[row.id]["investors"]),
        )
        for row in page
    ]
    return Result(
        items=items,
        total=total,
        investment_cny=investment,
        by_status=by_status,
        offset=params.offset,
        limit=params.limit,
    )


QUERY: Query[Params, Result] = Query(
    name="project_ledger",
    summary="Project ledger / 项目台账",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command=None,
)
