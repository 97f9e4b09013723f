"""Structure the extractor reads across sentences and clauses (issue 18, fourth round): amounts stated
after an announcement's project, descriptions and components that are not projects, respectively-lists,
names across a space or with a product in brackets, lists typed by a described trailer."""

from __future__ import annotations

import pytest

from chainkg.loaders.news.candidates import FileResult, ProjectCandidate
from chainkg.loaders.news.loader import extract_article
from chainkg.loaders.news.mentions import Gazetteer, find_amounts
from chainkg.loaders.news.text import parse_article
from chainkg.store.memory import MemoryStore


@pytest.fixture(scope="module")
def gazetteer(dezhou: MemoryStore) -> Gazetteer:
    return Gazetteer.from_store(dezhou)


def projects(gazetteer: Gazetteer, body: str) -> dict[str, ProjectCandidate]:
    article = parse_article(f"新闻标题\n来源:德州新闻网 2024-05-06\n{body}\n".encode(), "a.txt")
    result: FileResult = extract_article(article, gazetteer, learned=False)  # the rules alone
    return {c.name: c for c in result.candidates if isinstance(c, ProjectCandidate)}


@pytest.mark.parametrize(
    "text", ["项目总投资估算为 16.93亿元,资金", "本次对外投资总金额预计为1.8亿元,其中", "项目投资共计19.9亿元,"]
)
def test_an_investment_label_may_carry_an_estimate_word(text: str) -> None:
    assert next(a.label for a in find_amounts(text)) == "invest"


def test_an_amount_stated_sentences_after_an_announcements_project_is_its_amount(gazetteer: Gazetteer) -> None:
    found = projects(
        gazetteer,
        "示例科技发布公告,公司拟在某市投资建设示例新材料生产基地项目。"
        "董事会审议通过了《关于投资建设示例新材料生产基地项目的议案》。"
        "根据公告显示,项目总投资15亿元,规划一期投资5亿元。",
    )
    assert found["示例新材料生产基地项目"].total_investment == 1_500_000_000


def test_a_facility_described_as_the_investment_is_a_project(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "据了解,东湖区示例循环经济产业园规划面积约2200亩,项目总投资20亿元,计划三年内建成。")
    assert found["东湖区示例循环经济产业园"].total_investment == 2_000_000_000


def test_a_description_after_a_project_is_not_another_project(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "总投资37亿元的示例矿坑修复改造项目,将打造成集健康、体育、休闲为一体的综合型旅游项目。")
    assert set(found) == {"示例矿坑修复改造项目"}


def test_a_sentence_about_the_project_before_names_its_components_not_projects(gazetteer: Gazetteer) -> None:
    found = projects(
        gazetteer,
        "与此同时,示例智能制造基地项目也正式开工。"
        "该项目计划总投资约2.1亿元,将建设总部办公楼、仓储基地,并续建示例渔光互补光伏项目。",
    )
    assert set(found) == {"示例智能制造基地项目"}
    assert found["示例智能制造基地项目"].total_investment == 210_000_000


def test_amounts_given_respectively_go_to_the_names_in_order(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "此外,总投资分别为11亿元、6亿元的示例养老项目和示例文旅村项目等已签约落户。")
    assert found["示例养老项目"].total_investment == 1_100_000_000
    assert found["示例文旅村项目"].total_investment == 600_000_000


def test_a_companys_name_with_its_product_in_brackets_names_the_project(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "总投资3.7亿元的示例重工有限公司(挖掘机)项目,投产后年营业额可达37亿元。")
    assert found["示例重工有限公司(挖掘机)项目"].total_investment == 370_000_000


def test_a_name_runs_across_a_space_between_latin_words(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "示例高科10GW TOPCON光伏电池生产基地项目在某市开工,总投资额约60亿元。")
    assert "示例高科10GW TOPCON光伏电池生产基地项目" in found


def test_a_list_typed_by_a_described_trailer_is_a_list_of_projects(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "既有示例绿色建材生产基地、示例孵化器基地等体现高质量发展要求的产业项目,也有民生工程。")
    assert {"示例绿色建材生产基地项目", "示例孵化器基地项目"} <= set(found)
    found = projects(
        gazetteer, "此外,示例低碳产业园、示例呼叫中心等一大批投资强度大、投资额度高的战略性新兴产业项目正在推进。"
    )
    assert {"示例低碳产业园项目", "示例呼叫中心项目"} <= set(found)  # 、 inside the trailer


def test_a_place_with_he_in_its_name_splits_no_list(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "示例机械公司东城区再生建材项目、示例药业公司西和县生物科技产业园项目成功签约。")
    assert not any(name.startswith("县") for name in found)
