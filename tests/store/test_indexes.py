"""The embedded store's derived indexes answer exactly as the plain scans they replace.

Search scores only the nodes its bigram index names, explain searches from both ends, and chain
queries keep per-scope sets per graph version. Each is checked here against the definition written
out the slow way (the code these replaced), on random graphs, and against a write that must be seen.
"""

from __future__ import annotations

from collections import deque

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainkg.queries import chain_map, explain, gaps, recommend, search
from chainkg.queries.listing.base import matching_text
from chainkg.queries.matching import KIND_ORDER, dice_clauses, score_keys
from chainkg.queries.search import Hit, rank
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.models import Enterprise, make_edge
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, Provenance
from chainkg.store.key_index import KeyIndex, bigrams
from chainkg.store.memory import MemoryStore
from tests.queries.generated import build, specs

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Names of a few words from a small vocabulary, so they share bigrams and every score band —
# Dice similarity above all — is reached; and a few characters to change one by.
WORDS = ["有研", "科技", "集团", "新材料", "德州", "半导体", "有限公司", "亿金", "山东", "a", "b"]
CHARS = "有研科技集团新材料德州山东"
texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map("".join)
KINDS = [NodeKind.ENTERPRISE, NodeKind.PROJECT, NodeKind.PARK, NodeKind.SEGMENT, NodeKind.SOURCE]


@st.composite
def named_graphs(draw: st.DrawFn) -> nx.MultiDiGraph:
    """Nodes of several kinds with a name and aliases (some without ``keys``: the name is the key)."""
    graph = nx.MultiDiGraph()
    for number, (name, aliases, kind, with_keys) in enumerate(
        draw(
            st.lists(
                st.tuples(texts, st.lists(texts, max_size=2), st.sampled_from(KINDS), st.booleans()),
                min_size=1,
                max_size=25,
            )
        )
    ):
        attrs = {"kind": kind.value, "name": name}
        if with_keys:
            attrs["keys"] = [normalize_name(name), *(normalize_name(a) for a in aliases)]
        graph.add_node(f"{kind.prefix}:{number}", **attrs)
    return graph


def scan_search(graph: nx.MultiDiGraph, params: search.Params) -> search.Result:
    """Search as defined, scoring every node (the networkx twin before its index)."""
    query = normalize_name(params.text)
    default = [k for k in KIND_ORDER if k not in (NodeKind.SOURCE, NodeKind.PROJECT_EVENT)]
    kinds = {k.value for k in (params.kinds or default)}
    hits = []
    for node, attrs in graph.nodes(data=True):
        if attrs["kind"] not in kinds:
            continue
        keys = attrs.get("keys")
        score, matched = score_keys(query, [normalize_name(attrs.get("name", ""))] if keys is None else keys)
        if score > 0:
            hits.append(
                Hit(id=node, kind=NodeKind(attrs["kind"]), name=attrs.get("name", node), score=score, matched=matched)
            )
    return search.Result(query=query, hits=rank(hits, params.limit), total=len(hits))


@st.composite
def queries_for(draw: st.DrawFn, graph: nx.MultiDiGraph) -> str:
    """A name, part of one, one with a character changed, two run together, or any text."""
    names = [attrs["name"] for _, attrs in graph.nodes(data=True)]
    name = draw(st.sampled_from(names))
    start = draw(st.integers(0, len(name) - 1))
    end = draw(st.integers(start + 1, len(name)))
    changed = name[:start] + draw(st.sampled_from(CHARS)) + name[start + 1 :]
    dropped = name[:start] + name[end:] or name
    others = draw(st.sampled_from(names))
    return draw(st.sampled_from([name, name[start:end], changed, dropped, name + others, others + name, draw(texts)]))


@SETTINGS
@given(graph=named_graphs(), data=st.data())
def test_search_with_the_index_finds_exactly_what_a_scan_finds(graph: nx.MultiDiGraph, data: st.DataObject) -> None:
    text = data.draw(queries_for(graph))
    kinds = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(KINDS), min_size=1, unique=True)))
    params = search.Params(text=text, kinds=kinds, limit=data.draw(st.integers(1, 50)))
    assert search.run_networkx(graph, params) == scan_search(graph, params)


_HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


@settings(max_examples=300, deadline=None)
@given(query=st.text(_HAN, min_size=2, max_size=40), data=st.data())
def test_every_dice_match_meets_a_clause_of_its_size(query: str, data: st.DataObject) -> None:
    """Neo4j's search finds a similar key (Dice ≥ 0.5) only through :func:`dice_clauses`: a key of
    n bigrams must hold ``need`` of the clause's bigrams for its size, whatever order they come in.
    The keys: the query's tail, lengthened and with a few characters changed (most are similar)."""
    key = list(query[data.draw(st.integers(0, len(query) // 2)) :] + data.draw(st.text(_HAN, max_size=10)))
    for at, char in data.draw(st.lists(st.tuples(st.integers(0, 99), st.sampled_from(_HAN)), max_size=3)):
        key[at % len(key)] = char
    q_grams, k_grams = bigrams(query), bigrams("".join(key))
    grams = data.draw(st.permutations(sorted(q_grams)))
    clauses = {n: (set(held), need) for n, held, need in dice_clauses(list(grams))}
    if k_grams and 4 * len(q_grams & k_grams) >= len(q_grams) + len(k_grams):
        held, need = clauses[len(k_grams)]
        assert len(held & k_grams) >= need


@SETTINGS
@given(graph=named_graphs(), data=st.data())
def test_the_text_filter_with_the_index_keeps_what_a_scan_keeps(graph: nx.MultiDiGraph, data: st.DataObject) -> None:
    text = normalize_name(data.draw(queries_for(graph)))
    expected = {
        node
        for node, attrs in graph.nodes(data=True)
        if any(text in key for key in attrs.get("keys") or [normalize_name(attrs.get("name", ""))])
    }
    assert KeyIndex(graph).containing(text) == expected
    ids = sorted(graph)
    assert matching_text(graph, ids, text) == [n for n in ids if n in expected]


# --- explain ------------------------------------------------------------------------------------


@st.composite
def linked_graphs(draw: st.DrawFn) -> nx.MultiDiGraph:
    """Random enterprises, segments and places with random edges, some CITES to Source nodes: a
    random tree plus as many random edges again, so shortest paths run several hops, often several
    of one length, with hubs, so either end may be the cheaper side to search from."""
    rng = draw(st.randoms(use_true_random=False))
    kinds = [rng.choice([NodeKind.ENTERPRISE, NodeKind.SEGMENT, NodeKind.REGION]) for _ in range(rng.randint(2, 30))]
    graph = nx.MultiDiGraph()
    nodes = [f"{kind.prefix}:{i}" for i, kind in enumerate(kinds)]
    for node, kind in zip(nodes, kinds, strict=True):
        graph.add_node(node, kind=kind.value, name=node)
    graph.add_node("source:s", kind=NodeKind.SOURCE.value, name="s")
    for i in range(1, len(nodes)):
        graph.add_edge(nodes[i], nodes[rng.randrange(i)], key="TREE", kind=EdgeKind.PART_OF.value)
    for _ in range(rng.randint(len(nodes) // 2, 2 * len(nodes))):
        key = rng.choice(["LINK", "OTHER"])
        kind = EdgeKind.SUPPLIES.value if key == "LINK" else EdgeKind.IN_SEGMENT.value
        graph.add_edge(rng.choice(nodes), rng.choice(nodes), key=key, kind=kind)
    for node in rng.sample(nodes, rng.randint(0, len(nodes))):
        graph.add_edge(node, "source:s", key=EdgeKind.CITES.value, kind=EdgeKind.CITES.value)
    return graph


def one_sided_paths(graph: nx.MultiDiGraph, source: str, target: str, max_length: int, max_paths: int) -> list:
    """Explain's paths by the definition: a breadth-first search from the source only, every shortest
    path's predecessors, the first ``max_paths`` paths in lexicographic order."""

    def neighbours(node: str) -> set[str]:
        out = {v for _, v, k in graph.out_edges(node, data="kind") if k != EdgeKind.CITES.value}
        out |= {u for u, _, k in graph.in_edges(node, data="kind") if k != EdgeKind.CITES.value}
        return {n for n in out if graph.nodes[n]["kind"] != NodeKind.SOURCE.value}

    distance, predecessors = {source: 0}, {source: set()}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if distance[node] == max_length:
            continue
        for other in neighbours(node):
            if other not in distance:
                distance[other] = distance[node] + 1
                predecessors[other] = {node}
                queue.append(other)
            elif distance[other] == distance[node] + 1:
                predecessors[other].add(node)
    if target not in distance:
        return []
    paths: list[list[str]] = []

    def back(path: list[str]) -> None:  # every shortest path, from the target back
        if path[0] == source:
            paths.append(path)
            return
        for previous in predecessors[path[0]]:
            back([previous, *path])

    back([target])
    return sorted(paths)[:max_paths]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=linked_graphs(), data=st.data())
def test_explain_from_both_ends_finds_the_shortest_paths_of_a_one_sided_search(
    graph: nx.MultiDiGraph, data: st.DataObject
) -> None:
    nodes = [n for n in graph if n != "source:s"]
    source = data.draw(st.sampled_from(nodes))
    target = data.draw(st.sampled_from([n for n in nodes if n != source]))
    params = explain.Params(
        source=source, target=target, max_length=data.draw(st.integers(1, 6)), max_paths=data.draw(st.integers(1, 20))
    )
    result = explain.run_networkx(graph, params)
    expected = one_sided_paths(graph, source, target, params.max_length, params.max_paths)
    assert [[n.id for n in path.nodes] for path in result.paths] == expected
    assert result.length == (len(expected[0]) - 1 if expected else None)


# --- per-scope caches ---------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), seed=st.integers(0, 1000))
def test_cached_answers_equal_fresh_ones(spec: object, seed: int) -> None:
    """A second run (every index and per-scope set cached) answers as the first did, and as a store
    built in another order does."""
    store, other = build(spec), build(spec, order_seed=seed)  # type: ignore[arg-type]
    for scope in (None, "region:东区", "park:东区园"):
        for query, params in (
            (chain_map.QUERY, chain_map.Params(chain="chain:链a", scope=scope)),
            (gaps.QUERY, gaps.Params(chain="chain:链a", scope=scope)),
            (recommend.QUERY, recommend.Params(segment="seg:环节0", scope=scope)),
        ):
            first = store.run(query, params)
            assert store.run(query, params) == first == other.run(query, params)


def test_a_write_is_seen_by_the_next_query(dezhou: MemoryStore) -> None:
    """Per-scope sets are keyed by graph version: a new local enterprise counts at once, and the copy
    the API loads into (then swaps in) gets its own caches, leaving the served graph's answers alone."""
    params = chain_map.Params(chain="chain:集成电路", scope="region:天衢新区")
    served = MemoryStore(dezhou.graph.copy())
    before = served.run(chain_map.QUERY, params)
    segment = next(s for s in before.segments if not s.covered)
    copy = MemoryStore(served.graph.copy())
    source = next(n for n, a in copy.graph.nodes(data=True) if a["kind"] == NodeKind.SOURCE.value)
    prov = [Provenance(source, "test")]
    ent = Enterprise(name="缓存测试企业有限公司")
    copy.write(
        Batch(
            nodes=[ent.to_record(prov)],
            edges=[
                make_edge(EdgeKind.IN_SEGMENT, ent.id, segment.segment.id, provenance=prov),
                make_edge(EdgeKind.LOCATED_IN, ent.id, "region:天衢新区", provenance=prov),
            ],
        )
    )
    after = copy.run(chain_map.QUERY, params)
    state = next(s for s in after.segments if s.segment.id == segment.segment.id)
    assert state.covered and ent.id in {e.id for e in state.enterprises}
    assert after.totals.enterprises == before.totals.enterprises + 1
    assert served.run(chain_map.QUERY, params) == before  # the served graph and its caches are untouched


@pytest.mark.parametrize(
    "text", ["有研", "集", "有研科技集团有限公司", "有研科技集团有限公", "有研新材料股份有限公司有研"]
)
def test_search_on_the_dezhou_graph_equals_the_scan(dezhou: MemoryStore, text: str) -> None:
    params = search.Params(text=text, limit=50)
    assert search.run_networkx(dezhou.graph, params) == scan_search(dezhou.graph, params)
