"""Validation of node and edge models, amounts, dates and the conflict rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chainkg.schema.conflicts import Claim, resolve_claims
from chainkg.schema.kinds import EDGE_ENDPOINTS, Currency, EdgeKind, EnterpriseKind, NodeKind, ProjectStatus
from chainkg.schema.models import NODE_MODELS, Enterprise, Project, Segment, Source, make_edge
from chainkg.schema.money import MoneyError, format_cny, parse_amount


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("18亿元", 1_800_000_000, Currency.CNY),
        ("4.86亿元", 486_000_000, Currency.CNY),
        ("5000万元", 50_000_000, Currency.CNY),
        ("约5亿元", 500_000_000, Currency.CNY),
        ("3000万美元", 30_000_000, Currency.USD),
        ("7亿美金", 700_000_000, Currency.USD),
        ("1,800,000,000", 1_800_000_000, Currency.CNY),
        ("12億元", 1_200_000_000, Currency.CNY),  # traditional 億
        (1800, 1800, Currency.CNY),
    ],
)
def test_amounts(text: str | int, amount: int, currency: Currency) -> None:
    money = parse_amount(text)
    assert (money.amount, money.currency) == (amount, currency)


@pytest.mark.parametrize("bad", ["十八亿", "18亿欧", "", "-5亿元", "0.0000001元", True])
def test_unreadable_amounts(bad: object) -> None:
    with pytest.raises(MoneyError):
        parse_amount(bad)  # type: ignore[arg-type]


def test_format_cny() -> None:
    assert format_cny(8_600_000_000) == "86亿元"
    assert format_cny(486_000_000) == "4.86亿元"
    assert format_cny(50_000_000) == "5000万元"


def test_project_dates_keep_precision_and_order() -> None:
    p = Project(name="x项目", signed_date="2018-08-31", start_date="2019-03", production_date="2020")
    assert p.start_date == "2019-03"
    with pytest.raises(ValidationError, match="earlier than"):
        Project(name="x项目", signed_date="2020-05", start_date="2019-03")
    with pytest.raises(ValidationError, match="YYYY"):
        Project(name="x项目", start_date="2019/03")
    with pytest.raises(ValidationError, match="does not exist"):
        Project(name="x项目", start_date="2019-02-30")


def test_project_rejects_negative_investment_and_unknown_status() -> None:
    with pytest.raises(ValidationError, match="total_investment"):
        Project(name="x项目", total_investment=-1)
    with pytest.raises(ValidationError, match="status"):
        Project(name="x项目", status="规划")  # type: ignore[arg-type]


def test_unknown_fields_are_errors() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Segment(name="硅片", stage="上游", colour="blue")  # type: ignore[call-arg]


def test_aliases_deduplicated_against_name_and_each_other() -> None:
    e = Enterprise(name="有研科技集团有限公司", aliases=["有研集团", "有研集團", "有研科技集团有限公司", " 有研集团 "])
    assert e.aliases == ["有研集团"]
    assert e.keys() == ["有研科技集团有限公司", "有研集团"]


def test_traditional_input_is_stored_simplified() -> None:
    e = Enterprise(name="山東華魯恒升化工股份有限公司", enterprise_kind=EnterpriseKind.LOCAL_SOE)
    assert e.name == "山东华鲁恒升化工股份有限公司"
    assert e.id == "ent:山东华鲁恒升化工股份有限公司"


def test_invalid_credit_code_is_a_field_error() -> None:
    with pytest.raises(ValidationError) as info:
        Enterprise(name="某公司", credit_code="91370000ABCDEFGHIJ")
    assert info.value.errors()[0]["loc"] == ("credit_code",)


def test_source_key_is_restricted() -> None:
    assert Source(name="标题", key="seed-000").id == "src:seed-000"
    with pytest.raises(ValidationError, match="key"):
        Source(name="标题", key="有 空格")


def test_every_node_kind_has_a_model_and_every_edge_kind_endpoints() -> None:
    assert set(NODE_MODELS) == set(NodeKind)
    assert set(EDGE_ENDPOINTS) == set(EdgeKind)


def test_edges_validate_their_properties() -> None:
    edge = make_edge(EdgeKind.INVESTS_IN, "ent:a", "proj:b", {"role": "builder", "amount": 5})
    assert edge.key == "INVESTS_IN:builder"
    with pytest.raises(ValidationError):
        make_edge(EdgeKind.SUBSIDIARY_OF, "ent:a", "ent:b", {"stake_pct": 150})
    with pytest.raises(ValueError, match="take no properties"):
        make_edge(EdgeKind.PART_OF, "seg:a", "chain:b", {"x": 1})


def test_status_order_and_activity() -> None:
    order = ["线索", "洽谈", "签约", "开工", "在建", "投产", "终止"]
    assert [s.value for s in sorted(ProjectStatus, key=lambda s: s.order)] == order
    assert not ProjectStatus.NEGOTIATING.active
    assert ProjectStatus.SIGNED.active
    assert not ProjectStatus.LEAD.active and not ProjectStatus.TERMINATED.active


def test_conflict_rule_latest_source_wins_and_is_order_independent() -> None:
    claims = [
        Claim("total_investment", 1_800_000_000, "src:a", "2019-05-15", 2),
        Claim("total_investment", 2_000_000_000, "src:b", "2023-01", 1),
        Claim("total_investment", 1_900_000_000, "src:c", None, 3),
    ]
    for order in (claims, claims[::-1], [claims[1], claims[2], claims[0]]):
        winners, disputed = resolve_claims(order)
        assert winners == {"total_investment": 2_000_000_000}
        assert disputed == ["total_investment"]


def test_conflict_rule_tiebreaks() -> None:
    same_day = [Claim("status", "在建", "src:z", "2020-01-01", 1), Claim("status", "投产", "src:y", "2020-01-01", 3)]
    assert resolve_claims(same_day)[0]["status"] == "投产"  # higher authority
    full_tie = [Claim("status", "在建", "src:z", "2020", 1), Claim("status", "投产", "src:a", "2020", 1)]
    assert resolve_claims(full_tie)[0]["status"] == "投产"  # smallest source id
    preferred = [Claim("status", "签约", "src:q", None, 0, preferred=True), *same_day]
    assert resolve_claims(preferred)[0]["status"] == "签约"


def test_status_as_of_follows_winning_status() -> None:
    claims = [Claim("status", "在建", "src:a", "2019-05-15"), Claim("status", "投产", "src:b", "2020-11-29")]
    winners, disputed = resolve_claims(claims)
    assert winners == {"status": "投产", "status_as_of": "2020-11-29"}
    assert disputed == ["status"]
