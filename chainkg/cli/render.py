"""Readable terminal output for query results (``--json`` prints the result model instead)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def _table(title: str, columns: tuple[str, ...], right: tuple[str, ...] = ()) -> Table:
    """A table with these columns, those in ``right`` right-aligned (the numbers)."""
    table = Table(title=title)
    for col in columns:
        table.add_column(col, justify="right" if col in right else "left")
    return table


def render_chain_map(r: chain_map.Result) -> Group:
    table = _table(
        f"{r.chain.name} · {r.scope.name}  覆盖 {r.totals.covered}/{r.totals.segments} 环节",
        ("环节", "阶段", "覆盖", "企业", "项目", "投资", "本地企业"),
        right=("企业", "项目", "投资"),
    )
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
        table = _table(title, ("环节", "阶段", "得分", "理由", "路径"), right=("得分",))
        for g in items:
            table.add_row(g.segment.name, g.stage.value, f"{g.score:g}", g.reason, _path(g.path))
        parts.append(table)
    return Group(*parts)


def render_supply(r: supply_chain.Result) -> Group:
    rate = "—" if r.local_supporting_rate is None else f"{r.local_supporting_rate:.0%}"
    table = _table(
        f"{r.node.name} 上下游 · {r.scope.name}  本地配套率 {rate}", ("方向", "距离", "环节", "阶段", "本地企业")
    )
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
    table = _table(
        f"{r.segment.name} 招商对象 · {r.scope.name}（本地{status}，候选{r.total_candidates}家）",
        ("企业", "得分", "理由", "路径"),
        right=("得分",),
    )
    for c in r.candidates:
        table.add_row(c.enterprise.name, f"{c.score:g}", "；".join(c.reasons), _path(c.path))
    return Group(table)


def render_footprint(r: footprint.Result) -> Group:
    subs = _table(f"{r.group.name} 子公司", ("层级", "企业", "母公司", "持股", "依据", "本地"))
    for s in r.subsidiaries:
        stake = f"{s.stake_pct:g}%" if s.stake_pct is not None else "—"
        subs.add_row(str(s.level), s.enterprise.name, s.parent.name, stake, s.certainty, "✓" if s.local else "")
    projects = _table(
        f"{r.scope.name} 项目 {r.total_projects} 个，合计 {format_cny(r.total_investment_cny)}",
        ("项目", "状态", "投资", "投资方", "园区", "产业链"),
    )
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
    status = _table("项目状态", ("状态", "项目", "投资"))
    for s in r.projects_by_status:
        status.add_row(s.status, str(s.projects), format_cny(s.investment_cny))
    chains = _table("产业链", ("产业链", "覆盖", "完整度", "最大缺口"))
    for c in r.chains:
        chains.add_row(
            c.chain.name, f"{c.covered}/{c.total}", f"{c.completeness:.0%}", _names([g.segment for g in c.top_gaps])
        )
    return Group(head, status, chains)


def render_search(r: search.Result) -> Group:
    table = _table(f"“{r.query}” {r.total} 条", ("名称", "类型", "得分", "id"))
    for h in r.hits:
        table.add_row(h.name, h.kind.zh, f"{h.score:.2f}", h.id)
    return Group(table)


def render(console: Console, result: BaseModel) -> None:
    """Print a query result as tables (the queries with a CLI command)."""
    console.print(_renderable(result))


def _renderable(result: BaseModel) -> Group:
    renderer = _RENDERERS.get(type(result))
    if renderer is None:
        raise TypeError(f"no table for {type(result).__module__}.Result; print it with --json")
    return renderer(result)


_RENDERERS: dict[type[BaseModel], Callable[[Any], Group]] = {
    chain_map.Result: render_chain_map,
    gaps.Result: render_gaps,
    supply_chain.Result: render_supply,
    recommend.Result: render_recommend,
    footprint.Result: render_footprint,
    profile.Result: render_profile,
    search.Result: render_search,
}
