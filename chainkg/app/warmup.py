"""Building the embedded store's indexes before the first request needs them.

The networkx twins keep their indexes per graph version (:mod:`chainkg.store.nx_index`): the first search
after a start builds the key index of every node (1 s at city scale, 25 s at a province's), the first
recommendation the presence and ownership indexes, and so on. A server that answers its first user
with that wait looks broken, so ``serve`` and every load through the API run :func:`warm` in a
background thread as soon as the store is published.

It warms by running one real call of each query that builds an index, not by calling the builders:
the calls go through the same code as a request, so whatever a query caches is what gets built, and
a new index in a query cannot be forgotten here. The calls behind the start pages come first (gap
analysis, chain map, overview); the search's key index, the slowest to build, last. Neo4j keeps its
own caches; nothing is done for it.

:func:`kept_answers` chooses what a snapshot keeps to answer at once after a start, while its graph
is still being built (:mod:`chainkg.store.snapshot`, format 3): the statistics, the chain list, the
overview, the home city's profile, and each chain's gap analysis and map at the home city — with the
scope left out and given as the home city's id, as the API and the workbench ask for them. None of
these depends on the day (``as_of`` left out means "whatever the sources say", not "today").
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from pydantic import BaseModel

from chainkg.queries import chain_map, gaps, overview, profile, recommend, search, stats
from chainkg.queries.base import Query
from chainkg.queries.common import home_region
from chainkg.queries.errors import QueryError
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.schema.kinds import NodeKind
from chainkg.store.memory import MemoryStore
from chainkg.store.nx_index import nodes_of_kind
from chainkg.store.protocol import GraphStore
from chainkg.store.snapshot import kept_key

__all__ = ["kept_answers", "start_warming", "warm"]

log = logging.getLogger("chainkg.warmup")


def warm(store: GraphStore) -> float:
    """Run the index-building calls on an embedded store; returns the seconds it took (0 for other
    stores and for an empty graph). A call that fails is logged and skipped: warming is an
    optimisation and never the reason a server stops answering."""
    if not isinstance(store, MemoryStore) or store.graph.number_of_nodes() == 0:
        return 0.0
    started = time.perf_counter()
    graph = store.graph
    for query, params in _calls(store):
        try:
            query.networkx(graph, params)  # not store.run: a kept answer would build nothing
        except QueryError as exc:  # e.g. a graph without a home region: its requests will say so too
            log.info("warm-up skipped %s: %s", query.name, exc)
    return time.perf_counter() - started


def kept_answers(store: GraphStore) -> dict[str, str]:
    """The answers a snapshot of ``store`` keeps (:func:`chainkg.store.snapshot.kept_key` → result JSON),
    computed now from its graph; {} for other stores, an empty graph or one without a home region."""
    if not isinstance(store, MemoryStore) or store.graph.number_of_nodes() == 0:
        return {}
    graph = store.graph
    try:
        home = home_region(graph)
    except QueryError:
        return {}
    calls: list[tuple[Query[Any, Any], BaseModel]] = [
        (stats.QUERY, stats.Params()),
        (listing_chains.QUERY, listing_chains.Params()),
        (profile.QUERY, profile.Params(place=home)),
    ]
    for scope in (None, home):
        calls.append((overview.QUERY, overview.Params(scope=scope)))
        for chain in nodes_of_kind(graph, NodeKind.CHAIN):
            calls.append((gaps.QUERY, gaps.Params(chain=chain, scope=scope)))
            calls.append((chain_map.QUERY, chain_map.Params(chain=chain, scope=scope)))
    answers: dict[str, str] = {}
    for query, params in calls:
        try:
            answers[kept_key(query.name, params)] = query.networkx(graph, params).model_dump_json()
        except Exception as exc:  # a kept answer is an optimisation: never the reason a save fails
            log.info("not kept: %s: %s", query.name, exc)
    return answers


def start_warming(store: GraphStore) -> threading.Thread | None:
    """:func:`warm` in a daemon thread (None when there is nothing to warm)."""
    if not isinstance(store, MemoryStore):
        return None

    def run() -> None:
        try:
            seconds = warm(store)
        except Exception:  # never take the server down; the requests will build what is missing
            log.exception("warming the indexes failed")
            return
        if seconds:
            log.info("indexes built in %.1f s", seconds)

    thread = threading.Thread(target=run, name="chainkg-warmup", daemon=True)
    thread.start()
    return thread


def _calls(store: MemoryStore) -> list[tuple[Query[Any, Any], BaseModel]]:
    graph = store.graph
    chains = nodes_of_kind(graph, NodeKind.CHAIN)
    segments = nodes_of_kind(graph, NodeKind.SEGMENT)
    last: list[tuple[Query[Any, Any], BaseModel]] = [
        (stats.QUERY, stats.Params()),
        (listing_enterprises.QUERY, listing_enterprises.Params(limit=1)),
        (search.QUERY, search.Params(text="集团")),  # the key index every search and text filter uses
    ]
    try:
        home = home_region(graph)
    except QueryError:
        return last
    calls: list[tuple[Query[Any, Any], BaseModel]] = []
    if chains:
        calls.append((gaps.QUERY, gaps.Params(chain=chains[0])))  # segment, place and member indexes
    calls.append((overview.QUERY, overview.Params()))  # the workbench's first page (chainkg/web)
    calls.append((profile.QUERY, profile.Params(place=home)))  # the home city's summary
    if segments:
        calls.append((recommend.QUERY, recommend.Params(segment=segments[0])))  # presence and ownership
    return calls + last
