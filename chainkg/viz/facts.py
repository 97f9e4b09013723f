"""Tooltips: the key facts of a node and the sources that state them, as plain text.

The page builders start from query results, which name nodes but carry few of their properties;
the facts come from :mod:`chainkg.queries.entity` (its properties and CITES sources), so they are the same
on every store backend. Tooltips are plain text: vis-network shows a string title as text, never
as HTML, so a name from a registry cannot inject markup into the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chainkg.queries import entity
from chainkg.queries.common import NodeRef
from chainkg.schema.kinds import EdgeKind, EnterpriseKind, NodeKind
from chainkg.schema.money import format_cny
from chainkg.store.protocol import GraphStore

__all__ = ["Facts", "amount_text", "edge_tooltip", "fetch_facts", "node_tooltip"]

#: Sources listed per tooltip before "另有 N 条".
MAX_SOURCES = 3

Facts = dict[str, entity.Result]

_ROLES = {"investor": "出资方", "builder": "建设主体"}
_LEVELS = {
    "national": "国家级",
    "provincial": "省级",
    "municipal": "市级",
    "county": "县级",
    "base": "产业基地",
    "unrated": "未定级",
    "country": "国家",
    "province": "省",
    "city": "地级市",
    "district": "市辖区",
    "county_city": "县级市",
    "functional_zone": "功能区",
    "town": "乡镇/街道",
}


def fetch_facts(store: GraphStore, ids: Iterable[str]) -> Facts:
    """Properties and sources of each node, one entity query per node (its neighbours are not listed)."""
    out: Facts = {}
    for node_id in dict.fromkeys(ids):
        # CITES is never listed as a neighbour group (its edges are the sources), so this keeps the answer small.
        result = store.run(entity.QUERY, entity.Params(id=node_id, edge_kind=EdgeKind.CITES, limit=1))
        out[node_id] = result
    return out


def amount_text(amount: int | None, currency: str | None = "CNY") -> str:
    """An investment as reports write it: 亿元/万元 for 元, the raw amount with its currency otherwise."""
    if amount is None:
        return "—"
    if (currency or "CNY") == "CNY":
        return format_cny(amount)
    return f"{amount:,} {currency}"


def _key_facts(kind: NodeKind, props: dict[str, Any]) -> list[str]:
    lines: list[str] = []

    def add(label: str, value: Any) -> None:
        if value not in (None, "", [], {}):
            lines.append(f"{label}：{value}")

    aliases = props.get("aliases") or []
    add("简称/别名", "、".join(aliases[:4]))
    if kind is NodeKind.ENTERPRISE:
        raw = props.get("enterprise_kind")
        add(
            "类型", EnterpriseKind(raw).zh if isinstance(raw, str) and raw in EnterpriseKind._value2member_map_ else raw
        )
        add("统一社会信用代码", props.get("credit_code"))
        add("股票代码", props.get("stock_code"))
        if props.get("registered_capital") is not None:
            add("注册资本", format_cny(props["registered_capital"]))
        add("成立", props.get("established"))
        add("总部", props.get("home_region"))
    elif kind is NodeKind.PROJECT:
        add("状态", props.get("status"))
        add("状态日期", props.get("status_as_of"))
        if props.get("total_investment") is not None:
            add("总投资", amount_text(props["total_investment"], props.get("currency")))
        for key, label in (
            ("signed_date", "签约"),
            ("start_date", "开工"),
            ("production_date", "投产"),
            ("planned_production_date", "计划投产"),
        ):
            add(label, props.get(key))
        add("产能", props.get("capacity"))
        add("占地", props.get("area"))
    elif kind is NodeKind.PARK:
        add("级别", _LEVELS.get(props.get("level", ""), props.get("level")))
        add("设立", props.get("established"))
        if props.get("planned_investment") is not None:
            add("规划投资", format_cny(props["planned_investment"]))
        add("面积", props.get("area"))
    elif kind is NodeKind.REGION:
        add("级别", _LEVELS.get(props.get("level", ""), props.get("level")))
    elif kind is NodeKind.SEGMENT:
        add("阶段", props.get("stage"))
        add("英文", props.get("english"))
    elif kind is NodeKind.CHAIN:
        add("集群", props.get("cluster"))
        add("英文", props.get("english"))
    elif kind is NodeKind.SOURCE:
        add("发布", props.get("publisher"))
        add("日期", props.get("date"))
        add("网址", props.get("url"))
    if props.get("disputed"):
        add("来源不一致的字段", "、".join(props["disputed"]))
    return lines


def _source_lines(result: entity.Result) -> list[str]:
    if not result.sources:
        return ["来源：无（未引用来源）"]
    lines = ["来源："]
    for src in result.sources[:MAX_SOURCES]:
        meta = "，".join(x for x in (src.publisher, src.date) if x)
        head = f"· {src.source.name}" + (f"（{meta}）" if meta else "")
        lines.append(head + (f"：{src.evidence}" if src.evidence else ""))
    if len(result.sources) > MAX_SOURCES:
        lines.append(f"· 另有 {len(result.sources) - MAX_SOURCES} 条来源")
    return lines


def node_tooltip(ref: NodeRef, facts: Facts, extra: Iterable[str] = ()) -> str:
    """Name, kind and id; what this page knows about the node (``extra``); key facts; sources."""
    lines = [ref.name, f"{ref.kind.zh} · {ref.id}", *extra]
    found = facts.get(ref.id)
    if found is not None:
        lines += _key_facts(ref.kind, found.properties)
        lines += _source_lines(found)
    return "\n".join(lines)


def edge_tooltip(kind: EdgeKind | str, start: str, end: str, props: dict[str, Any], sources: Iterable[str] = ()) -> str:
    """The relation in words, its properties (stake, role, amount…) and the sources the edge carries."""
    label = kind.zh if isinstance(kind, EdgeKind) else kind
    lines = [f"{start} —{label}→ {end}"]
    for key, value in props.items():
        if value in (None, "", [], {}):
            continue
        if key == "stake_pct":
            lines.append(f"持股比例：{value:g}%")
        elif key == "amount":
            lines.append(f"金额：{amount_text(value, props.get('currency'))}")
        elif key == "role":
            lines.append("角色：" + _ROLES.get(value, str(value)))
        elif key == "currency":
            continue
        else:
            lines.append(f"{key}：{value}")
    shown = list(sources)
    if shown:
        lines.append("来源：")
        lines += [f"· {s}" for s in shown[:MAX_SOURCES]]
        if len(shown) > MAX_SOURCES:
            lines.append(f"· 另有 {len(shown) - MAX_SOURCES} 条来源")
    return "\n".join(lines)
