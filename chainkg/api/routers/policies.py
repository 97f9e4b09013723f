"""Policy routes (惠企政策): the policies, a project's or enterprise's verdicts, a policy's qualifiers."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from chainkg.api.deps import StoreDep
from chainkg.api.routers.common import QUERY_ERRORS, path_param, query_param, run
from chainkg.queries.policies import eligible, listing, match

__all__ = ["router"]

router = APIRouter(prefix="/policies", tags=["policies"], responses=QUERY_ERRORS)


@router.get("", operation_id="list_policies", summary="List policies / 惠企政策")
def list_policies(
    store: StoreDep, text: str | None = query_param(listing.QUERY, "text", min_length=1)
) -> listing.Result:
    """Every incentive policy: its document, its conditions and benefits, whether the benefit can be
    computed, and its sources — see docs/queries.md, "Policies"."""
    return run(store, listing.QUERY, {"text": text})


@router.get("/match", operation_id="match_policies", summary="Policy match / 惠企政策匹配")
def match_policies(
    store: StoreDep,
    subject: str = query_param(match.QUERY, "subject"),
    actual_investment: int | None = query_param(match.QUERY, "actual_investment", examples=[300_000_000]),
    policy: str | None = query_param(match.QUERY, "policy"),
    as_of: dt.date | None = query_param(match.QUERY, "as_of"),
) -> match.Result:
    """Every policy's verdict on a project or enterprise: eligible with the benefit (``benefit_cny``, 元),
    or not, with each unmet condition and how far (``unmet``) — see docs/queries.md, "Policy match"."""
    values = {"subject": subject, "actual_investment": actual_investment, "policy": policy, "as_of": as_of}
    return run(store, match.QUERY, values)


@router.get("/{policy:path}/eligible", operation_id="get_policy_eligible", summary="Who qualifies / 政策兑现测算")
def get_policy_eligible(
    store: StoreDep,
    policy: str = path_param(eligible.QUERY, "policy"),
    scope: str | None = query_param(eligible.QUERY, "scope"),
    as_of: dt.date | None = query_param(eligible.QUERY, "as_of"),
    limit: int = query_param(eligible.QUERY, "limit"),
) -> eligible.Result:
    """Everything in the scope that qualifies for the policy, with the total it would cost per county
    and per year — see docs/queries.md, "Policy eligibility"."""
    return run(store, eligible.QUERY, {"policy": policy, "scope": scope, "as_of": as_of, "limit": limit})
