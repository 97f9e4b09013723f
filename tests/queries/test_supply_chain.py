"""Upstream/downstream traversal and the local supporting rate."""

from __future__ import annotations

import pytest
from hypothesis import given
from pydantic import ValidationError

from chainkg.queries import supply_chain
from chainkg.queries.errors import NotFound
from chainkg.store.memory import MemoryStore
from tests.queries.generated import Spec, build, specs
from tests.queries.test_gaps import SETTINGS

YINGWANG = "ent:英望科技(山东)有限公司"


def test_phone_maker_upstream_in_tianqu(dezhou: MemoryStore) -> None:
    result = dezhou.run(supply_chain.QUERY, supply_chain.Params(node=YINGWANG, direction="upstream", depth=1))
    assert [s.name for s in result.start_segments] == ["智能终端制造"]
    direct = {s.segment.name: s for s in result.segments if s.distance == 1}
    assert set(direct) == {"印制电路板", "显示面板", "电子元器件", "锂电池", "封装测试"}
    assert [e.name for e in direct["封装测试"].local_suppliers] == ["威讯联合半导体(德州)有限公司"]
    assert result.local_supporting_rate == pytest.approx(1 / 5)
    assert {m.name for m in result.missing} >= {"印制电路板", "显示面板"}


def test_wafer_segment_downstream_reaches_other_chains(dezhou: MemoryStore) -> None:
    result = dezhou.run(supply_chain.QUERY, supply_chain.Params(node="seg:硅片", direction="downstream", depth=2))
    reached = {s.segment.name: s for s in result.segments}
    assert reached["硅片"].distance == 0 and reached["硅片"].has_local
    assert reached["光伏电池片"].distance == 1  # photovoltaics: another chain fed by the same wafers
    assert {c.name for c in reached["光伏电池片"].chains} == {"新能源"}
    assert all(s.direction == "downstream" for s in result.segments if s.distance)
    assert result.local_supporting_rate is None  # only enterprises and projects have one


def test_depth_is_capped_and_unknown_ids_are_typed() -> None:
    with pytest.raises(ValidationError):
        supply_chain.Params(node=YINGWANG, depth=supply_chain.MAX_DEPTH + 1)
    with pytest.raises(ValidationError):
        supply_chain.Params(node=YINGWANG, depth=0)


def test_unknown_node(dezhou: MemoryStore) -> None:
    with pytest.raises(NotFound) as info:
        dezhou.run(supply_chain.QUERY, supply_chain.Params(node="ent:英望科技"))
    assert YINGWANG in [s["id"] for s in info.value.suggestions]


@SETTINGS
@given(spec=specs())
def test_distances_are_shortest_and_within_depth(spec: Spec) -> None:
    import networkx as nx

    store = build(spec)
    result = store.run(supply_chain.QUERY, supply_chain.Params(node="seg:环节0", direction="downstream", depth=3))
    feeds = nx.DiGraph([(f"seg:环节{i}", f"seg:环节{j}") for i, j in spec.feeds])
    feeds.add_node("seg:环节0")
    expected = nx.single_source_shortest_path_length(feeds, "seg:环节0", cutoff=3)
    assert {s.segment.id: s.distance for s in result.segments} == expected
