"""Search, entity detail and explain-path on the Dezhou graph."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chainkg.queries import entity, explain, search
from chainkg.queries.errors import NotFound
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.store.memory import MemoryStore


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有研集团", "ent:有研科技集团有限公司"),  # 简称
        ("有研集團", "ent:有研科技集团有限公司"),  # traditional
        ("有研科技集团有限公司", "ent:有研科技集团有限公司"),
        ("有研科技集团有限責任公司", "ent:有研科技集团有限公司"),  # a near miss still finds it
        ("硅晶圆", "seg:硅片"),  # segment alias
        ("威讯", "ent:威讯联合半导体(德州)有限公司"),
        ("ＧＲＩＮＭ", "ent:有研科技集团有限公司"),  # full-width Latin
    ],
)
def test_search_finds_by_alias_partial_and_traditional(dezhou: MemoryStore, text: str, expected: str) -> None:
    result = dezhou.run(search.QUERY, search.Params(text=text))
    assert result.hits[0].id == expected


def test_search_ranking_is_deterministic_and_filtered(dezhou: MemoryStore) -> None:
    result = dezhou.run(search.QUERY, search.Params(text="有研", kinds=[NodeKind.PROJECT]))
    assert result.hits and all(h.kind is NodeKind.PROJECT for h in result.hits)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    again = dezhou.run(search.QUERY, search.Params(text="有研", kinds=[NodeKind.PROJECT]))
    assert again == result


def test_search_limits() -> None:
    with pytest.raises(ValidationError):
        search.Params(text="")
    with pytest.raises(ValidationError):
        search.Params(text="x", limit=51)


def test_entity_detail_with_sources_and_grouped_neighbours(dezhou: MemoryStore) -> None:
    result = dezhou.run(entity.QUERY, entity.Params(id="proj:山东有研集成电路用大尺寸硅材料规模化生产项目", limit=2))
    assert [s.source.id for s in result.sources] == ["src:seed-003", "src:seed-001", "src:seed-000"]  # newest first
    assert result.sources[2].claims == {"planned_production_date": "2020-12", "status": "在建"}
    groups = {(g.edge_kind, g.direction): g for g in result.neighbours}
    investors = groups[(EdgeKind.INVESTS_IN, "in")]
    assert investors.total == 3 and len(investors.items) == 2  # paged
    assert investors.items[0].sources[0].source == "src:seed-000"
    page2 = dezhou.run(entity.QUERY, entity.Params(id=result.node.id, edge_kind=EdgeKind.INVESTS_IN, offset=2, limit=2))
    assert [len(g.items) for g in page2.neighbours] == [1]
    assert "keys" not in result.properties and result.properties["status"] == "投产"


def test_source_detail_lists_what_it_states(dezhou: MemoryStore) -> None:
    result = dezhou.run(entity.QUERY, entity.Params(id="src:seed-004", edge_kind=EdgeKind.CITES, limit=100))
    (group,) = result.neighbours
    assert group.direction == "in" and group.total >= 12
    assert "chain:集成电路" in {i.node.id for i in group.items}


def test_unknown_entity(dezhou: MemoryStore) -> None:
    with pytest.raises(NotFound):
        dezhou.run(entity.QUERY, entity.Params(id="ent:不存在的公司"))


def test_explain_sibling_to_park(dezhou: MemoryStore) -> None:
    result = dezhou.run(explain.QUERY, explain.Params(source="ent:有研新材料股份有限公司", target="region:天衢新区"))
    assert result.length == 2
    assert [n.name for n in result.paths[0].nodes] == [
        "有研新材料股份有限公司",
        "有研亿金新材料(山东)有限公司",
        "天衢新区",
    ]
    first_hop = result.paths[0].hops[0]
    assert [e.kind for e in first_hop.edges] == [EdgeKind.SUBSIDIARY_OF]
    assert first_hop.edges[0].source == "ent:有研亿金新材料(山东)有限公司"  # stored direction kept


def test_explain_bounds(dezhou: MemoryStore) -> None:
    far = dezhou.run(
        explain.QUERY, explain.Params(source="ent:有研新材料股份有限公司", target="region:天衢新区", max_length=1)
    )
    assert far.paths == [] and far.length is None
    many = dezhou.run(explain.QUERY, explain.Params(source="chain:集成电路", target="chain:新能源", max_paths=2))
    assert len(many.paths) == 2 and many.length == 2
    assert many.paths == sorted(many.paths, key=lambda p: [n.id for n in p.nodes])
    with pytest.raises(ValidationError):
        explain.Params(source="chain:集成电路", target="chain:集成电路")
    with pytest.raises(NotFound):
        dezhou.run(explain.QUERY, explain.Params(source="src:seed-000", target="chain:集成电路"))
