"""What :mod:`chainkg.queries.recommend` answers and how it ranks: its parameters and result, the
:class:`Facts` each store's twin gathers, and :func:`rank`, which applies the module's definition
(the score and its terms, in :mod:`chainkg.queries.recommend`) once for both stores."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field

from chainkg.queries.candidates import leadership
from chainkg.queries.common import NodeRef, ScopeRef
from chainkg.queries.params import SEGMENT, Scope
from chainkg.queries.presence import GroupPresence, group_presence
from chainkg.schema.kinds import Certainty, EnterpriseKind

__all__ = ["Candidate", "Facts", "Params", "Result", "rank"]

_STATE_KINDS = {EnterpriseKind.SOE.value, EnterpriseKind.CENTRAL_SOE_GROUP.value}


class Params(BaseModel):
    segment: Annotated[str, SEGMENT] = Field(
        description="segment: id or name / 环节 id 或名称", examples=["seg:高纯金属"]
    )
    scope: Scope = None
    limit: int = Field(default=20, ge=1, le=100, description="candidates listed / 推荐数量")
    w_group: float = Field(default=5.0, ge=0, le=10, description="weight of 以商招商 (same group as one present)")
    w_supplier: float = Field(default=2.0, ge=0, le=10, description="weight of supplying a local chain leader")
    w_leader: float = Field(default=2.0, ge=0, le=10, description="weight of leadership of the segment (rank)")
    w_region: float = Field(default=0.5, ge=0, le=10, description="weight of a head office in the scope's province")
    w_record: float = Field(default=0.5, ge=0, le=10, description="weight of size (listed or state-owned) and record")


class Candidate(BaseModel):
    enterprise: NodeRef
    score: float
    group: float
    supplier: float
    leader: float = Field(description="segment leadership: from its rank among the segment's leaders")
    region: float = Field(description="1 when its head office is in the scope's province")
    record: float
    rank: int | None = Field(default=None, description="its rank in the curated list of the segment's leaders")
    reasons: list[str]
    path: list[NodeRef]


class Result(BaseModel):
    segment: NodeRef
    scope: ScopeRef
    covered_here: bool = Field(description="whether the segment is already covered in the scope")
    present_groups: list[NodeRef] = Field(description="groups with an enterprise or investor in the scope")
    candidates: list[Candidate]
    total_candidates: int


@dataclass
class Facts:
    """What the ranking needs to know of the graph; each twin gathers it, :func:`rank` applies the
    definition above once for both stores."""

    segment: NodeRef
    scope: ScopeRef
    covered_here: bool
    pool: list[str]  # the candidates, by id
    present: AbstractSet[str]  # present enterprises (those in an ownership structure suffice)
    group_of: Callable[[str], str]
    ancestors: Callable[[str], list[str]]
    has_subsidiaries: Callable[[str], bool]
    chains: list[str]  # chains the segment is PART_OF, by id
    leaders: list[str]  # local leaders of those chains, by id
    leader_segments: dict[str, set[str]]
    led_chains: dict[str, list[str]]  # leader → those of ``chains`` it LEADS, in chain order
    fed: set[str]  # segments the segment FEEDS
    supplies: Callable[[str], list[str]]  # a candidate's SUPPLIES targets
    projects: Callable[[str], int]  # a candidate's INVESTS_IN edges
    attrs: Callable[[str], dict[str, Any]]  # a candidate's properties (stock_code, enterprise_kind)
    placement: Callable[[str], dict[str, Any]]  # its IN_SEGMENT edge to the segment (rank, certainty, basis)
    near: Callable[[str], bool]  # whether its head office is in the scope's province
    province: NodeRef | None
    anchor: Callable[[str], str | None]  # a present peer's first place if local, else first local project
    ref: Callable[[str], NodeRef]
    groups: GroupPresence | None = None  # group_presence(present, …) when the twin has it at hand, else computed
    present_refs: list[NodeRef] | None = None  # refs of the present groups, kept per scope (shared: never change)
    # told, before the details, the peers whose anchors and the nodes whose names they will show (a twin
    # that reads the graph over the network fetches them at once)
    prefetch: Callable[[list[str], list[str]], None] | None = None
    # the candidates in all, when ``pool`` holds only those that can reach the ``limit`` listed (a twin
    # that ranks them roughly first, and ships only those within a margin of the last listed)
    total: int | None = None


def rank(facts: Facts, params: Params) -> Result:
    """Score and order the candidates (the definition in the module docstring).

    Every candidate is scored; reasons and paths (most of the work) only for the ``limit`` returned.
    """
    present = facts.present
    present_by_group, real_groups = facts.groups or group_presence(present, facts.group_of, facts.has_subsidiaries)

    def name(node: str) -> str:
        return facts.ref(node).name

    def nearest(candidate: str) -> list[str]:
        """candidate → … → their lowest common owner → … → the present peer of its group nearest to it:
        the shortest such path, then the first. It ends with the peer; the details add where the peer
        is (its anchor: every present enterprise has one, so the choice is the same with it)."""
        up = [candidate, *facts.ancestors(candidate)]
        best: list[str] | None = None
        for peer in present_by_group[facts.group_of(candidate)]:
            down = [peer, *facts.ancestors(peer)]
            common = next(n for n in up if n in down)
            path = up[: up.index(common) + 1] + list(reversed(down[: down.index(common)]))
            if best is None or (len(path), path) < (len(best), best):
                best = path
        assert best is not None
        return best

    leaders, leader_segments, fed = facts.leaders, facts.leader_segments, facts.fed
    fed_leaders = [ld for ld in leaders if leader_segments[ld] & fed]

    def assess(enterprise: str, detail: bool) -> tuple[float, tuple[Any, ...], list[str], list[str]]:
        """The score and its parts (group, supplier, leader, region, record, rank) of a candidate, with
        its reasons and path when ``detail``."""
        reasons: list[str] = []
        path: list[str] = []
        group_score = 0.0
        group = facts.group_of(enterprise)
        if group in present_by_group:
            group_score = 1.0
            if detail:
                path = list(paths[enterprise])
                anchor = facts.anchor(path[-1])
                if anchor is not None:
                    path.append(anchor)
                peer = next(n for n in reversed(path) if n in present)
                reasons.append(f"以商招商：与本地的{name(peer)}同属{name(group)}")

        supplier_score = 0.0
        direct = sorted(v for v in facts.supplies(enterprise) if v in leader_segments)
        if direct:
            supplier_score = 1.0
            if detail:
                reasons.append(f"为本地链主{name(direct[0])}供货")
                if not path:
                    path = [enterprise, direct[0], *facts.led_chains[direct[0]][:1]]
        elif fed_leaders:
            supplier_score = 0.5
            if detail:
                target = sorted(leader_segments[fed_leaders[0]] & fed)[0]
                reasons.append(f"所在环节供给本地链主{name(fed_leaders[0])}所在的{name(target)}")
                if not path:
                    path = [enterprise, facts.segment.id, target, fed_leaders[0]]

        placement = facts.placement(enterprise)
        leader = leadership(placement)
        region = 1.0 if facts.near(enterprise) else 0.0
        attrs = facts.attrs(enterprise)
        projects = facts.projects(enterprise)
        big = bool(attrs.get("stock_code")) or attrs.get("enterprise_kind") in _STATE_KINDS
        record = 0.5 * big + 0.5 * min(1.0, projects / 5)
        if detail:
            if placement.get("rank") is not None:
                sure = "" if placement.get("certainty") != Certainty.INFERRED.value else "（推断）"
                reasons.append(f"环节龙头：全国第{placement['rank']}位{sure}")
            if region and facts.province is not None:
                reasons.append(f"总部位于{facts.province.name}")
            if big:
                reasons.append("上市公司或国有企业" if attrs.get("stock_code") else "国有企业")
            if projects:
                reasons.append(f"投资项目{projects}个")
            if not path:
                path = [enterprise, facts.segment.id]
        score = (
            params.w_group * group_score
            + params.w_supplier * supplier_score
            + params.w_leader * leader
            + params.w_region * region
            + params.w_record * record
        )
        parts = (group_score, supplier_score, round(leader, 6), region, round(record, 6), placement.get("rank"))
        return round(score, 6), parts, reasons, path

    paths: dict[str, list[str]] = {}
    order = sorted((-assess(enterprise, False)[0], enterprise) for enterprise in facts.pool)
    top = [enterprise for _, enterprise in order[: params.limit]]
    for enterprise in top:
        if facts.group_of(enterprise) in present_by_group:
            paths[enterprise] = nearest(enterprise)
    if facts.prefetch is not None:
        named = {n for path in paths.values() for n in path} | {facts.group_of(e) for e in paths}
        facts.prefetch(sorted({path[-1] for path in paths.values()}), sorted(named))
    candidates: list[Candidate] = []
    for enterprise in top:
        score, (group_score, supplier_score, leader, region, record, rank_), reasons, path = assess(enterprise, True)
        candidates.append(
            Candidate(
                enterprise=facts.ref(enterprise),
                score=score,
                group=group_score,
                supplier=supplier_score,
                leader=leader,
                region=region,
                record=record,
                rank=rank_,
                reasons=reasons or ["在该环节经营"],
                path=[facts.ref(n) for n in path],
            )
        )
    return Result(
        segment=facts.segment,
        scope=facts.scope,
        covered_here=facts.covered_here,
        present_groups=facts.present_refs if facts.present_refs is not None else [facts.ref(g) for g in real_groups],
        candidates=candidates,
        total_candidates=len(facts.pool) if facts.total is None else facts.total,
    )
