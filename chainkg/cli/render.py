"""Readable terminal output for query results (``--json`` prints the result model instead)."""

from __future__ import annotations

from pydantic import BaseModel
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from chainkg.queries import chain_map, footprint, gaps, profile, recommend, search, supply_chain
from chainkg.queries.common import NodeRef
from chainkg.schema.money import format_cny

__all__ = ["render"]


def _names(refs: list[NodeRef], limit: int = 6) -> str:
    shown = "、".join(r.name for r in refs[:limit])
    return shown + (f" 等{len(refs)}个" if len(refs) > limit else "")


def _path(refs: list[NodeRef]) -> str:
    return " → ".join(r.name for r in refs)


def render_chain_map(r: chain_map.Result) -> Group:
    table = Table(title=f"{r.chain.name} · {r.scope.name}  覆盖 {r.totals.covered}/{r.totals.segments} 环节")
    for col in ("环节", "阶段", "覆盖", "企业", "项目", "投资", "本地企业"):
        table.add_column(col, justify="right" if col in ("企业", "项目", "投资") else "left")
    for s in r.segments:
        table.add_row(
            s.segment.name,
            s.stage.value,
            "✓" if s.covered else "✗",
            str(s.enterprise_count),
            str(s.project_count),
            format_cny(s.investment_cny) if s.investment_cny else "",
            _names(s.enterprises, 3),
        )
    leaders = Text("链主: " + (_names([ld.enterprise for ld in r.leaders]) or "无"))
    return Group(table, leaders)


def render_gaps(r: gaps.Result) -> Group:
    c = r.completeness
    head = Text(
        f"{r.chain.name} · {r.scope.name}  完整度 {c.index:.0%}（{c.covered}/{c.total}），"
        f"按阶段加权 {c.stage_weighted:.0%}"
    )
    parts: list[RenderableType] = [head]
    for title, items in (("补链 fill", r.fill), ("强链 strengthen", r.strengthen), ("延链 extend", r.extend)):
        table = Table(title=title)
        for col in ("环节", "阶段", "得分", "理由", "路径"):
            table.add_column(col, justify="right" if col == "得分" else "left")
        for g in items:
            table.add_row(g.segment.name, g.stage.value, f"{g.score:g}", g.reason, _path(g.path))
        parts.append(table)
    return Group(*parts)


def render_supply(r: supply_chain.Result) -> Group:
    rate = "—" if r.local_supporting_rate is None else f"{r.local_supporting_rate:.0%}"
    table = Table(title=f"{r.node.name} 上下游 · {r.scope.name}  本地配套率 {rate}")
    for col in ("方向", "距离", "环节", "阶段", "本地企业"):
        table.add_column(col)
    for s in r.segments:
        table.add_row(
            {"upstream": "上游", "downstream": "下游"}[s.direction] if s.distance else "起点",
            str(s.distance),
            s.segment.name,
            s.stage.value,
            _names(s.local_suppliers, 3) or "✗ 缺失",
        )
    return Group(table, Text("本地缺失: " + (_names(r.missing, 10) or "无")))


def render_recommend(r: recommend.Result) -> Group:
    status = "已覆盖" if r.covered_here else "缺失"
    table = Table(title=f"{r.segment.name} 招商对象 · {r.scope.name}（本地{status}，候选{r.total_candidates}家）")
    for col in ("企业", "得分", "理由", "路径"):
        table.add_column(col, justify="right" if col == "得分" else "left")
    for c in r.candidates:
        table.add_row(c.enterprise.name, f"{c.score:g}", "；".join(c.reasons), _path(c.path))
    return Group(table)


def render_footprint(r: footprint.Result) -> Group:
    subs = Table(title=f"{r.group.name} 子公司")
    for col in ("层级", "企业", "母公司", "持股", "依据", "本地"):
        subs.add_column(col)
    for s in r.subsidiaries:
        stake = f"{s.stake_pct:g}%" if s.stake_pct is not None else "—"
        subs.add_row(str(s.level), s.enterprise.name, s.parent.name, stake, s.certainty, "✓" if s.local else "")
    projects = Table(title=f"{r.scope.name} 项目 {r.total_projects} 个，合计 {format_cny(r.total_investment_cny)}")
    for col in ("项目", "状态", "投资", "投资方", "园区", "产业链"):
        projects.add_column(col)
    for p in r.projects:
        amount = format_cny(p.total_investment) if p.currency == "CNY" else f"{p.total_investment} {p.currency}"
        projects.add_row(
            p.project.name,
            p.status or "未知",
            amount if p.total_investment is not None else "—",
            "、".join(f"{i.enterprise.name}({i.role})" for i in p.investors),
            _names(p.parks),
            _names(p.chains),
        )
    return Group(subs, projects)


def render_profile(r: profile.Result) -> Group:
    head = Text(
        f"{r.place.name}: 企业 {r.enterprises} 家，项目 {r.projects} 个，投资 {format_cny(r.investment_cny)}；"
        f"链主 {_names(r.leaders) or '无'}"
    )
    status = Table(title="项目状态")
    for col in ("状态", "项目", "投资"):
        status.add_column(col)
    for s in r.projects_by_status:
        status.add_row(s.status, str(s.projects), format_cny(s.investment_cny))
    chains = Table(title="产业链")
    for col in ("产业链", "覆盖", "完整度", "最大缺口"):
        chains.add_column(col)
    for c in r.chains:
        chains.add_row(
            c.chain.name, f"{c.covered}/{c.total}", f"{c.completeness:.0%}", _names([g.segment for g in c.top_gaps])
        )
    return Group(head, status, chains)


def render_search(r: search.Result) -> Group:
    table = Table(title=f"“{r.query}” {r.total} 条")
    for col in ("名称", "类型", "得分", "id"):
        table.add_column(col)
    for h in r.hits:
        table.add_row(h.name, h.kind.zh, f"{h.score:.2f}", h.id)
    return Group(table)


def render(console: Console, result: BaseModel) -> None:
    """Print a query result as tables (the queries with a CLI command)."""
    console.print(_renderable(result))


def _renderable(result: BaseModel) -> Group:
    if isinstance(result, chain_map.Result):
        return render_chain_map(result)
    if isinstance(result, gaps.Result):
        return render_gaps(result)
    if isinstance(result, supply_chain.Result):
        return render_supply(result)
    if isinstance(result, recommend.Result):
        return render_recommend(result)
    if isinstance(result, footprint.Result):
        return render_footprint(result)
    if isinstance(result, profile.Result):
        return render_profile(result)
    if isinstance(result, search.Result):
        return render_search(result)
    raise TypeError(f"no table for {type(result).__module__}.Result; print it with --json")
