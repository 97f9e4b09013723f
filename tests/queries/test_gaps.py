"""Gap analysis on the Dezhou graph (answers a reader can check) and on generated graphs (properties)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainkg.queries import chain_map, gaps
from chainkg.queries.errors import InvalidQuery, NotFound
from chainkg.schema.kinds import EdgeKind
from chainkg.schema.models import Enterprise, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.memory import MemoryStore
from tests.queries.generated import LOCAL_PLACES, Spec, build, specs

IC = "chain:集成电路"
TIANQU = "region:天衢新区"


def test_ic_chain_in_tianqu_covers_wafers_and_targets_through_youyan(dezhou: MemoryStore) -> None:
    result = dezhou.run(chain_map.QUERY, chain_map.Params(chain=IC, scope=TIANQU))
    by_name = {s.segment.name: s for s in result.segments}
    wafer, target = by_name["硅片"], by_name["溅射靶材"]
    assert wafer.covered and target.covered
    assert {e.name for e in wafer.enterprises} == {"山东有研半导体材料有限公司", "山东有研艾斯半导体材料有限公司"}
    assert [e.name for e in target.enterprises] == ["有研亿金新材料(山东)有限公司"]
    assert wafer.investment_cny == 8_000_000_000  # 18亿 + 62亿
    assert not by_name["光刻胶"].covered and not by_name["晶圆制造"].covered
    assert result.totals.investment_cny == 8_600_000_000
    assert [s.stage.order for s in result.segments] == sorted(s.stage.order for s in result.segments)


def test_ic_gaps_in_tianqu(dezhou: MemoryStore) -> None:
    result = dezhou.run(gaps.QUERY, gaps.Params(chain=IC, scope=TIANQU))
    assert {s.name for s in result.covered} == {"硅片", "溅射靶材", "集成电路设计", "封装测试"}
    fill = {g.segment.name for g in result.fill}
    assert {"光刻胶", "电子特气", "晶圆制造"} <= fill and "硅片" not in fill
    assert result.completeness.covered == 4 and result.completeness.total == 13
    assert result.completeness.index == pytest.approx(4 / 13, abs=1e-6)
    # 晶圆制造 sits between local suppliers (wafers, targets, design) and a local customer (packaging)
    assert result.fill[0].segment.name == "晶圆制造"
    assert [n.name for n in result.fill[0].path][:2] == ["晶圆制造", "封装测试"]
    # one packaging-and-test enterprise: weak
    assert "封装测试" in {g.segment.name for g in result.strengthen}
    # extension into a neighbouring chain: 高纯金属 (新材料) feeds the local 溅射靶材
    extend = {g.segment.name: g for g in result.extend}
    assert not extend["高纯金属"].in_chain and extend["高纯金属"].path[1].name == "溅射靶材"
    assert extend["晶圆制造"].in_chain


def test_stage_weighted_completeness(dezhou: MemoryStore) -> None:
    result = dezhou.run(gaps.QUERY, gaps.Params(chain=IC, scope=TIANQU))
    by_stage = result.completeness.by_stage
    expected = sum(c / t for c, t in by_stage.values()) / len(by_stage)
    assert result.completeness.stage_weighted == pytest.approx(expected, abs=1e-6)


def test_weak_rule_is_parameterised(dezhou: MemoryStore) -> None:
    strict = dezhou.run(gaps.QUERY, gaps.Params(chain=IC, scope=TIANQU, min_enterprises=3))
    loose = dezhou.run(gaps.QUERY, gaps.Params(chain=IC, scope=TIANQU, min_enterprises=1))
    assert len(strict.strengthen) == 4 and loose.strengthen == []
    share = dezhou.run(gaps.QUERY, gaps.Params(chain=IC, scope=TIANQU, min_enterprises=1, min_investment_share=0.2))
    # 硅片 holds 80 of 86亿; the others hold less than 20 %
    assert {g.segment.name for g in share.strengthen} == {"溅射靶材", "集成电路设计", "封装测试"}


def test_unknown_chain_and_scope_are_typed_errors(dezhou: MemoryStore) -> None:
    with pytest.raises(NotFound) as info:
        dezhou.run(gaps.QUERY, gaps.Params(chain="chain:集成电", scope=TIANQU))
    assert info.value.suggestions[0]["id"] == IC
    with pytest.raises(NotFound, match="region or park"):
        dezhou.run(gaps.QUERY, gaps.Params(chain=IC, scope="ent:有研科技集团有限公司"))


def test_graph_without_home_needs_a_scope() -> None:
    store = build(Spec(segments=[], feeds=[], enterprises=[], projects=[]))
    store.set_node_props({"region:本市": {"home": None}})
    with pytest.raises(InvalidQuery, match="home region"):
        store.run(gaps.QUERY, gaps.Params(chain="chain:链a"))
    assert store.run(gaps.QUERY, gaps.Params(chain="chain:链a", scope="region:本市"))


# --- properties on generated graphs ---------------------------------------------------------------

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _gaps(store: MemoryStore, scope: str | None = None) -> gaps.Result:
    result = store.run(gaps.QUERY, gaps.Params(chain="chain:链a", scope=scope, limit=500))
    return result


@SETTINGS
@given(spec=specs(), scope=st.sampled_from([None, *LOCAL_PLACES]))
def test_fill_and_covered_partition_the_chain(spec: Spec, scope: str | None) -> None:
    result = _gaps(build(spec), scope)
    covered = {s.id for s in result.covered}
    fill = {g.segment.id for g in result.fill}
    everything = {f"seg:环节{i}" for i in range(len(spec.segments))}
    assert covered | fill == everything and not covered & fill
    assert {g.segment.id for g in result.strengthen} <= covered
    assert all(g.segment.id not in covered for g in result.extend)
    assert result.completeness.covered == len(covered)


@SETTINGS
@given(spec=specs(), data=st.data())
def test_adding_a_local_enterprise_moves_a_segment_out_of_fill(spec: Spec, data: st.DataObject) -> None:
    store = build(spec)
    before = _gaps(store)
    if not before.fill:
        return
    target = data.draw(st.sampled_from([g.segment.id for g in before.fill]))
    newcomer = Enterprise(name="新来的企业")
    prov = [Provenance("src:gen")]
    store.write(
        Batch(
            nodes=[newcomer.to_record(prov)],
            edges=[
                make_edge(EdgeKind.IN_SEGMENT, newcomer.id, target, provenance=prov),
                make_edge(EdgeKind.LOCATED_IN, newcomer.id, data.draw(st.sampled_from(LOCAL_PLACES)), provenance=prov),
            ],
        )
    )
    after = _gaps(store)
    assert target not in {g.segment.id for g in after.fill}
    assert target in {s.id for s in after.covered}
    assert {g.segment.id for g in after.fill} == {g.segment.id for g in before.fill} - {target}


@SETTINGS
@given(spec=specs(), seed=st.integers(0, 10_000), scope=st.sampled_from([None, *LOCAL_PLACES]))
def test_results_do_not_depend_on_insertion_order(spec: Spec, seed: int, scope: str | None) -> None:
    ordered, shuffled = build(spec), build(spec, order_seed=seed)
    assert _gaps(ordered, scope) == _gaps(shuffled, scope)
    params = chain_map.Params(chain="chain:链a", scope=scope)
    assert ordered.run(chain_map.QUERY, params) == shuffled.run(chain_map.QUERY, params)
