"""Recommendations: 以商招商 first, reasons and paths that prove them."""

from __future__ import annotations

from chainkg.queries import recommend
from chainkg.store.memory import MemoryStore

TIANQU = "region:天衢新区"


def test_sibling_of_a_present_subsidiary_ranks_above_an_unrelated_enterprise(dezhou: MemoryStore) -> None:
    result = dezhou.run(recommend.QUERY, recommend.Params(segment="seg:高纯金属", scope=TIANQU))
    assert not result.covered_here
    names = [c.enterprise.name for c in result.candidates]
    assert names.index("有研新材料股份有限公司") < names.index("宁波江丰电子材料股份有限公司")
    top = result.candidates[0]
    assert top.enterprise.name == "有研新材料股份有限公司" and top.group == 1
    assert "以商招商" in top.reasons[0]
    # the path walks the ownership tree to a subsidiary that is here, and to where it is
    assert top.path[0].id == "ent:有研新材料股份有限公司"
    assert top.path[-1].id in {"park:天衢新区集成电路关键材料基地", TIANQU}
    assert any(n.name == "有研亿金新材料(山东)有限公司" for n in top.path)
    unrelated = next(c for c in result.candidates if c.enterprise.name == "宁波江丰电子材料股份有限公司")
    assert unrelated.group == 0 and [n.id for n in unrelated.path] == [unrelated.enterprise.id, "seg:高纯金属"]


def test_local_and_present_enterprises_are_not_candidates(dezhou: MemoryStore) -> None:
    result = dezhou.run(recommend.QUERY, recommend.Params(segment="seg:硅片", scope=TIANQU))
    ids = {c.enterprise.id for c in result.candidates}
    assert "ent:山东有研半导体材料有限公司" not in ids  # local
    assert "ent:日本rst株式会社" not in ids  # invests in a local project: already present
    assert result.covered_here
    assert "ent:有研科技集团有限公司" in {g.id for g in result.present_groups}


def test_without_a_present_group_the_record_decides(dezhou: MemoryStore) -> None:
    result = dezhou.run(recommend.QUERY, recommend.Params(segment="seg:溅射靶材", scope="region:临邑县"))
    assert all(c.group == 0 for c in result.candidates)
    assert result.candidates == sorted(result.candidates, key=lambda c: (-c.score, c.enterprise.id))
    assert result.candidates[0].enterprise.name == "有研亿金新材料(山东)有限公司"  # it has an investment record


def test_weights_change_the_ranking(dezhou: MemoryStore) -> None:
    params = recommend.Params(segment="seg:高纯金属", scope=TIANQU, w_group=0)
    result = dezhou.run(recommend.QUERY, params)
    scores = {c.enterprise.name: c.score for c in result.candidates}
    assert scores["有研新材料股份有限公司"] == scores["宁波江丰电子材料股份有限公司"]
