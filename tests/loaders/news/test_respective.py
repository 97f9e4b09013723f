"""Figures 分别 gives a list's names in order (round 25: :func:`chainkg.loaders.news.positions.respective`)."""

from __future__ import annotations

from chainkg.loaders.news.labeller import label
from chainkg.schema.money import parse_amount
from tests.loaders.news.test_labeller import Oracle


def test_the_figures_an_investments_respectively_gives_after_the_names_are_theirs_in_order() -> None:
    """A项目、B项目,总投资分别为105亿元、96亿元: each name takes its figure, in order, where no position gave it one
    (also joined by 和, the label 投资金额 before 分别)."""
    text = "特色项目为六横液化天然气接收站项目、橡塑新材料项目,总投资分别为105亿元、96亿元。"
    found = label([text], [], Oracle("六横液化天然气接收站", "橡塑新材料"))
    assert [(f.name, f.amount) for f in found] == [
        ("六横液化天然气接收站", parse_amount("105亿元")),
        ("橡塑新材料", parse_amount("96亿元")),
    ]
    joined = "现需实施生产设备购置项目及展览一体化工程建设项目,预计投资金额分别为3250万元和1358.55万元。"
    found = label([joined], [], Oracle("生产设备购置", "展览一体化工程建设"))
    assert [f.amount for f in found] == [parse_amount("3250万元"), parse_amount("1358.55万元")]


def test_the_figures_respectively_before_the_names_are_theirs_in_order_whatever_a_position_gave() -> None:
    """总投资分别为11亿元、6亿元的A项目和B项目: the first name takes the first figure, not the one right before it."""
    text = "此外,总投资分别为11亿元、6亿元的康怡佳园养老项目和永宝摄生文明村项目等已签约落户。"
    found = label([text], [], Oracle("康怡佳园养老", "永宝摄生文明村"))
    assert [f.amount for f in found] == [parse_amount("11亿元"), parse_amount("6亿元")]


def test_figures_respectively_that_are_no_investments_or_do_not_fit_the_names_are_not_given() -> None:
    """年产值分别为…: not an investment's figures; three figures for two names: none is whose."""
    output = "甲材料项目、乙装备项目,达产后年产值分别为10亿元、8亿元。"
    assert [f.amount for f in label([output], [], Oracle("甲材料", "乙装备"))] == [None, None]
    three = "甲材料项目、乙装备项目,总投资分别为10亿元、8亿元、6亿元。"
    assert [f.amount for f in label([three], [], Oracle("甲材料", "乙装备"))] == [None, None]
