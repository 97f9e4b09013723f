"""Partial dates as days, report periods, the status timeline, and policy terms as data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chainkg.schema.kinds import ProjectStatus
from chainkg.schema.lifecycle import Period, day_end, day_start, investment_at, status_at, timeline_entry
from chainkg.schema.models import Policy, ProjectEvent
from chainkg.schema.policy import Benefit, Terms


def test_partial_dates_are_read_as_their_last_day_and_first_day() -> None:
    assert day_end("2019-03") == "2019-03-31"
    assert day_end("2020-02") == "2020-02-29"
    assert day_end("2019") == "2019-12-31"
    assert day_end("2019-03-19") == "2019-03-19"
    assert day_start("2019-03") == "2019-03-01"


def test_periods_are_months_quarters_and_years() -> None:
    q1 = Period.parse("2023-q1")
    assert (q1.label, q1.start, q1.end) == ("2023-Q1", "2023-01-01", "2023-03-31")
    assert Period.parse("2023-02").end == "2023-02-28"
    assert q1.contains("2023-03-06") and q1.contains("2023-02") and not q1.contains("2023")
    assert not q1.contains("2023-04-01")
    assert Period.parse("2023").overlaps(q1) and not Period.parse("2023-04").overlaps(q1)
    for bad in ("2023-Q5", "2023-13", "23-01", "2023/01"):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_status_on_a_day_is_the_furthest_stage_true_and_known_by_then() -> None:
    timeline = [
        timeline_entry("2019-03-31", "2019-05-15", ProjectStatus.STARTED),
        timeline_entry("2019-05-15", "2019-05-15", ProjectStatus.UNDER_CONSTRUCTION),
        timeline_entry("2020-11-29", "2020-11-29", ProjectStatus.IN_PRODUCTION),
    ]
    assert status_at(timeline, "2019-04-30") is None  # started, but no source had said so yet
    assert status_at(timeline, "2019-05-15") == "在建"
    assert status_at(timeline, "2020-12-01") == "投产"
    ended = [*timeline, timeline_entry("2021-06-30", "2021-07-01", ProjectStatus.TERMINATED)]
    assert status_at(ended, "2021-06-30") == "投产" and status_at(ended, "2021-07-01") == "终止"
    assert investment_at(["2019-05-15|1800000000", "2023-01-31|2000000000"], "2020-01-01") == 1_800_000_000
    assert investment_at(["2019-05-15|1800000000"], "2019-01-01") == 0


def test_the_seed_policy_benefit_is_five_percent_capped_at_fifty_million() -> None:
    benefit = Benefit.model_validate({"kind": "share", "base": "actual_investment", "rate": "5%", "cap": "5000万元"})
    assert benefit.compute(300_000_000) == 15_000_000
    assert benefit.compute(2_000_000_000) == 50_000_000
    assert benefit.compute(None) is None
    assert benefit.describe() == "5% × 实际投资，最高5000万元"


@given(st.integers(min_value=0, max_value=10**12))
def test_a_share_is_rounded_down_and_never_above_its_cap(base: int) -> None:
    benefit = Benefit.model_validate({"kind": "share", "base": "actual_investment", "rate": 0.03, "cap": 10**8})
    amount = benefit.compute(base)
    assert amount is not None and 0 <= amount <= 10**8 and amount <= base * 3 // 100


def test_tiers_pick_the_range_that_holds_the_base() -> None:
    benefit = Benefit.model_validate(
        {
            "kind": "tiers",
            "base": "planned_investment",
            "tiers": [
                {"from": "1亿元", "below": "5亿元", "amount": "100万元"},
                {"from": "5亿元", "rate": "1%"},
            ],
            "cap": "800万元",
        }
    )
    assert [benefit.compute(x) for x in (50_000_000, 100_000_000, 400_000_000, 600_000_000, 10**11)] == [
        0,
        1_000_000,
        1_000_000,
        6_000_000,
        8_000_000,
    ]


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"benefits": [{"kind": "share", "base": "actual_investment", "rate": "150%"}]}, "at most 100%"),
        ({"benefits": [{"kind": "share", "rate": "5%"}]}, "needs base"),
        ({"benefits": [{"kind": "fixed", "amount": "3000万美元"}]}, "must be in 元"),
        ({"benefits": [{"kind": "fixed", "amount": 10, "rate": "5%"}]}, "takes no rate"),
        ({"conditions": {"min_actual_investment": "一亿"}}, "cannot read amount"),
        ({"conditions": {"statuses": ["规划中"]}}, "statuses"),
        ({"conditions": {"minimum": 1}}, "Extra inputs"),
        (
            {
                "benefits": [
                    {
                        "kind": "tiers",
                        "base": "actual_investment",
                        "tiers": [{"from": 0, "below": 10, "rate": "1%"}, {"from": 5, "rate": "2%"}],
                    }
                ]
            },
            "overlap",
        ),
    ],
)
def test_bad_terms_are_refused_with_the_reason(terms: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Terms.model_validate(terms)


def test_terms_survive_their_json_and_a_policy_without_benefits_is_not_computable() -> None:
    terms = Terms.model_validate(
        {
            "conditions": {"chains": "all", "min_actual_investment": "1亿元"},
            "benefits": [{"kind": "fixed", "amount": 5}],
        }
    )
    assert Terms.from_json(terms.to_json()) == terms
    policy = Policy(name="某政策", terms=Terms())
    assert policy.props()["computable"] is False


def test_events_are_keyed_by_project_and_status_or_period() -> None:
    event = ProjectEvent(name="x·开工", project="proj:x", event="status", status="开工", date="2019-03")
    assert event.id == "event:x@开工" and event.keys() == []
    money = ProjectEvent(name="x·q1", project="proj:x", event="investment", period="2023-q1", actual_investment=1)
    assert money.id == "event:x@2023-Q1"
    with pytest.raises(ValidationError, match="needs a status"):
        ProjectEvent(name="x", project="proj:x", event="status")
    with pytest.raises(ValidationError, match="actual_investment or planned_investment"):
        ProjectEvent(name="x", project="proj:x", event="investment", period="2023-01")
