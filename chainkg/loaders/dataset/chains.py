"""Chain files: one chain each, with its office, its segments (a shared segment keeps one stage)
and the FEEDS links between segments, which must form a DAG within the chain."""

from __future__ import annotations

import networkx as nx
from pydantic import ValidationError

from chainkg.loaders.dataset.common import Citations, make_edge_fast, mapping, validation_error
from chainkg.loaders.pipeline import LoadContext, RecordError
from chainkg.loaders.readers.yaml_records import Located, plain
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.models import Chain, ChainOffice, Segment
from chainkg.schema.records import Batch, Provenance

__all__ = ["ChainSteps"]

#: What the FEEDS pass needs of a parsed chain file: file, member segment ids, feeds, provenance.
Parsed = tuple[str, list[str], Located | None, list[Provenance]]


class ChainSteps:
    """Across the chain files of one load: segments seen so far (a shared segment keeps its first
    stage) and the parsed files waiting for the FEEDS pass."""

    def __init__(self, cite: Citations):
        self.cite = cite
        self.segments: dict[str, tuple[Segment, str]] = {}
        self.parsed: list[Parsed | None] = []

    def chain(self, file: str, doc: Located, ctx: LoadContext) -> None:
        """Chain, office and segments of one file; keeps what the FEEDS pass needs."""
        self.parsed.append(self._chain(file, doc, ctx))

    def feeds_all(self, ctx: LoadContext) -> None:
        for parsed in self.parsed:
            if parsed is not None:
                self._feeds(ctx, *parsed)

    def _chain(self, file: str, doc: Located, ctx: LoadContext) -> Parsed | None:
        fields: dict[str, Located] = doc.value
        ctx.read()
        data = plain(fields)
        segments = fields.get("segments")
        feeds = fields.get("feeds")
        office_name = data.pop("office", None)
        for key in ("segments", "feeds"):
            data.pop(key, None)
        try:
            prov = self.cite(data.pop("sources", None))
            chain = Chain.model_validate(data)
        except RecordError as exc:
            ctx.reject(file, doc.line, exc)
            return None
        except ValidationError as exc:
            ctx.reject(file, doc.line, validation_error(exc))
            return None
        if not prov:
            ctx.reject(file, doc.line, RecordError("sources", "every chain must cite at least one source"))
            return None
        ctx.resolver.add(NodeKind.CHAIN, chain.id, chain.keys(), chain.props())
        batch = Batch(nodes=[chain.to_record(prov)])
        if office_name:
            try:
                office = ChainOffice(name=office_name)
                batch.nodes.append(office.to_record(prov))
                batch.edges.append(make_edge_fast(EdgeKind.OVERSEES, office.id, chain.id, provenance=prov))
            except ValidationError as exc:
                ctx.note(file, doc.line, "office", validation_error(exc).reason, office_name)
        ctx.accept(batch, file, doc.line)
        ctx.flush()

        # Segments: each at its own line; a shared segment must agree with its first definition.
        members: list[str] = []
        for item in segments.value if segments and isinstance(segments.value, list) else []:
            ctx.read()
            seg_data = mapping(item)
            try:
                if seg_data is None:
                    raise RecordError("segments", "each segment must be a mapping with name and stage")
                segment = Segment.model_validate(plain(seg_data))
            except RecordError as exc:
                ctx.reject(file, item.line, exc)
                continue
            except ValidationError as exc:
                ctx.reject(file, item.line, validation_error(exc, prefix="segments."))
                continue
            first = self.segments.get(segment.id)
            if first is not None and first[0].stage != segment.stage:
                ctx.reject(
                    file,
                    item.line,
                    RecordError(
                        "stage",
                        f"segment {segment.name} is {first[0].stage.value} in {first[1]}; "
                        "a shared segment has one stage",
                        segment.stage.value,
                    ),
                )
                continue
            self.segments.setdefault(segment.id, (segment, chain.name))
            ctx.resolver.add(NodeKind.SEGMENT, segment.id, segment.keys(), segment.props())
            members.append(segment.id)
            seg_batch = Batch(
                nodes=[segment.to_record(prov)],
                edges=[make_edge_fast(EdgeKind.PART_OF, segment.id, chain.id, provenance=prov)],
            )
            ctx.accept(seg_batch, file, item.line)
        return file, members, feeds, prov

    def _feeds(
        self, ctx: LoadContext, file: str, members: list[str], feeds: Located | None, prov: list[Provenance]
    ) -> None:
        """FEEDS links of one chain, by segment name (possibly of another chain); no cycles."""
        dag: nx.DiGraph[str] = nx.DiGraph()
        dag.add_nodes_from(members)
        member_set = set(members)
        for item in feeds.value if feeds and isinstance(feeds.value, list) else []:
            ctx.read()
            pair = plain(item)
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                ctx.reject(file, item.line, RecordError("feeds", "each link is [from, to]: two segment names", pair))
                continue
            ends = [ctx.resolver.resolve(NodeKind.SEGMENT, name) for name in pair]
            missing = [name for name, end in zip(pair, ends, strict=True) if end is None]
            if missing:
                ctx.reject(file, item.line, RecordError("feeds", f"unknown segment {'、'.join(missing)}", pair))
                continue
            src, dst = ends
            assert src is not None and dst is not None
            if src == dst:
                ctx.reject(file, item.line, RecordError("feeds", "a segment cannot feed itself", pair))
                continue
            if src in member_set and dst in member_set:
                dag.add_edge(src, dst)
                if not nx.is_directed_acyclic_graph(dag):
                    dag.remove_edge(src, dst)
                    ctx.reject(
                        file, item.line, RecordError("feeds", "this link would close a cycle in the chain", pair)
                    )
                    continue
            if src not in member_set and dst not in member_set:
                ctx.reject(
                    file, item.line, RecordError("feeds", "at least one end must be a segment of this chain", pair)
                )
                continue
            ctx.accept(Batch(edges=[make_edge_fast(EdgeKind.FEEDS, src, dst, provenance=prov)]), file, item.line)
