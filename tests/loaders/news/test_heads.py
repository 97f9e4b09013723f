"""Names without 项目 (issue 18, sixth round): a facility priced right after its name, a list half of whose
items are facilities with a project's predicate after it, and the lists that are not of projects (officials at
a ceremony, places with their counts). The sentences are made up for the test."""

from __future__ import annotations

import pytest

from chainkg.loaders.news.candidates import FileResult, ProjectCandidate
from chainkg.loaders.news.loader import extract_article
from chainkg.loaders.news.mentions import Gazetteer
from chainkg.loaders.news.text import parse_article
from chainkg.store.memory import MemoryStore


@pytest.fixture(scope="module")
def gazetteer(dezhou: MemoryStore) -> Gazetteer:
    return Gazetteer.from_store(dezhou)


def projects(gazetteer: Gazetteer, body: str) -> dict[str, str | None]:
    """Project name → amount as written."""
    article = parse_article(f"新闻标题\n来源:德州新闻网 2024-05-06\n{body}\n".encode(), "a.txt")
    result: FileResult = extract_article(article, gazetteer, learned=False)  # the rules alone
    return {c.name: c.amount_text for c in result.candidates if isinstance(c, ProjectCandidate)}


def test_a_facility_priced_right_after_its_name_is_a_project(gazetteer: Gazetteer) -> None:
    body = "全区19个重大项目集中开工,总投资158亿元,其中示例微型显示产业园总投资30亿元,聚焦芯片研发制造。"
    found = projects(gazetteer, body)
    assert found == {"示例微型显示产业园": "30亿元"}


def test_a_facility_planned_to_be_built_is_a_project(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "拟兴建的示例市会展中心,占地面积50亩,建筑面积10万平方米,总投资5亿元。")
    assert found == {"示例市会展中心": "5亿元"}


def test_a_list_half_of_facilities_with_a_predicate_after_it_is_a_list_of_projects(gazetteer: Gazetteer) -> None:
    found = projects(gazetteer, "示例光电电池、示例光电智能制造产业园落地示例新区,年内开工。")
    assert set(found) == {"示例光电电池项目", "示例光电智能制造产业园项目"}


def test_officials_and_places_with_counts_are_not_listed_as_projects(gazetteer: Gazetteer) -> None:
    assert projects(gazetteer, "上午九时,市委副书记、市长示例宣布项目开工,全市各县区设分会场同步举行开工活动。") == {}
    found = projects(gazetteer, "示例区签约项目7个,总投资21亿元;示例合作产业园、示例物流中心签约项目5个,总投资22亿元。")
    assert found == {}
