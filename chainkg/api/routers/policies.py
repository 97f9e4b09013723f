"""Policy routes (惠企政策): the policies, a project's or enterprise's verdicts, a policy's qualifiers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import MAX_REF, PLACES, QUERY_ERRORS, ScopeQuery, id_path, resolve
from chainkg.api.routers.common import resolve_optional as resolve_opt
from chainkg.queries.policies import eligible, listing, match
from chainkg.schema.kinds import NodeKind

__all__ = ["AsOfQuery", "router"]

router = APIRouter(prefix="/policies", tags=["policies"], responses=QUERY_ERRORS)

_POLICY = (NodeKind.POLICY,)
_SUBJECTS = (NodeKind.PROJECT, NodeKind.ENTERPRISE)
PolicyPath = Annotated[str, id_path("policy: id or name / 政策 id 或名称", "policy:德州市招商引资激励办法")]
AsOfQuery = Annotated[
    dt.date | None,
    Query(description="as of this day, YYYY-MM-DD; default now / 截至日期（默认当前）", examples=["2023-06-30"]),
]


@router.get("", operation_id="list_policies", summary="List policies / 惠企政策")
def list_policies(
    store: StoreDep,
    text: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=listing.QUERY.limits("text").max_length,
            description=listing.QUERY.description("text"),
        ),
    ] = None,
) -> listing.Result:
    """Every incentive policy: its document, its conditions and benefits, whether the benefit can be
    computed, and its sources — see docs/queries.md, "Policies"."""
    return store.run(listing.QUERY, listing.Params(text=text))


@router.get("/match", operation_id="match_policies", summary="Policy match / 惠企政策匹配")
def match_policies(
    store: StoreDep,
    subject: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_REF,
            description="project or enterprise: id or name / 项目或企业",
            examples=["proj:山东有研艾斯12英寸硅片项目"],
        ),
    ],
    actual_investment: Annotated[
        int | None,
        Query(
            ge=match.QUERY.limits("actual_investment").ge,
            le=match.QUERY.limits("actual_investment").le,
            description=match.QUERY.description("actual_investment"),
            examples=[300_000_000],
        ),
    ] = None,
    policy: Annotated[
        str | None, Query(min_length=1, max_length=MAX_REF, description=match.QUERY.description("policy"))
    ] = None,
    as_of: AsOfQuery = None,
) -> match.Result:
    """Every policy's verdict on a project or enterprise: eligible with the benefit (``benefit_cny``, 元),
    or not, with each unmet condition and how far (``unmet``) — see docs/queries.md, "Policy match"."""
    params = match.Params(
        subject=resolve(store, subject, _SUBJECTS, "project or enterprise", "subject"),
        actual_investment=actual_investment,
        policy=resolve_opt(store, policy, _POLICY, "policy", "policy"),
        as_of=as_of,
    )
    return store.run(match.QUERY, params)


@router.get("/{policy:path}/eligible", operation_id="get_policy_eligible", summary="Who qualifies / 政策兑现测算")
def get_policy_eligible(
    store: StoreDep,
    policy: PolicyPath,
    scope: ScopeQuery = None,
    as_of: AsOfQuery = None,
    limit: Annotated[
        int,
        Query(
            ge=eligible.QUERY.limits("limit").ge,
            le=eligible.QUERY.limits("limit").le,
            description=eligible.QUERY.description("limit"),
        ),
    ] = eligible.QUERY.default("limit"),
) -> eligible.Result:
    """Everything in the scope that qualifies for the policy, with the total it would cost per county
    and per year — see docs/queries.md, "Policy eligibility"."""
    params = eligible.Params(
        policy=resolve(store, policy, _POLICY, "policy", "policy"),
        scope=resolve_opt(store, scope, PLACES, "region or park", "scope"),
        as_of=as_of,
        limit=limit,
    )
    return store.run(eligible.QUERY, params)
