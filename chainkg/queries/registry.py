"""Every query, listed once: the docs generator, the benchmarks, the warm-up and the tests read this
list instead of writing their own."""

from __future__ import annotations

from typing import Any

from chainkg.queries import (
    chain_map,
    entity,
    explain,
    footprint,
    gaps,
    ledger,
    overview,
    pipeline,
    profile,
    project_history,
    recommend,
    report,
    search,
    stats,
    supply_chain,
)
from chainkg.queries.base import Query
from chainkg.queries.listing import chains, enterprises, parks, regions, segments
from chainkg.queries.policies import eligible as policy_eligible
from chainkg.queries.policies import listing as policy_list
from chainkg.queries.policies import match as policy_match

__all__ = ["QUERIES", "by_name"]

#: In the order the docs present them: the chain questions first, then lookups, then listings, then
#: the pipeline and policy questions.
QUERIES: tuple[Query[Any, Any], ...] = (
    chain_map.QUERY,
    gaps.QUERY,
    supply_chain.QUERY,
    recommend.QUERY,
    footprint.QUERY,
    profile.QUERY,
    ledger.QUERY,
    overview.QUERY,
    search.QUERY,
    entity.QUERY,
    explain.QUERY,
    stats.QUERY,
    chains.QUERY,
    segments.QUERY,
    parks.QUERY,
    regions.QUERY,
    enterprises.QUERY,
    pipeline.QUERY,
    project_history.QUERY,
    report.QUERY,
    policy_list.QUERY,
    policy_match.QUERY,
    policy_eligible.QUERY,
)

_BY_NAME = {query.name: query for query in QUERIES}


def by_name(name: str) -> Query[Any, Any]:
    """The query called ``name`` (KeyError listing the known names otherwise)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no query named {name!r}; known: {', '.join(_BY_NAME)}") from None
