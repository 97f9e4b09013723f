"""``chainkg policy list | match | eligible``: incentive policies (惠企政策) and who qualifies for them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from chainkg.cli.ask import amount_option, ask, show
from chainkg.cli.common import HomeOption, JsonOption, app, argument, option
from chainkg.queries.policies import eligible, listing, match
from chainkg.schema.money import format_cny

__all__ = ["policy_app"]

policy_app = typer.Typer(no_args_is_help=True, help="incentive policies (惠企政策): list, match, eligible")
app.add_typer(policy_app, name="policy")

_OUTCOME = {"eligible": "[green]符合[/green]", "undetermined": "[yellow]待定[/yellow]", "not_eligible": "不符合"}


@policy_app.command("list")
def list_command(
    text: Annotated[str | None, typer.Argument(help=listing.QUERY.description("text"))] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every policy: issuer, terms, whether its benefit can be computed, sources."""
    show(ask(home, listing.QUERY, {"text": text}), as_json, _render_list)


@policy_app.command("match")
def match_command(
    subject: str = argument(match.QUERY, "subject"),
    actual_investment: Annotated[
        str | None,
        typer.Option("--actual-investment", help="judge with this actual investment (实际投资), e.g. 3亿 or 300000000"),
    ] = None,
    policy: str | None = option(match.QUERY, "policy", "--policy"),
    as_of: str | None = option(match.QUERY, "as_of", "--as-of"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every policy's verdict on a project or enterprise: the benefit, or each unmet condition and how far."""
    amount = amount_option(actual_investment, "--actual-investment")
    values = {"subject": subject, "actual_investment": amount, "policy": policy, "as_of": as_of}
    show(ask(home, match.QUERY, values), as_json, _render_match)


@policy_app.command("eligible")
def eligible_command(
    policy: str = argument(eligible.QUERY, "policy"),
    scope: str | None = option(eligible.QUERY, "scope", "--scope"),
    as_of: str | None = option(eligible.QUERY, "as_of", "--as-of"),
    limit: int = option(eligible.QUERY, "limit"),
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everything in a scope that qualifies for a policy, and its cost per county and per year."""
    values = {"policy": policy, "scope": scope, "as_of": as_of, "limit": limit}
    show(ask(home, eligible.QUERY, values), as_json, _render_eligible)


def _render_list(r: listing.Result) -> Table:
    table = Table(title=f"惠企政策 {r.total} 项")
    for col in ("政策", "发文机关", "适用", "可计算", "条件", "奖励"):
        table.add_column(col)
    for item in r.items:
        table.add_row(
            item.policy.name,
            item.issuer or "",
            item.subject.zh,
            "是" if item.computable else "否（条款未载明）",
            "；".join(item.conditions_text),
            "；".join(item.benefits_text),
        )
    return table


def _render_match(r: match.Result) -> Group:
    table = Table(title=f"{r.subject.name} 可享受政策（{r.day}）")
    for col in ("政策", "对象", "结论", "金额", "原因 / 待核实"):
        table.add_column(col)
    for v in r.verdicts:
        reasons = [u.reason for u in v.unmet] + [u.reason for u in v.undetermined]
        reasons += [f"需核实：{t}" for t in v.to_verify]
        table.add_row(
            v.policy.name,
            v.subject.name,
            _OUTCOME[v.outcome],
            format_cny(v.benefit_cny) if v.benefit_cny is not None else "",
            "；".join(reasons),
        )
    return Group(table, Text(f"符合 {r.eligible} 项"))


def _render_eligible(r: eligible.Result) -> Group:
    head = Text(
        f"{r.policy.name} · {r.scope.name}：符合 {len(r.eligible)} 个，合计 {format_cny(r.total_cny)}；"
        f"待定 {r.undetermined_total} 个，不符合 {r.not_eligible} 个"
    )
    qualifiers = Table(title="符合条件")
    for col in ("对象", "县市区", "金额", "实际投资"):
        qualifiers.add_column(col)
    for q in r.eligible:
        actual = format_cny(q.actual_investment_cny) if q.actual_investment_cny is not None else ""
        qualifiers.add_row(q.subject.name, q.county.name if q.county else "", format_cny(q.benefit_cny), actual)
    counties = Table(title="分县市区")
    for col in ("县市区", "个数", "金额"):
        counties.add_column(col)
    for c in r.by_county:
        counties.add_row(c.county.name if c.county else "（未分县）", str(c.count), format_cny(c.benefit_cny))
    years = Table(title="分年度")
    for col in ("年度", "金额"):
        years.add_column(col)
    for y in r.by_year:
        years.add_row(str(y.year), format_cny(y.benefit_cny))
    pending = Table(title="待定（缺少事实或条款）")
    for col in ("对象", "缺少"):
        pending.add_column(col)
    for p in r.undetermined[:20]:
        pending.add_row(p.subject.name, "；".join(m.reason for m in p.missing))
    return Group(head, qualifiers, counties, years, pending)
