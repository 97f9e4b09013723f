"""The project ledger against its definition: a plain walk over every project of the Dezhou graph,
applying each filter literally, gives the same projects, counts, sums and order for drawn params."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainkg.queries import ledger
from chainkg.queries.errors import NotFound
from chainkg.schema.kinds import Currency, EdgeKind, NodeKind, ProjectStatus
from chainkg.schema.normalize import normalize_name
from chainkg.store.memory import MemoryStore
from chainkg.store.nx_index import nodes_of_kind, places_under


def _reference(store: MemoryStore, params: ledger.Params) -> tuple[list[str], int, int, dict[str, int]]:
    """(page ids, total, CNY investment, projects per status) by the definition, with no index."""
    graph = store.graph
    kept = []
    for project in sorted(n for n, a in graph.nodes(data=True) if a["kind"] == NodeKind.PROJECT.value):
        attrs = graph.nodes[project]
        out = [(v, k) for _, v, k in graph.out_edges(project, data="kind")]
        segments = {v for v, k in out if k == EdgeKind.IN_SEGMENT.value}
        if params.segment and params.segment not in segments:
            continue
        if params.chain:
            chains = {c for s in segments for _, c, k in graph.out_edges(s, data="kind") if k == EdgeKind.PART_OF.value}
            if params.chain not in chains:
                continue
        if params.scope and not {v for v, k in out if k == EdgeKind.LOCATED_IN.value} & places_under(
            graph, params.scope
        ):
            continue
        status = attrs.get("status")
        if params.statuses and status not in {s.value for s in params.statuses}:
            continue
        date = attrs.get(ProjectStatus(status).date_field) if status else None
        date = date or attrs.get("status_as_of")
        for bound, later in ((params.date_from, True), (params.date_to, False)):
            if bound is None:
                continue
            if date is None:
                break
            n = min(len(date), len(bound))
            if (date[:n] < bound[:n]) if later else (date[:n] > bound[:n]):
                break
        else:
            cny = attrs.get("total_investment") if attrs.get("currency", "CNY") == Currency.CNY.value else None
            if params.min_investment is not None or params.max_investment is not None:
                if cny is None:
                    continue
                if params.min_investment is not None and cny < params.min_investment:
                    continue
                if params.max_investment is not None and cny > params.max_investment:
                    continue
            if params.text and not any(normalize_name(params.text) in k for k in attrs.get("keys", [])):
                continue
            kept.append((project, attrs, date, cny))
    value = {
        "date": lambda r: r[2],
        "investment": lambda r: r[3],
        "name": lambda r: r[1]["name"],
        "status": lambda r: ProjectStatus(r[1]["status"]).order if r[1].get("status") else None,
        "id": lambda r: r[0],
    }[params.sort]
    present = sorted((r for r in kept if value(r) is not None), key=lambda r: r[0])
    present.sort(key=value, reverse=params.descending)
    missing = [r for r in kept if value(r) is None]
    order = present + missing
    if params.sort == "id" and params.descending:
        order = sorted(kept, key=lambda r: r[0], reverse=True)
    counts: dict[str, int] = {}
    for r in kept:
        key = r[1].get("status") or ledger.UNKNOWN_STATUS
        counts[key] = counts.get(key, 0) + 1
    page = [r[0] for r in order[params.offset : params.offset + params.limit]]
    return page, len(kept), sum(r[3] or 0 for r in kept), counts


@st.composite
def params(draw: st.DrawFn, store: MemoryStore) -> ledger.Params:
    graph = store.graph
    pick = lambda kind: st.one_of(st.none(), st.sampled_from(list(nodes_of_kind(graph, kind))))  # noqa: E731
    dates = st.one_of(st.none(), st.sampled_from(["2019", "2020-11", "2023-01", "2023-05-25", "2023-06-29", "2024"]))
    amounts = st.one_of(st.none(), st.sampled_from([0, 10**8, 5 * 10**8, 2 * 10**9, 10**10]))
    low, high = draw(dates), draw(dates)
    if low and high and low[: len(high)] > high[: len(low)]:
        low, high = high, low
    small, big = draw(amounts), draw(amounts)
    if small is not None and big is not None and small > big:
        small, big = big, small
    return ledger.Params(
        chain=draw(pick(NodeKind.CHAIN)),
        segment=draw(st.one_of(st.none(), st.sampled_from(["seg:硅片", "seg:溅射靶材", "seg:储能系统"]))),
        scope=draw(st.one_of(st.none(), pick(NodeKind.REGION), pick(NodeKind.PARK))),
        statuses=draw(st.one_of(st.none(), st.lists(st.sampled_from(list(ProjectStatus)), min_size=1, unique=True))),
        date_from=low,
        date_to=high,
        min_investment=small,
        max_investment=big,
        text=draw(st.one_of(st.none(), st.sampled_from(["有研", "项目", "硅片", "產業"]))),
        sort=draw(st.sampled_from(ledger.SORTS)),
        descending=draw(st.booleans()),
        offset=draw(st.sampled_from([0, 0, 3, 10])),
        limit=draw(st.sampled_from([0, 5, 50])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_ledger_is_its_definition(dezhou: MemoryStore, data: st.DataObject) -> None:
    p = data.draw(params(dezhou))
    result = dezhou.run(ledger.QUERY, p)
    page, total, investment, counts = _reference(dezhou, p)
    assert [i.id for i in result.items] == page
    assert result.total == total and result.investment_cny == investment
    assert {c.status: c.projects for c in result.by_status} == counts
    assert sum(c.investment_cny for c in result.by_status) == investment


def test_the_ledger_lists_everything_with_its_links(dezhou: MemoryStore) -> None:
    result = dezhou.run(ledger.QUERY, ledger.Params(chain="chain:集成电路", scope="region:天衢新区", sort="investment"))
    first = result.items[0]
    assert first.name == "山东有研艾斯12英寸硅片项目" and first.total_investment == 6_200_000_000
    assert {c.id for c in first.chains} >= {"chain:集成电路"}
    assert [s.id for s in first.segments] == ["seg:硅片"]
    assert first.investors and first.places
    assert [s.status for s in result.by_status] == sorted(
        (s.status for s in result.by_status), key=lambda s: [p.value for p in ProjectStatus].index(s)
    )


def test_partial_dates_fall_in_a_range_they_overlap(dezhou: MemoryStore) -> None:
    result = dezhou.run(ledger.QUERY, ledger.Params(date_from="2023-01-15", date_to="2023-01-20", limit=50))
    assert result.items and all(i.status_date and i.status_date.startswith("2023-01") for i in result.items)


@pytest.mark.parametrize(
    "values",
    [{"date_from": "2024", "date_to": "2023"}, {"min_investment": 5, "max_investment": 1}, {"limit": 201}],
)
def test_contradictory_params_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ledger.Params(**values)


def test_an_unknown_chain_is_not_found_with_suggestions(dezhou: MemoryStore) -> None:
    with pytest.raises(NotFound) as caught:
        dezhou.run(ledger.QUERY, ledger.Params(chain="chain:集成电"))
    assert any(s["id"] == "chain:集成电路" for s in caught.value.suggestions)
