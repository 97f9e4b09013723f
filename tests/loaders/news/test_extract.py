"""Extraction: projects with amounts, status and dates; aggregates; enterprises and their groups;
parks; what belongs together; names resolved against the Dezhou graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainkg.loaders.news.candidates import (
    AggregateCandidate,
    EnterpriseCandidate,
    FileOutcome,
    FileResult,
    ParkCandidate,
    ProjectCandidate,
    RelationCandidate,
)
from chainkg.loaders.news.loader import extract_article, extract_file, extract_files
from chainkg.loaders.news.mentions import Gazetteer, find_amounts
from chainkg.loaders.news.names import find_enterprises
from chainkg.loaders.news.text import parse_article
from chainkg.schema.kinds import Currency, ProjectStatus
from chainkg.schema.money import Money, parse_amount
from chainkg.store.memory import MemoryStore
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def gazetteer(dezhou: MemoryStore) -> Gazetteer:
    return Gazetteer.from_store(dezhou)


def run(gazetteer: Gazetteer, body: str, title: str = "新闻标题") -> FileResult:
    article = parse_article(f"{title}\n来源:德州新闻网 2024-05-06\n{body}\n".encode(), "a.txt")
    return extract_article(article, gazetteer, learned=False)  # the rules alone


def projects(result: FileResult) -> dict[str, ProjectCandidate]:
    return {c.name: c for c in result.candidates if isinstance(c, ProjectCandidate)}


def of_kind(result: FileResult, kind: type) -> list:
    return [c for c in result.candidates if isinstance(c, kind)]


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("总投资18亿元的", 1_800_000_000, Currency.CNY),
        ("投资8000万元建设", 80_000_000, Currency.CNY),
        ("计划投资1.2亿美元建设", 120_000_000, Currency.USD),
        ("拟投资3800万美元", 38_000_000, Currency.USD),
        ("将投资人民币5亿元", 500_000_000, Currency.CNY),
        ("总投资1100余亿元", 110_000_000_000, Currency.CNY),
        ("项目投资5亿,", 500_000_000, Currency.CNY),  # 亿 without 元, labelled as an investment
        ("总投资额达1,776.4亿元", 177_640_000_000, Currency.CNY),  # thousands separators
    ],
)
def test_amounts_are_normalised_to_the_base_unit(text: str, amount: int, currency: Currency) -> None:
    (found,) = find_amounts(text)
    assert (found.money.amount, found.money.currency) == (amount, currency)


@pytest.mark.parametrize(
    ("text", "amount"), [("1100余亿元", 110_000_000_000), ("10多亿元", 1_000_000_000), ("人民币5亿元", 500_000_000)]
)
def test_parse_amount_reads_the_forms_news_use(text: str, amount: int) -> None:
    assert parse_amount(text) == Money(amount, Currency.CNY)


def test_quantities_and_size_classes_are_not_amounts() -> None:
    assert find_amounts("年产10万吨隔膜,累计产值约50亿") == []
    (threshold,) = find_amounts("引进5个过5亿元项目")
    assert threshold.label == "threshold"


def test_project_with_amount_investor_and_park_belong_together(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "其中,山东示例新材料科技有限公司投资15亿元建设年产10万吨锂电池隔膜项目,项目选址平原经济开发区,建成后可实现年产值30亿元。",
        title="平原县重点项目集中签约",
    )
    project = projects(result)["年产10万吨锂电池隔膜项目"]
    assert (project.total_investment, project.currency) == (1_500_000_000, Currency.CNY)
    assert [i.name for i in project.investors] == ["山东示例新材料科技有限公司"]
    assert project.park is not None and project.park.name == "平原经济开发区"
    assert project.region is not None and project.region.node_id == "region:平原县"  # the region inside the park's name
    assert project.status is ProjectStatus.SIGNED and project.status_basis == "headline"
    (park,) = of_kind(result, ParkCandidate)
    assert park.region is not None and park.region.node_id == "region:平原县"


def test_aggregates_are_recorded_as_aggregates_not_projects(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "5月25日,集中签约暨开工活动在陵城区举行。现场集中签约项目9个,总投资57.3亿元。")
    assert projects(result) == {}
    (aggregate,) = of_kind(result, AggregateCandidate)
    assert (aggregate.count, aggregate.total_investment, aggregate.status) == (9, 5_730_000_000, ProjectStatus.SIGNED)
    assert result.outcome is FileOutcome.NO_PROJECTS


def test_a_list_of_projects_with_one_total_is_both_projects_and_an_aggregate(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "今年以来,京鲁数谷、沪江建筑、英望科技等19个项目成功签约,合同投资额158亿元。")
    found = projects(result)
    assert set(found) == {"京鲁数谷项目", "沪江建筑项目", "英望科技项目"}
    assert all(p.status is ProjectStatus.SIGNED and p.total_investment is None for p in found.values())
    assert found["英望科技项目"].node_id == "proj:英望科技智能手机及电子产品生产项目"  # an alias in the graph
    (aggregate,) = of_kind(result, AggregateCandidate)
    assert (aggregate.count, aggregate.total_investment, aggregate.measure) == (19, 15_800_000_000, "合同投资额")


def test_status_and_dates_distinguish_facts_from_plans(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "总投资7.5亿元的示例纺织二期项目于2024年3月18日开工,计划于2025年底建成投产。"
        "投资2亿元的示例物流中心项目即将开工建设。",
    )
    textile, logistics = projects(result)["示例纺织二期项目"], projects(result)["示例物流中心项目"]
    assert textile.status is ProjectStatus.STARTED
    assert textile.dates == {"start_date": "2024-03-18", "planned_production_date": "2025-12"}
    assert (logistics.status, logistics.status_basis) == (ProjectStatus.SIGNED, "plan")  # 即将开工: signed, not started


def test_relative_dates_use_the_article_year(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "该示例储能项目总投资11.5亿元,去年4月开工建设,11月5日正式投产。")
    (project,) = projects(result).values()
    assert project.dates == {"start_date": "2023-04", "production_date": "2024-11-05"}
    assert project.status is ProjectStatus.IN_PRODUCTION


def test_a_following_sentence_about_the_project_is_attached(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "在一批重大项目中,禹城市生物基新材料产业园项目最为引人注目。"
        "该项目由山东示例生物科技有限公司投资建设,总投资32亿元,6月28日已正式开工。",
    )
    (project,) = projects(result).values()
    assert project.total_investment == 3_200_000_000
    assert [i.name for i in project.investors] == ["山东示例生物科技有限公司"]
    assert (project.status, project.dates) == (ProjectStatus.STARTED, {"start_date": "2024-06-28"})


@pytest.mark.parametrize(
    ("sentence", "child", "parent", "stake"),
    [
        (
            "江苏示例重工集团旗下的平原示例智能装备有限公司计划投资6.8亿元。",
            "平原示例智能装备有限公司",
            "江苏示例重工集团",
            None,
        ),
        (
            "由央企中国示例装备集团控股的示例氢能(德州)有限公司投产。",
            "示例氢能(德州)有限公司",
            "中国示例装备集团",
            None,
        ),
        (
            "由上海示例控股集团全资上市公司示例新能源股份有限公司投资。",
            "示例新能源股份有限公司",
            "上海示例控股集团",
            100.0,
        ),
        (
            "山东示例石化有限公司是示例石化集团有限公司的全资子公司。",
            "山东示例石化有限公司",
            "示例石化集团有限公司",
            100.0,
        ),
    ],
)
def test_group_subsidiary_relations(
    gazetteer: Gazetteer, sentence: str, child: str, parent: str, stake: float | None
) -> None:
    (relation,) = of_kind(run(gazetteer, sentence), RelationCandidate)
    assert (relation.child.name, relation.parent.name, relation.stake_pct) == (child, parent, stake)


def test_a_group_named_with_its_subsidiary_is_not_an_investor(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "江苏示例重工集团旗下的平原示例智能装备有限公司投资6.8亿元建设智能物流装备项目。")
    (project,) = projects(result).values()
    assert [i.name for i in project.investors] == ["平原示例智能装备有限公司"]


def test_enterprise_full_names_and_short_names_are_one_enterprise(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "齐河县与宏琦精工股份有限公司签署投资协议。宏琦精工将在齐河投资1.2亿美元建设数控机床项目。")
    (enterprise,) = of_kind(result, EnterpriseCandidate)
    assert (enterprise.name, enterprise.aliases) == ("宏琦精工股份有限公司", ["宏琦精工"])
    (project,) = projects(result).values()
    assert [i.name for i in project.investors] == ["宏琦精工股份有限公司"]


def test_names_resolve_against_the_graph_by_alias(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer, "有研亿金是有研集团旗下的高纯金属材料企业,有研亿金高纯溅射靶材项目在天衢新区集成电路关键材料基地内。"
    )
    by_name = {c.name: c for c in of_kind(result, EnterpriseCandidate)}
    assert by_name["有研亿金"].node_id == "ent:有研亿金新材料(山东)有限公司"
    assert by_name["有研集团"].node_id == "ent:有研科技集团有限公司"
    (relation,) = of_kind(result, RelationCandidate)
    assert (relation.child.node_id, relation.parent.node_id) == (
        "ent:有研亿金新材料(山东)有限公司",
        "ent:有研科技集团有限公司",
    )
    (project,) = projects(result).values()
    assert project.node_id == "proj:有研亿金集成电路用高纯度靶材项目"
    assert project.park is not None and project.park.node_id == "park:天衢新区集成电路关键材料基地"


def test_words_that_end_like_names_are_not_names(gazetteer: Gazetteer) -> None:
    text = "该公司是行业龙头,集团在夏津的规模将进一步完善集团布局,旗下拥有12家子公司。"
    assert find_enterprises(text, gazetteer) == []
    assert projects(run(gazetteer, "坚持大项目招商,把精力向大项目集中,确保取得重大招商项目的突破。")) == {}


def test_an_article_without_projects_says_so(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "前三季度,德城区实现地区生产总值312.6亿元,同比增长5.9%。全区实际使用外资1.3亿美元。")
    assert result.outcome is FileOutcome.NO_PROJECTS
    assert result.message.startswith("no investment project found")
    assert [r.name for r in result.regions] == ["德城区"]


def test_every_candidate_quotes_sentences_of_the_article(gazetteer: Gazetteer) -> None:
    body = (
        "江苏示例重工集团旗下的平原示例智能装备有限公司投资6.8亿元建设智能物流装备项目。现场签约项目3个,总投资9亿元。"
    )
    result = run(gazetteer, body)
    assert {c.kind for c in result.candidates} == {"enterprise", "relation", "project", "aggregate"}
    assert all(sentence and sentence in body for c in result.candidates for sentence in c.evidence)
    assert all(c.source.key == result.source.key for c in result.candidates)  # type: ignore[union-attr]


def test_candidate_ids_are_stable(gazetteer: Gazetteer) -> None:
    body = "山东示例纺织有限公司投资5亿元建设高端面料项目。"
    first, second = run(gazetteer, body), run(gazetteer, body)
    assert [c.id for c in first.candidates] == [c.id for c in second.candidates]


def test_bad_files_are_rejected_with_a_message(gazetteer: Gazetteer, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for path, message in ((empty, "the file is empty"), (tmp_path / "none.txt", "no such file")):
        result = extract_file(path, gazetteer)
        assert (result.outcome, result.message) == (FileOutcome.REJECTED, message)
    (folder := tmp_path / "folder").mkdir()
    (result,) = extract_files([folder], MemoryStore()).files
    assert result.outcome is FileOutcome.REJECTED and result.message.startswith("a directory with no article files")


needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not in this checkout")


@needs_seeds
def test_seed_003_base_is_an_aggregate_and_its_projects_are_projects(gazetteer: Gazetteer) -> None:
    result = extract_file(SEEDS / "003_2cf879dc9ce0f8b1.txt", gazetteer)
    found = projects(result)
    assert {n: p.total_investment for n, p in found.items() if p.total_investment} == {
        "英望科技智能手机及电子产品生产项目": 500_000_000,
        "有研亿金集成电路用高纯度靶材项目": 600_000_000,
        "山东有研8英寸硅片项目": 1_800_000_000,
        "山东有研艾斯12英寸硅片项目": 6_200_000_000,
    }
    assert 8_600_000_000 in {a.total_investment for a in of_kind(result, AggregateCandidate)}
    assert not any("关键材料基地" in name for name in found)  # the base is a park, not a project


@needs_seeds
def test_seed_000_groups_and_listed_subsidiaries(gazetteer: Gazetteer) -> None:
    result = extract_file(SEEDS / "000_69140ecd7f98e299.txt", gazetteer)
    relations = {(r.child.node_id, r.parent.node_id, r.stake_pct) for r in of_kind(result, RelationCandidate)}
    assert relations == {
        ("ent:北京易华录信息技术股份有限公司", "ent:中国华录集团有限公司", None),
        ("ent:中信国安信息产业股份有限公司", "ent:中国中信集团有限公司", 100.0),
        ("ent:鸿联九五集团", "ent:中信国安信息产业股份有限公司", None),
    }
    lake = projects(result)["鲁西北城市数据湖产业园项目"]
    assert (lake.total_investment, lake.dates["signed_date"]) == (2_000_000_000, "2018-08-31")


@needs_seeds
def test_seed_002_garbled_text_still_yields_its_projects(gazetteer: Gazetteer) -> None:
    found = projects(extract_file(SEEDS / "002_85ff54eba2222c35.txt", gazetteer))
    assert found["水溶性复合肥项目"].total_investment == 1_200_000_000
    assert found["化工设备融资租赁项目"].node_id == "proj:华鲁恒升化工设备融资租赁项目"
    assert found["液压机械项目"].status is ProjectStatus.NEGOTIATING


# --- enumerations and names without 项目 (issue 18) -----------------------------------------------


def test_amounts_written_before_each_listed_project_stay_with_it(gazetteer: Gazetteer) -> None:
    """总投资X亿元的A、Y亿元的B…: each amount belongs to the name after it, whatever the name ends in."""
    result = run(
        gazetteer,
        "今年以来重点项目进展顺利:投资40亿元的示例温泉小镇、12亿元的示例智造产业园以及示例光伏组件项目等签约落户;"
        "总投资8亿元的示例湿地度假村、3.5亿元的示例陶瓷博物馆群正在建设。",
    )
    found = {name.removesuffix("项目"): p for name, p in projects(result).items()}
    assert {k: v.total_investment for k, v in found.items()} == {
        "示例温泉小镇": 4_000_000_000,
        "示例智造产业园": 1_200_000_000,
        "示例光伏组件": None,
        "示例湿地度假村": 800_000_000,
        "示例陶瓷博物馆群": 350_000_000,
    }
    assert found["示例温泉小镇"].status is ProjectStatus.SIGNED
    assert found["示例湿地度假村"].status is ProjectStatus.UNDER_CONSTRUCTION
    assert of_kind(result, ParkCandidate) == []  # a park that is itself the investment is a project


def test_an_amount_before_a_counted_list_is_the_lists_total(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "该区总投资20亿元的示例花海小镇、示例民俗园和示例森林度假村三个项目成功签约。")
    found = projects(result)
    assert len(found) == 3 and all(p.total_investment is None for p in found.values())
    (aggregate,) = of_kind(result, AggregateCandidate)
    assert (aggregate.count, aggregate.total_investment) == (3, 2_000_000_000)


def test_a_header_list_reaches_over_commas_and_its_trailing_total_is_an_aggregate(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "配套项目3个:分别是位于示例高新区的示例热电联产、示例水库增容项目,示例供热管网改造项目,总投资9.6亿元。",
    )
    assert {n.removesuffix("项目") for n in projects(result)} == {"示例热电联产", "示例水库增容", "示例供热管网改造"}
    assert all(p.total_investment is None for p in projects(result).values())
    assert [a.total_investment for a in of_kind(result, AggregateCandidate)] == [960_000_000]


def test_a_project_beside_an_aggregate_in_one_sentence_is_kept(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "活动现场签约示例精密制造生产基地等12个项目,总投资35亿元。")
    assert set(projects(result)) == {"示例精密制造生产基地项目"}
    assert projects(result)["示例精密制造生产基地项目"].status is ProjectStatus.SIGNED
    assert [(a.count, a.total_investment) for a in of_kind(result, AggregateCandidate)] == [(12, 3_500_000_000)]


def test_works_named_with_gongcheng_and_generic_phrases(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "在示例分会场开工的示例江大桥改扩建工程,总投资18亿元。本次集中开工项目中,示例县两大重点项目进展顺利,"
        "全县大力开展招才引智工程。",
    )
    assert set(projects(result)) == {"示例江大桥改扩建工程"}
    assert projects(result)["示例江大桥改扩建工程"].total_investment == 1_800_000_000


def test_a_short_name_declared_in_brackets_is_the_same_project(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "示例新能源动力电池生产基地项目(以下简称“示例项目”)举行设备进场仪式。示例项目总投资约60亿元,规划用地800亩。",
    )
    (project,) = projects(result).values()
    assert project.total_investment == 6_000_000_000 and "示例项目" in project.aliases


def test_annual_spending_and_foreign_currencies_are_not_a_projects_total(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "示例乙烯一体化项目总投资300亿元,年度计划投资36亿元。示例港区码头项目年度计划投资5亿元。")
    amounts = {n: p.total_investment for n, p in projects(result).items()}
    assert amounts == {"示例乙烯一体化项目": 30_000_000_000, "示例港区码头项目": None}
    assert find_amounts("民间投资金额新台币1442亿元") == []


def test_records_and_numbered_items_name_their_project_and_its_builder(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "1.示例新材料产业园项目,建设单位:山东示例新材料有限公司,总投资12亿元。\n"
        "项目名称:示例智慧物流园;建设单位:示例物流集团;总投资:8.5亿元。",
    )
    found = projects(result)
    assert {n: p.total_investment for n, p in found.items()} == {
        "示例新材料产业园项目": 1_200_000_000,
        "示例智慧物流园": 850_000_000,
    }
    assert [i.name for i in found["示例智慧物流园"].investors] == ["示例物流集团"]


def test_the_amounts_of_listed_items_are_not_the_lists_total(gazetteer: Gazetteer) -> None:
    result = run(gazetteer, "其中,投资50亿元的示例汽车零部件产业园、投资30亿元的示例供应链基地两个项目签约落户。")
    assert sorted(p.total_investment for p in projects(result).values()) == [3_000_000_000, 5_000_000_000]
    assert of_kind(result, AggregateCandidate) == []


def test_respective_amounts_follow_the_order_of_the_list(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "今年已签约示例数据中心、示例智能制造产业园、示例文旅综合体3个项目,总投资45亿元,分别投资20亿元、15亿元、10亿元。",
    )
    amounts = {n.removesuffix("项目"): p.total_investment for n, p in projects(result).items()}
    assert amounts == {
        "示例数据中心": 2_000_000_000,
        "示例智能制造产业园": 1_500_000_000,
        "示例文旅综合体": 1_000_000_000,
    }
    assert [(a.count, a.total_investment) for a in of_kind(result, AggregateCandidate)] == [(3, 4_500_000_000)]


def test_names_that_name_nothing_need_a_party_or_a_price_before_them(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "开发区谋新项目、盯大项目、攻慢项目、啃难项目,以周为单位逐个项目盯前期,力促更多项目早开工。"
        "这些项目平均单个项目投资额5亿元。山东示例精工有限公司投资3亿元建设的轴承项目开工。"
        "项目建成后将形成示例设备项目公司和示例路灯项目公司。",
    )
    assert {n: p.total_investment for n, p in projects(result).items()} == {"轴承项目": 300_000_000}


def test_prices_written_before_items_stay_with_their_items(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "开工的项目分别是:山东示例硅业有限公司投资13.7亿元建设的年产3000吨示例单晶硅项目,"
        "示例能源股份公司投资2.6亿元建设的示例光伏设备制造项目。"
        "签约的有投资7亿元、年产整车10万辆的示例新能源汽车项目,投资5亿元的通和示例物流产业园项目等。",
    )
    assert {n: p.total_investment for n, p in projects(result).items()} == {
        "年产3000吨示例单晶硅项目": 1_370_000_000,
        "示例光伏设备制造项目": 260_000_000,
        "示例新能源汽车项目": 700_000_000,
        "通和示例物流产业园项目": 500_000_000,
    }


def test_an_ellipsis_ends_a_list_and_investing_groups_are_no_projects(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "投资80亿元的示例烯烃项目、投资50亿元的示例甲醇项目......一个个大项目、好项目次第展开、快速推进。"
        "开工的还有示例煤业集团、示例电力集团等央企投资建设的40万吨示例聚氯乙烯项目。",
    )
    assert set(projects(result)) == {"示例烯烃项目", "示例甲醇项目", "40万吨示例聚氯乙烯项目"}


def test_a_list_of_names_each_with_its_price_after_it(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "总投资达50亿元以上大项目有3个。其中,示例铁路南段总投资153亿元、示例文化生态园总投资80亿元、"
        "示例老工业区搬迁改造工程总投资68亿元。",
    )
    assert {n.removesuffix("项目"): p.total_investment for n, p in projects(result).items()} == {
        "示例铁路南段": 15_300_000_000,
        "示例文化生态园": 8_000_000_000,
        "示例老工业区搬迁改造工程": 6_800_000_000,
    }


def test_a_facility_head_after_an_activity_word_ends_a_name(gazetteer: Gazetteer) -> None:
    result = run(
        gazetteer,
        "现场签订示例市同威电子加速器辐照公共服务中心项目。总投资70亿元的示例酒城现代包装科技产业园项目由示例公司投资,"
        "也是示例市建设的首个沙漠大型风光基地和单体规模最大光伏项目。",
    )
    assert set(projects(result)) == {"示例市同威电子加速器辐照公共服务中心项目", "示例酒城现代包装科技产业园项目"}
