"""The policy loader: a directory of incentive policies (惠企政策) as declarative data.

A policy directory (``data/policies/``; every field in ``data/policies/README.md``) holds
``policies.yaml`` (or ``policies.jsonl``): one record per policy — its document (title, issuer, 文号,
dates in force, url), a summary in our words, its **terms** (``subject``, ``conditions``, ``benefits``;
:mod:`chainkg.schema.policy`) and the sources that state them — and optionally its own
``sources.yaml``. Chains, segments and places in the conditions are names the graph must already
know (load the dataset first): a policy whose condition names an unknown chain is rejected, since
matching it would silently answer a different question. Each policy becomes a Policy node with its
terms as JSON, COVERS links to the chains and segments its conditions name and APPLIES_IN links to
its places.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.cited import citations, field_error, list_files, load_list, load_sources, record_fields
from chainkg.loaders.pipeline import LoadContext, RecordError
from chainkg.loaders.readers.yaml_records import Located
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.models import Policy, make_edge
from chainkg.schema.policy import Terms
from chainkg.schema.records import Batch

__all__ = ["PolicyLoader"]

#: Record fields that make up the terms (the rest describe the document).
_TERMS = ("subject", "conditions", "benefits")
#: Condition fields naming graph nodes, with the kinds a name may resolve to.
_NAMED = {
    "chains": (NodeKind.CHAIN,),
    "segments": (NodeKind.SEGMENT,),
    "places": (NodeKind.REGION, NodeKind.PARK),
}


class PolicyLoader:
    name = "policies"

    def accepts(self, path: Path) -> bool:
        return path.is_dir() and bool(list_files(path, "policies"))

    def inputs(self, path: Path) -> Iterator[Path]:
        for stem in ("sources", "policies"):
            yield from list_files(path, stem)

    def estimate(self, path: Path) -> int | None:
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        load_sources(path, ctx)
        for file in list_files(path, "policies"):
            load_list(file, ctx, self._policies)

    def _policies(self, file: str, items: Iterable[Located], ctx: LoadContext) -> None:
        seen: dict[str, int] = {}
        for item in items:
            ctx.read()
            try:
                batch = _policy(record_fields(item), ctx)
            except RecordError as exc:
                ctx.reject(file, item.line, exc)
                continue
            policy = batch.nodes[0].id
            if policy in seen:
                reason = f"the same policy as the record on line {seen[policy]}; merge them into one record"
                ctx.reject(file, item.line, RecordError("name", reason, batch.nodes[0].props["name"]))
                continue
            seen[policy] = item.line
            ctx.accept(batch, file, item.line)


def _policy(data: dict[str, Any], ctx: LoadContext) -> Batch:
    """One record → the Policy node and its links; RecordError naming the field at fault."""
    prov = citations(data.pop("sources", None), ctx)
    terms_data = {k: data.pop(k) for k in _TERMS if k in data}
    conditions = terms_data.get("conditions")
    links: list[tuple[EdgeKind, str]] = []
    if isinstance(conditions, dict):
        conditions = dict(conditions)
        for field_name, kinds in _NAMED.items():
            names = conditions.get(field_name)
            if field_name == "chains" and names == "all":  # every chain the graph knows
                links += [(EdgeKind.COVERS, c) for c in sorted(set(ctx.resolver.keys(NodeKind.CHAIN).values()))]
                continue
            if names is None or not isinstance(names, list):
                continue
            ids = []
            for i, name in enumerate(names):
                found = next((n for k in kinds if (n := ctx.resolver.resolve(k, str(name)))), None)
                if found is None:
                    what = "/".join(k.zh for k in kinds)
                    raise RecordError(f"conditions.{field_name}[{i}]", f"no {what} of that name in the graph", name)
                ids.append(found)
                links.append((EdgeKind.APPLIES_IN if field_name == "places" else EdgeKind.COVERS, found))
            conditions[field_name] = ids
        terms_data["conditions"] = conditions
    try:
        terms = Terms.model_validate(terms_data)
    except ValidationError as exc:
        raise field_error(exc) from exc
    try:
        model = Policy.model_validate({**data, "terms": terms})
    except ValidationError as exc:
        raise field_error(exc) from exc
    record = model.to_record(prov)
    ctx.resolver.add(NodeKind.POLICY, record.id, model.keys(), None)
    edges = [make_edge(kind, record.id, target, provenance=prov) for kind, target in dict.fromkeys(links)]
    return Batch(nodes=[record], edges=edges)
