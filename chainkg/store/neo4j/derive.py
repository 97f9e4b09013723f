"""Deriving the chain facts (:mod:`chainkg.store.neo4j.facts`) in transactions of bounded size.

A derivation is a sequence of write transactions: :data:`~chainkg.store.neo4j.facts.LOCK` with the
markers it answers for, the previous facts dropped a slice at a time, the place facts, the member facts
of a few places at a time (:data:`WEIGHT` bounds the places a transaction covers: a city's root alone,
a province's root alone, leaf places many together), the whole graph's facts a chain at a time, and
:data:`~chainkg.store.neo4j.facts.DONE`. Each transaction after the first begins with
:data:`~chainkg.store.neo4j.facts.CLAIM`, which serialises the transactions of concurrent derivations
and stops a derivation another one took over (the later one drops everything and rebuilds).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

import neo4j

from chainkg.store.neo4j import facts, groups, shapes

__all__ = ["SLICE", "WEIGHT", "Run", "Transact", "batches", "derive"]

#: Runs ``work`` in one write transaction (the driver's ``Session.execute_write``).
Transact = Callable[[Callable[[neo4j.ManagedTransaction], Any]], Any]
#: Runs one statement in a transaction and returns its rows.
Run = Callable[[neo4j.ManagedTransaction, str, Mapping[str, Any]], list[dict[str, Any]]]

#: Facts deleted per transaction when the previous ones are dropped.
SLICE = 20_000

#: The places (summed over the root places, each counting the places it covers) whose member facts
#: one transaction derives; a root covering more is derived alone.
WEIGHT = 64


class _Superseded(Exception):
    """Another derivation took the state over (or the graph was cleared): this one stops."""


def batches(weights: list[tuple[str, int]], budget: int = WEIGHT) -> list[list[str]]:
    """The places in order, cut into runs whose weights sum to at most ``budget`` (a heavier place alone)."""
    out: list[list[str]] = []
    current: list[str] = []
    total = 0
    for place, weight in weights:
        if current and total + weight > budget:
            out.append(current)
            current, total = [], 0
        current.append(place)
        total += weight
    if current:
        out.append(current)
    return out


def derive(transact: Transact, run: Run, *, budget: int = WEIGHT) -> bool:
    """Derive the facts unless they are fresh; True when this call derived them, False when they were
    fresh or a later derivation took over (it leaves them derived)."""
    token = uuid.uuid4().hex

    def lock(tx: neo4j.ManagedTransaction) -> list[str] | None:
        (row,) = run(tx, facts.LOCK, {"token": token})
        if row["fresh"]:
            return None
        return [r["id"] for r in run(tx, facts.MARKERS, {})]

    markers: list[str] | None = transact(lock)
    if markers is None:
        return False

    def step(statement: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            claim = run(tx, facts.CLAIM, {"token": token})
            if not claim or not claim[0]["ours"]:
                raise _Superseded
            return run(tx, statement, parameters)

        rows: list[dict[str, Any]] = transact(work)
        return rows

    try:
        while step(facts.DROP, {"slice": SLICE})[0]["dropped"]:
            pass
        step(facts.PLACES, {})
        weights = [(r["place"], r["weight"]) for r in step(facts.WEIGHTS, {})]
        for places in batches(weights, budget):
            step(facts.MEMBERS, {"places": places, "active": facts.ACTIVE, "head": facts.HEAD})
        groups.derive(step, batches(weights, budget))  # recommend's groups: lineages, then per place
        shapes.derive(step)  # the chains' shapes
        for row in step(facts.CHAINS, {}):
            step(facts.GRAPH, {"chains": [row["id"]]})
        step(facts.DONE, {"markers": markers})
    except _Superseded:
        return False
    return True
