"""Policy matching: the seed policy exactly as the seed states it, verdicts with their reasons, and
what a policy costs per county and per year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chainkg.queries.errors import InvalidQuery, NotFound
from chainkg.queries.policies import eligible, listing, match
from chainkg.queries.policies.rules import wan
from chainkg.store.memory import MemoryStore

INCENTIVE = "policy:德州市招商引资激励办法"
WAFER12 = "proj:山东有研艾斯12英寸硅片项目"  # in the IC chain (硅片)
SCHOOL = "proj:德州科技职业学院德州校区项目"  # in no chain


def _verdict(store: MemoryStore, subject: str, amount: int | None) -> match.Verdict:
    result = store.run(match.QUERY, match.Params(subject=subject, actual_investment=amount, policy=INCENTIVE))
    (verdict,) = result.verdicts
    assert verdict.policy.id == INCENTIVE and verdict.policy.name == "德州市招商引资激励办法"
    return verdict


@pytest.mark.parametrize(
    ("actual", "benefit"),
    [(300_000_000, 15_000_000), (2_000_000_000, 50_000_000), (100_000_000, 5_000_000), (1_000_000_001, 50_000_000)],
)
def test_the_seed_policy_pays_five_percent_of_actual_investment_capped(
    dezhou_pipeline: MemoryStore, actual: int, benefit: int
) -> None:
    verdict = _verdict(dezhou_pipeline, WAFER12, actual)
    assert verdict.eligible and verdict.outcome == "eligible" and verdict.benefit_cny == benefit
    assert verdict.unmet == [] and verdict.actual_investment_cny == actual
    assert verdict.benefits[0].rule == "5% × 实际投资，最高5000万元"
    assert verdict.to_verify == ["招商引资项目（由外地投资者新引进）"]  # the graph cannot tell: a person checks


def test_below_the_threshold_the_unmet_condition_names_it_and_how_far(dezhou_pipeline: MemoryStore) -> None:
    verdict = _verdict(dezhou_pipeline, WAFER12, 50_000_000)
    assert not verdict.eligible and verdict.outcome == "not_eligible" and verdict.benefit_cny is None
    (unmet,) = verdict.unmet
    assert unmet.condition == "min_actual_investment" and unmet.shortfall_cny == 50_000_000
    assert unmet.reason.startswith("实际投资还差 5,000万元") and "1亿元" in unmet.reason
    eighty = _verdict(dezhou_pipeline, WAFER12, 80_000_000).unmet[0]
    assert "实际投资还差 2,000万元" in eighty.reason and eighty.shortfall_cny == 20_000_000


def test_a_project_outside_the_chains_is_not_eligible_whatever_it_invests(dezhou_pipeline: MemoryStore) -> None:
    verdict = _verdict(dezhou_pipeline, SCHOOL, 3_000_000_000)
    assert not verdict.eligible and verdict.benefit_cny is None
    assert [u.condition for u in verdict.unmet] == ["chains"]
    assert "12条产业链" in verdict.unmet[0].reason and "省十强产业或市优势产业" in verdict.unmet[0].reason


def test_without_a_recorded_actual_investment_the_verdict_is_undetermined(dezhou_pipeline: MemoryStore) -> None:
    verdict = _verdict(dezhou_pipeline, WAFER12, None)
    assert verdict.outcome == "undetermined" and not verdict.eligible and verdict.benefit_cny is None
    assert [u.condition for u in verdict.undetermined] == ["min_actual_investment"]
    # the ledger's periods are the actual investment to date: 3000+6000+8000+12000万元
    ledgered = _verdict(dezhou_pipeline, "proj:示例电子特气项目", None)
    assert ledgered.eligible and ledgered.actual_investment_cny == 290_000_000 and ledgered.benefit_cny == 14_500_000
    # as of 2023-03-31 only what was reported by then counts: January and February (9000万元)
    early = dezhou_pipeline.run(
        match.QUERY, match.Params(subject="proj:示例电子特气项目", policy=INCENTIVE, as_of=dt.date(2023, 3, 31))
    ).verdicts[0]
    assert early.actual_investment_cny == 90_000_000 and early.unmet[0].shortfall_cny == 10_000_000


def test_every_policy_gets_a_verdict_and_unstated_terms_are_not_computable(dezhou_pipeline: MemoryStore) -> None:
    result = dezhou_pipeline.run(match.QUERY, match.Params(subject=WAFER12, actual_investment=300_000_000))
    assert result.eligible == 1 and result.verdicts[0].policy.id == INCENTIVE
    by_policy = {v.policy.id: v for v in result.verdicts}
    assert set(by_policy) == {p.policy.id for p in dezhou_pipeline.run(listing.QUERY, listing.Params()).items}
    for policy_id in ("policy:新旧动能转换基金", "policy:总部经济发展若干政策措施", "policy:德州市人才政策"):
        verdict = by_policy[policy_id]
        assert not verdict.computable and verdict.outcome == "undetermined" and verdict.benefit_cny is None
        assert any(u.condition == "terms" for u in verdict.undetermined)
    park = by_policy["policy:中国(德州)农业食品创新产业园政策"]
    assert park.outcome == "not_eligible" and park.unmet[0].condition == "places"
    # enterprise policies judge the project's investors
    assert by_policy["policy:总部经济发展若干政策措施"].subject.id == "ent:山东有研艾斯半导体材料有限公司"


def test_an_enterprise_is_matched_through_its_projects(dezhou_pipeline: MemoryStore) -> None:
    result = dezhou_pipeline.run(match.QUERY, match.Params(subject="ent:有研科技集团有限公司", policy=INCENTIVE))
    assert [v.subject.id for v in result.verdicts] == ["proj:山东有研集成电路用大尺寸硅材料规模化生产项目"]
    with pytest.raises(InvalidQuery):
        dezhou_pipeline.run(match.QUERY, match.Params(subject="ent:有研科技集团有限公司", actual_investment=1))
    with pytest.raises(NotFound):
        dezhou_pipeline.run(match.QUERY, match.Params(subject="chain:集成电路"))
    with pytest.raises(NotFound):
        dezhou_pipeline.run(match.QUERY, match.Params(subject=WAFER12, policy="policy:不存在的政策"))


def test_a_policy_not_in_force_on_the_day_is_not_eligible(dezhou_pipeline: MemoryStore) -> None:
    from chainkg.queries.policies.rules import PolicyFacts, PolicyRef, Subject, evaluate
    from chainkg.schema.policy import PolicySubject, Terms

    policy = PolicyFacts(
        PolicyRef(id="policy:x", name="x"),
        Terms.model_validate({"benefits": [{"kind": "fixed", "amount": 100}]}),
        {"effective_from": "2023-07", "effective_to": "2025"},
    )
    subject = Subject(ref=match.NodeRef(id="proj:y", kind="Project", name="y"), kind=PolicySubject.PROJECT)
    assert evaluate(policy, subject, "2023-06-30", 12).unmet[0].condition == "in_force"
    assert evaluate(policy, subject, "2023-07-01", 12).benefit_cny == 100
    assert evaluate(policy, subject, "2026-01-01", 12).outcome == "not_eligible"


def test_who_qualifies_and_what_it_costs_per_county_and_year(dezhou_pipeline: MemoryStore) -> None:
    result = dezhou_pipeline.run(eligible.QUERY, eligible.Params(policy=INCENTIVE))
    assert result.computable and [q.subject.id for q in result.eligible] == ["proj:示例电子特气项目"]
    (gas,) = result.eligible
    assert gas.benefit_cny == 14_500_000 and gas.county is not None and gas.county.id == "region:天衢新区"
    assert [(y.year, y.benefit_cny) for y in gas.by_year] == [(2023, 14_500_000)]
    assert result.total_cny == 14_500_000
    assert [(c.county.id if c.county else None, c.count, c.benefit_cny) for c in result.by_county] == [
        ("region:天衢新区", 1, 14_500_000)
    ]
    # in-chain projects with no actual investment recorded are undetermined, the rest ruled out
    pending = {p.subject.id for p in result.undetermined}
    assert WAFER12 in pending and SCHOOL not in pending and result.not_eligible > 0
    assert result.undetermined_total + result.not_eligible + len(result.eligible) == 41  # every project in the city
    # as of 2023-03-31: 9000万元 reported, below the threshold
    early = dezhou_pipeline.run(eligible.QUERY, eligible.Params(policy=INCENTIVE, as_of=dt.date(2023, 3, 31)))
    assert early.eligible == [] and early.total_cny == 0


def test_a_policy_costs_per_county_and_per_year_over_several_counties(
    dezhou_pipeline: MemoryStore, tmp_path: Path
) -> None:
    """A second (invented) ledger gives two more in-chain projects in other counties an actual
    investment: each county's total is its projects' benefits, each year's the benefit accrued then."""
    from chainkg.loaders import default_loaders
    from chainkg.loaders.pipeline import run_load

    folder = tmp_path / "ledger2"
    folder.mkdir()
    (folder / "sources.yaml").write_text(
        "- {key: test-ledger2-2024, title: 测试用项目台账2024年（虚构数据）, publisher: chainkg tests, "
        "date: 2024-12-31, authority: 0}\n",
        encoding="utf-8",
    )
    (folder / "investment.yaml").write_text(
        "- {project: 山东电工电气临邑储能示范项目, period: 2023-Q4, actual_investment: 1.2亿元, "
        "sources: [test-ledger2-2024]}\n"
        "- {project: 山东电工电气临邑储能示范项目, period: 2024-Q2, actual_investment: 0.8亿元, "
        "sources: [test-ledger2-2024]}\n"
        "- {project: 乐陵首创膳食纤维生产项目, period: 2024-05, actual_investment: 4亿元, "
        "sources: [test-ledger2-2024]}\n",
        encoding="utf-8",
    )
    store = MemoryStore(dezhou_pipeline.graph.copy(), dezhou_pipeline.manifest())
    (loaded,) = run_load(store, [folder], default_loaders())
    assert loaded.rejects == []
    result = store.run(eligible.QUERY, eligible.Params(policy=INCENTIVE))
    benefits = {q.subject.id: q.benefit_cny for q in result.eligible}
    assert benefits == {
        "proj:乐陵首创膳食纤维生产项目": 20_000_000,  # 5% of 4亿
        "proj:山东电工电气临邑储能示范项目": 10_000_000,  # 5% of 2亿
        "proj:示例电子特气项目": 14_500_000,
    }
    counties = {c.county.name if c.county else None: (c.count, c.benefit_cny) for c in result.by_county}
    assert counties == {"乐陵市": (1, 20_000_000), "天衢新区": (1, 14_500_000), "临邑县": (1, 10_000_000)}
    # 临邑: 1.2亿 in 2023 crosses the threshold (600万), 0.8亿 in 2024 adds 400万
    assert [(y.year, y.benefit_cny) for y in result.by_year] == [(2023, 20_500_000), (2024, 24_000_000)]
    assert result.total_cny == sum(benefits.values()) == sum(y.benefit_cny for y in result.by_year)


