"""Where a list of projects starts and ends (issue 18, fifth round): a party introduced by a preposition
before it, 、 between administrative levels inside its trailer, the trailer ending it before later
objects, and two names joined by 和 before a count of two. The sentences are made up for the test."""

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


def names(gazetteer: Gazetteer, body: str) -> set[str]:
    article = parse_article(f"新闻标题\n来源:德州新闻网 2024-05-06\n{body}\n".encode(), "a.txt")
    result: FileResult = extract_article(article, gazetteer, learned=False)  # the rules alone
    return {c.name for c in result.candidates if isinstance(c, ProjectCandidate)}


def test_a_list_ends_at_its_trailer_and_starts_after_the_party_before_it(gazetteer: Gazetteer) -> None:
    found = names(
        gazetteer,
        "两区昨日举办专场推介活动,并与示例健康药业、示例蓝宝石衬底材料、示例制药投资等6个项目集中签署入区协议、投资意向书。",
    )
    assert found == {"示例健康药业项目", "示例蓝宝石衬底材料项目", "示例制药投资项目"}


def test_administrative_levels_joined_by_a_list_mark_do_not_split_the_trailer(gazetteer: Gazetteer) -> None:
    found = names(gazetteer, "园区承担的示例医疗、示例零部件产业园等9个市、县重点项目总投资26.5亿元。")
    assert found == {"示例医疗项目", "示例零部件产业园项目"}


def test_two_names_joined_by_and_before_a_count_of_two_are_two_projects(gazetteer: Gazetteer) -> None:
    found = names(gazetteer, "该区引进并建设示例物流城和示例汽车配件城两个物流项目。")
    assert found == {"示例物流城项目", "示例汽车配件城项目"}
    assert names(gazetteer, "双方在本次洽谈会上签约了研发和生产两个项目,合作前景广阔。") == set()  # kinds
