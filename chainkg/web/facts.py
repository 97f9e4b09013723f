"""A node's facts as a card shows them: Chinese labels, readable values, disputed values flagged with
what each source claims, and its relations grouped under headings people use.

Everything here reads an :class:`chainkg.queries.entity.Result` (properties, CITES sources with their
claims, neighbours by edge kind); nothing is looked up again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainkg.queries import entity
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.web.formats import LABELS, certainty_zh, cny, enterprise_kind_zh, level_zh

__all__ = ["Fact", "Relation", "facts", "relations"]

#: Bookkeeping properties a card never shows.
HIDDEN = {
    "name",
    "aliases",
    "keys",
    "curated_fields",
    "disputed",
    "home",
    "key",
    "kind",
    "title",
    # derived for the queries: a project's timelines (its history section shows them) and a policy's terms as JSON
    "status_timeline",
    "investment_timeline",
    "terms",
}
_AUTHORITY = {0: "未知/整理", 1: "一般媒体", 2: "官方媒体", 3: "政府文件"}


def value_text(key: str, value: Any, props: dict[str, Any]) -> str:
    if value is None or value == "":
        return "—"
    if key in ("total_investment",):
        currency = props.get("currency") or "CNY"
        return cny(value) if currency == "CNY" else f"{value:,} {currency}"
    if key in ("registered_capital", "planned_investment", "amount", "actual_investment"):
        return cny(value)
    if key == "enterprise_kind":
        return enterprise_kind_zh(value)
    if key == "level":
        return level_zh(value)
    if key == "authority":
        return _AUTHORITY.get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


@dataclass
class Fact:
    key: str
    label: str
    text: str
    disputed: bool = False
    #: (source reference, claimed value as text) for every source that claims this field.
    claims: list[tuple[Any, str]] = field(default_factory=list)
    link: bool = False


def facts(detail: entity.Result) -> list[Fact]:
    """The card's rows: known labels first in their order, then any other property; disputed ones
    carry every source's claim."""
    props = detail.properties
    disputed = set(props.get("disputed") or [])
    keys = [k for k in LABELS if k in props] + sorted(k for k in props if k not in LABELS and k not in HIDDEN)
    rows = []
    for key in keys:
        if key in HIDDEN:
            continue
        claims = [(src.source, value_text(key, src.claims[key], props)) for src in detail.sources if key in src.claims]
        rows.append(
            Fact(
                key=key,
                label=LABELS.get(key, key),
                text=value_text(key, props[key], props),
                disputed=key in disputed,
                claims=claims if key in disputed else [],
                link=key == "url",
            )
        )
    for key in sorted(disputed - set(keys)):  # a disputed field with no value shown
        claims = [(src.source, value_text(key, src.claims[key], props)) for src in detail.sources if key in src.claims]
        rows.append(Fact(key, LABELS.get(key, key), "—", True, claims))
    return rows


# --- relations ------------------------------------------------------------------------------------

_TITLES: dict[tuple[EdgeKind, str], str] = {
    (EdgeKind.SUBSIDIARY_OF, "out"): "母公司",
    (EdgeKind.SUBSIDIARY_OF, "in"): "子公司",
    (EdgeKind.INVESTS_IN, "out"): "投资项目",
    (EdgeKind.INVESTS_IN, "in"): "投资方与建设主体",
    (EdgeKind.LOCATED_IN, "out"): "所在地",
    (EdgeKind.LOCATED_IN, "in"): "位于此处",
    (EdgeKind.IN_SEGMENT, "out"): "所属环节",
    (EdgeKind.IN_SEGMENT, "in"): "环节内企业与项目",
    (EdgeKind.PART_OF, "out"): "隶属",
    (EdgeKind.PART_OF, "in"): "下辖/包含",
    (EdgeKind.FEEDS, "out"): "供给（下游环节）",
    (EdgeKind.FEEDS, "in"): "由以下环节供给（上游）",
    (EdgeKind.LEADS, "out"): "链主：牵头产业链",
    (EdgeKind.LEADS, "in"): "链主企业",
    (EdgeKind.OVERSEES, "out"): "主管产业链",
    (EdgeKind.OVERSEES, "in"): "链长办公室",
    (EdgeKind.SUPPLIES, "out"): "供货给",
    (EdgeKind.SUPPLIES, "in"): "供应商",
    (EdgeKind.CITES, "in"): "引用本来源的事实",
    (EdgeKind.EVENT_OF, "out"): "所属项目",
    (EdgeKind.EVENT_OF, "in"): "各阶段记录",
    (EdgeKind.HANDLES, "out"): "负责跟进的项目",
    (EdgeKind.HANDLES, "in"): "负责跟进的链长办公室",
    (EdgeKind.COVERS, "out"): "适用产业",
    (EdgeKind.COVERS, "in"): "适用的惠企政策",
    (EdgeKind.APPLIES_IN, "out"): "适用地区",
    (EdgeKind.APPLIES_IN, "in"): "适用的惠企政策",
}
_ROLES = {"investor": "出资方", "builder": "建设主体"}


@dataclass
class Relation:
    title: str
    edge_kind: str
    direction: str
    total: int
    #: (neighbour, edge facts in words, the edge's sources as (source id, evidence, certainty))
    items: list[tuple[Any, str, list[tuple[str, str, str]]]]


def edge_text(kind: EdgeKind, props: dict[str, Any]) -> str:
    parts = []
    if kind is EdgeKind.INVESTS_IN:
        parts.append(_ROLES.get(props.get("role", "investor"), str(props.get("role"))))
        if props.get("amount") is not None:
            currency = props.get("currency") or "CNY"
            parts.append(cny(props["amount"]) if currency == "CNY" else f"{props['amount']:,} {currency}")
    elif kind is EdgeKind.SUBSIDIARY_OF and props.get("stake_pct") is not None:
        parts.append(f"持股 {props['stake_pct']:g}%")
    elif kind is EdgeKind.SUPPLIES and props.get("product"):
        parts.append(str(props["product"]))
    elif kind is EdgeKind.LEADS and props.get("scope"):
        parts.append(f"范围 {str(props['scope']).split(':', 1)[-1]}")
    elif kind is EdgeKind.CITES and props.get("evidence"):
        parts.append(str(props["evidence"]))
    return "，".join(parts)


def relations(detail: entity.Result) -> list[Relation]:
    out = []
    for group in detail.neighbours:
        title = _TITLES.get((group.edge_kind, group.direction), f"{group.edge_kind.zh}（{group.direction}）")
        if group.edge_kind is EdgeKind.PART_OF and group.direction == "in" and detail.node.kind is NodeKind.CHAIN:
            title = "环节"
        items = [
            (
                n.node,
                edge_text(group.edge_kind, n.properties),
                [(s.source, s.evidence, certainty_zh(s.certainty)) for s in n.sources],
            )
            for n in group.items
        ]
        out.append(Relation(title, group.edge_kind.value, group.direction, group.total, items))
    return out