def test_the_benefit_accrues_over_the_years_of_the_actual_investment() -> None:
    """2.9亿 in 2023 crosses the threshold (1450万); 1.5亿 more in 2024 adds 750万 — then the cap holds."""
    from chainkg.queries.policies.eligible import _by_year
    from chainkg.queries.policies.rules import PolicyFacts, PolicyRef, evaluate
    from chainkg.queries.project_facts import EventFacts, ProjectFacts
    from chainkg.schema.kinds import EventKind
    from chainkg.schema.policy import Terms

    def period(label: str, amount: int) -> EventFacts:
        return EventFacts(f"event:p@{label}", EventKind.INVESTMENT, None, label, None, None, None, amount, None, ())

    terms = Terms.model_validate(
        {
            "conditions": {"min_actual_investment": "1亿元"},
            "benefits": [{"kind": "share", "base": "actual_investment", "rate": "5%", "cap": "2500万元"}],
        }
    )
    policy = PolicyFacts(PolicyRef(id="policy:x", name="x"), terms, {})
    ref = match.NodeRef(id="proj:p", kind="Project", name="p")
    events = (period("2022-Q4", 50_000_000), period("2023", 240_000_000), period("2024-03", 150_000_000))
    events += (period("2025-01", 400_000_000),)
    project = ProjectFacts(ref, {}, (), (), (), (), (), (), (), events)
    from chainkg.queries.policies.facts import project_subject

    verdict = evaluate(policy, project_subject(project, None), "2026-01-01", 12)
    years = _by_year(policy, project, verdict, None, "2026-01-01", 12)
    assert [(y.year, y.benefit_cny) for y in years] == [(2023, 14_500_000), (2024, 7_500_000), (2025, 3_000_000)]
    assert sum(y.benefit_cny for y in years) == verdict.benefit_cny == 25_000_000


def test_differences_are_written_in_wan_with_separators() -> None:
    assert wan(20_000_000) == "2,000万元" and wan(150_000_000) == "15,000万元" and wan(12_345) == "1.23万元"
