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


def test_without_a_present_group_leadership_decides(dezhou: MemoryStore) -> None:
    result = dezhou.run(recommend.QUERY, recommend.Params(segment="seg:溅射靶材", scope="region:临邑县"))
    assert all(c.group == 0 for c in result.candidates)
    assert result.candidates == sorted(result.candidates, key=lambda c: (-c.score, c.enterprise.id))
    top = result.candidates[0]
    assert (top.enterprise.name, top.rank) == ("宁波江丰电子材料股份有限公司", 1)
    assert any("环节龙头：全国第1位" in r for r in top.reasons) and top.leader == 1.0
    ranks = [c.rank for c in result.candidates if c.rank is not None]
    assert ranks[:3] == sorted(ranks[:3])  # the curated order of the segment's leaders
    # 有研亿金 (Dezhou, outside 临邑) keeps its investment record but no national rank
    yiijin = next(c for c in result.candidates if c.enterprise.name == "有研亿金新材料(山东)有限公司")
    assert yiijin.rank is None and yiijin.record > 0


def test_weights_change_the_ranking(dezhou: MemoryStore) -> None:
    params = recommend.Params(segment="seg:高纯金属", scope=TIANQU, w_group=0, w_leader=0, w_region=0)
    result = dezhou.run(recommend.QUERY, params)
    scores = {c.enterprise.name: c.score for c in result.candidates}
    assert scores["有研新材料股份有限公司"] == scores["宁波江丰电子材料股份有限公司"]


def test_a_group_present_here_puts_its_other_subsidiaries_first(dezhou: MemoryStore) -> None:
    """中国电气装备 has a member here (山东电工电气's 储能 project in 临邑): its subsidiaries lead the
    电网设备 candidates, ahead of higher-ranked leaders of other groups; each path reaches the peer."""
    result = dezhou.run(recommend.QUERY, recommend.Params(segment="seg:电网设备", limit=10))
    assert isinstance(result, recommend.Result)
    assert "ent:中国电气装备集团有限公司" in {g.id for g in result.present_groups}
    siblings = [c for c in result.candidates if c.group == 1]
    assert siblings and result.candidates[: len(siblings)] == siblings
    for c in siblings:
        assert "以商招商" in c.reasons[0] and "ent:中国电气装备集团有限公司" in {n.id for n in c.path}
    others = [c for c in result.candidates if c.group == 0]
    assert others and max(c.leader for c in others) >= max(c.leader for c in siblings)


def test_a_head_office_in_the_province_counts(dezhou: MemoryStore) -> None:
    """Region ties: a candidate whose head office is in 山东省 (the home city's province) scores it."""
    result = dezhou.run(recommend.QUERY, recommend.Params(segment="seg:煤化工", limit=30))
    assert isinstance(result, recommend.Result)
    near = [c for c in result.candidates if c.region == 1]
    assert near and all("总部位于山东省" in c.reasons for c in near)
    assert all(c.region == 0 for c in result.candidates if c not in near)
