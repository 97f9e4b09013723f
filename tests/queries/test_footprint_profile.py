"""SOE footprint and park/region profiles on the Dezhou graph."""

from __future__ import annotations

import json

from chainkg.queries import footprint, profile
from chainkg.store.memory import MemoryStore


def test_youyan_footprint_sums_its_projects(dezhou: MemoryStore) -> None:
    result = dezhou.run(footprint.QUERY, footprint.Params(group="ent:有研科技集团有限公司"))
    projects = {p.project.name: p.total_investment for p in result.projects}
    assert projects == {
        "山东有研集成电路用大尺寸硅材料规模化生产项目": 1_800_000_000,
        "山东有研艾斯12英寸硅片项目": 6_200_000_000,
        "有研亿金集成电路用高纯度靶材项目": 600_000_000,
    }
    assert result.total_investment_cny == 8_600_000_000 == sum(projects.values())
    levels = {s.enterprise.name: s.level for s in result.subsidiaries}
    assert levels["山东有研半导体材料有限公司"] == 2 and levels["有研新材料股份有限公司"] == 1
    ic = next(b for b in result.by_chain if b.key and b.key.name == "集成电路")
    assert (ic.projects, ic.investment_cny) == (3, 8_600_000_000)
    assert {b.status: b.projects for b in result.by_status} == {"投产": 1, "签约": 1, "在建": 1}


def test_footprint_follows_multi_level_subsidiaries(dezhou: MemoryStore) -> None:
    result = dezhou.run(footprint.QUERY, footprint.Params(group="ent:中国中信集团有限公司"))
    assert [(s.level, s.enterprise.name) for s in result.subsidiaries] == [
        (1, "中信国安信息产业股份有限公司"),
        (2, "鸿联九五集团"),
    ]
    assert [p.project.name for p in result.projects] == ["中信国安鸿联九五德州职场项目"]
    assert result.total_investment_cny == 50_000_000
    shallow = dezhou.run(footprint.QUERY, footprint.Params(group="ent:中国中信集团有限公司", max_depth=1))
    assert shallow.projects == []  # the investing subsidiary is two levels down


def test_foreign_currency_is_listed_not_summed(dezhou: MemoryStore) -> None:
    result = dezhou.run(profile.QUERY, profile.Params(place="park:德州经济技术开发区"))
    # 应急救援培训中心项目 is 3000万美元; the CNY total leaves it out
    assert result.investment_cny == sum(s.investment_cny for s in result.projects_by_status)


def test_profile_of_the_ic_materials_base(dezhou: MemoryStore) -> None:
    result = dezhou.run(profile.QUERY, profile.Params(place="park:天衢新区集成电路关键材料基地"))
    assert result.projects == 3 and result.investment_cny == 8_600_000_000
    assert result.enterprises == 3
    chains = {c.chain.name: c for c in result.chains}
    assert {s.name for s in chains["集成电路"].covered_segments} == {"硅片", "溅射靶材"}
    assert len(chains["集成电路"].top_gaps) == 3


def test_profile_of_tianqu(dezhou: MemoryStore) -> None:
    result = dezhou.run(profile.QUERY, profile.Params(place="region:天衢新区", top_gaps=2))
    assert [ld.name for ld in result.leaders] == ["英望科技(山东)有限公司"]
    assert "park:德州经济技术开发区" in {p.id for p in result.places}
    assert result.chains[0].completeness >= result.chains[-1].completeness
    json.dumps(result.model_dump(mode="json"), ensure_ascii=False)  # serialisable as the API will send it
