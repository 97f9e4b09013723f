"""Policies (惠企政策): every incentive policy in the graph, with its document and its terms.

Definition. Every Policy node, ordered by id (``text`` keeps those whose name or alias contains it,
normalised), with its issuer, 文号, level, dates in force, whom it is for, whether it is
**computable** (its benefits are stated), its conditions and benefits in words and as data, and the
sources that state it. Conditions name chains, segments and places by id; ``chains: all`` means any
chain of the graph. Fields are defined in ``data/policies/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from chainkg.queries.base import Query
from chainkg.queries.cypher import common as cy
from chainkg.queries.policies import facts as pf
from chainkg.queries.policies.rules import PolicyFacts, PolicyRef
from chainkg.schema.money import format_cny
from chainkg.schema.normalize import normalize_name
from chainkg.schema.policy import PolicySubject

__all__ = ["QUERY", "Params", "PolicyItem", "Result", "SourceRef", "run_cypher", "run_networkx"]


class Params(BaseModel):
    text: str | None = Field(default=None, max_length=100, description="part of the title or an alias / 名称")


class SourceRef(BaseModel):
    id: str
    title: str
    date: str | None


class PolicyItem(BaseModel):
    policy: PolicyRef
    aliases: list[str]
    issuer: str | None
    document_number: str | None = Field(description="文号")
    level: str | None
    effective_from: str | None
    effective_to: str | None
    subject: PolicySubject = Field(description="whom it is for: project or enterprise")
    computable: bool = Field(description="its benefits are stated, so verdicts can compute them")
    summary: str | None
    conditions: dict[str, Any] = Field(description="the conditions as data (data/policies/README.md)")
    conditions_text: list[str] = Field(description="the conditions in words")
    benefits_text: list[str] = Field(description="the benefits in words")
    sources: list[SourceRef]


class Result(BaseModel):
    total: int
    items: list[PolicyItem]


def _item(policy: PolicyFacts) -> PolicyItem:
    terms, props = policy.terms, policy.props
    cond = terms.conditions
    words: list[str] = []
    if cond.chains == "all":
        words.append(f"属于本市产业链（{cond.industry_label or '任一产业链'}）")
    elif cond.chains:
        words.append("属于产业链：" + "、".join(c.split(":", 1)[-1] for c in cond.chains))
    if cond.segments:
        words.append("属于环节：" + "、".join(s.split(":", 1)[-1] for s in cond.segments))
    if cond.places:
        words.append("位于：" + "、".join(p.split(":", 1)[-1] for p in cond.places))
    if cond.enterprise_kinds:
        words.append("企业类型：" + "、".join(k.zh for k in cond.enterprise_kinds))
    if cond.statuses:
        words.append("项目阶段：" + "、".join(s.value for s in cond.statuses))
    if cond.min_actual_investment is not None:
        words.append(f"实际投资{format_cny(cond.min_actual_investment)}以上")
    if cond.min_planned_investment is not None:
        words.append(f"计划总投资{format_cny(cond.min_planned_investment)}以上")
    if cond.min_employment is not None:
        words.append(f"就业{cond.min_employment}人以上")
    words += [f"需核实：{o}" for o in cond.other]
    return PolicyItem(
        policy=policy.ref,
        aliases=_aliases(props),
        issuer=_text(props.get("issuer")),
        document_number=_text(props.get("document_number")),
        level=_text(props.get("level")),
        effective_from=_text(props.get("effective_from")),
        effective_to=_text(props.get("effective_to")),
        subject=terms.subject,
        computable=terms.computable,
        summary=_text(props.get("summary")),
        conditions=cond.model_dump(mode="json", exclude_none=True),
        conditions_text=words,
        benefits_text=[(f"{b.name}：" if b.name else "") + b.describe() for b in terms.benefits],
        sources=[SourceRef(id=i, title=t, date=d) for i, t, d in policy.sources],
    )


def _aliases(props: Mapping[str, object]) -> list[str]:
    aliases = props.get("aliases")
    return [str(a) for a in aliases] if isinstance(aliases, list | tuple) else []


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _result(policies: list[PolicyFacts], params: Params) -> Result:
    key = normalize_name(params.text) if params.text else ""
    items = []
    for policy in policies:
        names = [policy.ref.name, *_aliases(policy.props)]
        if key and not any(key in normalize_name(n) for n in names):
            continue
        items.append(_item(policy))
    return Result(total=len(items), items=items)


def run_networkx(graph: nx.MultiDiGraph[str], params: Params) -> Result:
    return _result(pf.policies_nx(graph), params)


def run_cypher(execute: cy.Execute, params: Params) -> Result:
    return _result(pf.policies_cypher(execute), params)


QUERY: Query[Params, Result] = Query(
    name="policies",
    summary="Policies / 惠企政策",
    params=Params,
    result=Result,
    run_networkx=run_networkx,
    run_cypher=run_cypher,
    module=__name__,
    command="policy list",
)
