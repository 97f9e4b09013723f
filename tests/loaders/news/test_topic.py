"""A name's investment the next sentence gives when the name is its sentence's topic or the next sentence opens in a
quote (round 26: :func:`chainkg.loaders.news.positions.a_topic` and the quote before ``_ANAPHOR``)."""

from __future__ import annotations

from chainkg.loaders.news.labeller import label
from chainkg.schema.money import parse_amount
from tests.loaders.news.test_labeller import Oracle


def test_the_subject_of_is_takes_the_next_sentences_investment_though_its_sentence_names_another() -> None:
    """X项目是…“Y项目”的核心项目之一。项目总投资…: Y says what X is, so the investment of 项目… is X's, not Y's."""
    text = (
        "年产40万立方米轻质超强刨花板项目是普洱市“林浆纸一体化项目”的核心项目之一,也是普洱市的“头号”项目。"
        "项目总投资6.398亿元,占地面积约200亩。"
    )
    found = label([text], [], Oracle("年产40万立方米轻质超强刨花板", "林浆纸一体化"))
    assert [(f.name, f.amount) for f in found] == [
        ("年产40万立方米轻质超强刨花板", parse_amount("6.398亿元")),
        ("林浆纸一体化", None),
    ]
    led = "据了解,甲县锌硒茶酒项目是乙市星火计划项目,设在经济开发区内,预计总投资5亿元。"  # after a short lead-in
    assert [f.amount for f in label([led], [], Oracle("甲县锌硒茶酒", "乙市星火计划"))] == [parse_amount("5亿元"), None]


def test_the_next_sentence_in_a_quote_gives_its_projects_investment() -> None:
    """…项目是此次集中开工的重点项目之一。“项目总投资2亿元…: the quote does not hide the anaphor."""
    text = "年产80万吨非金属矿精深加工项目是此次集中开工的重点项目之一。“项目总投资2亿元,占地50亩。”"
    assert [f.amount for f in label([text], [], Oracle("年产80万吨非金属矿精深加工"))] == [parse_amount("2亿元")]


def test_a_name_that_is_no_subject_of_is_or_not_the_first_takes_nothing_from_the_next_sentence() -> None:
    """A项目和B项目是…: neither is the topic; A项目与B项目签约: no 是; B项目 after A项目是…: not the first."""
    for text in (
        "甲材料项目和乙装备项目是本市的重点项目。项目总投资5亿元。",
        "甲材料项目与乙装备项目签约。项目总投资5亿元。",
        "本次签约的丙公司和甲材料项目是本市的重点项目。项目总投资5亿元。",
    ):
        found = label([text], [], Oracle("甲材料", "乙装备", "丙公司"))
        assert all(f.amount is None for f in found), (text, found)
