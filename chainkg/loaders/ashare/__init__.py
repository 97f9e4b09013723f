"""A-share listed companies (the ChainKnowledgeGraph JSON-lines export) → candidate enterprises.

The export is a real, messy public dataset: ``company.json`` (short name, full legal name, stock code
in two spellings — ``300666`` and ``300666.SZ`` —, exchange, listing date), ``company_industry.json``
(company → Shenwan level-3 industry, keyed by ``600206.SH``-style codes) and ``product.json``
(product names, linked to no company). It is the universe of enterprises outside the city that a
chain office would approach, so each company becomes an Enterprise (kind ``listed`` unless a curated
dataset knows better, short name as alias, stock code and exchange) and is placed in segments by
:mod:`.placement` — curated lists first, then product keywords in its name, then its Shenwan
industry — each IN_SEGMENT edge with its ``basis`` and ``certainty``.

Matching: a code a curated dataset lists is that dataset's entity (its legal name is the node's, the
export's names become aliases — a rename, or a back-door listing's former shell); otherwise an
existing node of the same full or short name is enriched. A company already in the graph keeps its
kind and its curated segments (they are not written again).

Broken rows are handled explicitly: rows that give one code to companies with different listing
dates are misaligned, and every row of that code is refused (the real companies' own rows are
missing from the export); rows repeating a code with the same listing date are a rename, whose other
names become aliases. The export's industry-level upstream weights are noisy and are not loaded.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.ashare.placement import Placement, curated_listings, read_mapping
from chainkg.loaders.pipeline import LoadContext, RecordError
from chainkg.paths import BUNDLED_DATASETS, PRODUCT_MAPPING, SHENWAN_MAPPING
from chainkg.schema.kinds import EdgeKind, EnterpriseKind, Exchange, NodeKind
from chainkg.schema.models import Enterprise, Source, make_edge
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, NodeRecord, Provenance

__all__ = ["MAPPING", "PRODUCTS", "AshareLoader"]

MAPPING = SHENWAN_MAPPING
PRODUCTS = PRODUCT_MAPPING
_COMPANIES = "company.json"
_INDUSTRIES = "company_industry.json"
_PRODUCT_NAMES = "product.json"
_EXCHANGES = {"上海证券交易所": Exchange.SSE, "深圳证券交易所": Exchange.SZSE, "北京证券交易所": Exchange.BSE}


class AshareLoader:
    name = "ashare"

    def __init__(
        self,
        mapping: Path = MAPPING,
        products: Path = PRODUCTS,
        curated: tuple[Path, ...] = BUNDLED_DATASETS,
    ):
        self.mapping_path = mapping
        self.products_path = products
        self.curated = curated

    def accepts(self, path: Path) -> bool:
        return path.is_dir() and (path / _COMPANIES).is_file() and (path / _INDUSTRIES).is_file()

    def inputs(self, path: Path) -> Iterator[Path]:
        yield path / _COMPANIES
        yield path / _INDUSTRIES
        if (path / _PRODUCT_NAMES).is_file():
            yield path / _PRODUCT_NAMES
        yield self.mapping_path
        yield self.products_path
        for dataset in self.curated:
            for stem in ("enterprises.yaml", "enterprises.jsonl"):
                if (dataset / stem).is_file():
                    yield dataset / stem

    def estimate(self, path: Path) -> int | None:
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        def names_segment(word: str, segment: str) -> bool:
            found = ctx.resolver.resolve(NodeKind.SEGMENT, word)
            return found is not None and found == ctx.resolver.resolve(NodeKind.SEGMENT, segment)

        placement = Placement(
            curated_listings(self.curated),
            read_mapping(self.products_path, "product keyword → segment mapping"),
            read_mapping(self.mapping_path, "industry → segment mapping"),
            _product_names(path / _PRODUCT_NAMES),
            names_segment,
        )
        industries = self._industries(path / _INDUSTRIES, ctx)
        companies = path / _COMPANIES
        file = str(companies)
        data = companies.read_bytes()
        ctx.start_file(companies, data.count(b"\n"))
        source = Source(
            name="A股上市公司名录与申万行业（ChainKnowledgeGraph 导出）",
            key=f"ashare-{hashlib.sha256(data).hexdigest()[:16]}",
            publisher="ChainKnowledgeGraph 开源项目",
            file=str(path.name),
            authority=1,
        )
        ctx.resolver.add(NodeKind.SOURCE, source.id, [normalize_name(source.key)], source.props())
        ctx.accept(Batch(nodes=[source.to_record()]), file, 0, count=False)
        ctx.flush()
        names = {p.segment for listing in placement.curated.values() for p in listing.segments}
        names |= {s for segs in placement.industries.values() for s in segs} | {s for _, s in placement.keywords}
        segments = {name: ctx.resolver.resolve(NodeKind.SEGMENT, name) for name in names}
        missing = sorted(name for name, sid in segments.items() if sid is None)
        if missing:
            ctx.note(
                str(self.mapping_path), 0, "segments", "mappings name segments the graph lacks", "、".join(missing)
            )
        if placement.unused_keywords:
            ctx.note(
                str(self.products_path),
                0,
                "keywords",
                "not a product name of the export's product.json nor a segment name: not used",
                "、".join(placement.unused_keywords),
            )

        rows = _rows(data, ctx, file)
        groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for row, record in rows:
            groups[str(record.get("code") or "").strip().split(".")[0]].append((row, record))
        for row, record in rows:
            code = str(record.get("code") or "").strip().split(".")[0]
            same = groups[code]
            try:
                _check_board(code, str(record.get("time") or ""))
                if len({str(r.get("time") or "") for _, r in same}) > 1:
                    raise RecordError(
                        "code",
                        f"the export gives this code to {len(same)} rows with different listing dates "
                        "(misaligned rows); none of them is trusted",
                        code,
                    )
                if same[0][0] != row:
                    ctx.note(file, row, "code", "another row of this code (a rename): its names are aliases", code)
                    continue
                others = [r for _, r in same[1:]]
                batch = self._company(record, others, industries.get(code, []), placement, segments, source.id, ctx)
            except RecordError as exc:
                ctx.reject(file, row, exc)
                continue
            ctx.accept(batch, file, row)
            if code not in industries and not placement.curated.get(code):
                ctx.note(file, row, "industry", "no industry row for this company", code)

    def _company(
        self,
        record: dict[str, Any],
        others: list[dict[str, Any]],
        industries: list[str],
        placement: Placement,
        segments: dict[str, str | None],
        source: str,
        ctx: LoadContext,
    ) -> Batch:
        fullname = str(record.get("fullname") or "").strip()
        short = str(record.get("name") or "").strip()
        code = str(record.get("code") or "").strip().split(".")[0]
        if not fullname:
            raise RecordError("fullname", "company has no full legal name", short or code)
        if not (code.isdigit() and len(code) == 6):
            raise RecordError("code", "stock code must be six digits (optionally with .SH/.SZ/.BJ)", record.get("code"))
        export_names = [fullname, short, *(str(o.get(k) or "").strip() for o in others for k in ("fullname", "name"))]
        export_names = [n for i, n in enumerate(export_names) if n and n not in export_names[:i]]
        listing = placement.curated.get(code)
        name = listing.name if listing is not None else fullname
        exchange = _EXCHANGES.get(str(record.get("location") or ""))
        try:
            model = Enterprise(
                name=name,
                aliases=[n for n in export_names if n != name],
                enterprise_kind=EnterpriseKind(listing.kind) if listing and listing.kind else EnterpriseKind.LISTED,
                stock_code=code,
                exchange=exchange,
            )
        except (ValidationError, ValueError) as exc:
            raise RecordError("name", str(exc).splitlines()[0], fullname) from exc
        listed = str(record.get("time") or "")
        where = exchange.value if exchange else "A股"
        evidence = f"{where} {code} 上市公司" + (f"，{listed}上市" if listed else "")
        if listing is not None and listing.name != fullname:
            evidence += f"；导出表名称为{fullname}，以精选数据的法定名称为准"
        prov = [Provenance(source, evidence)]
        existing = ctx.resolver.resolve(NodeKind.ENTERPRISE, name) or next(
            (found for n in export_names if (found := ctx.resolver.resolve(NodeKind.ENTERPRISE, n))), None
        )
        node_id = existing or model.id
        props = model.props()
        if existing:  # keep what the graph knows about its kind; add the listing facts
            props.pop("enterprise_kind", None)
        ctx.resolver.add(NodeKind.ENTERPRISE, node_id, model.keys())
        batch = Batch(nodes=[NodeRecord(NodeKind.ENTERPRISE, node_id, props, prov)])
        placed = placement.place(code, export_names, industries)
        if existing and listing is not None and placed is listing.segments:
            return batch  # the curated dataset placed it already, with its own sources
        for p in placed:
            segment = segments.get(p.segment)
            if segment is None:
                continue
            edge_props: dict[str, Any] = {"certainty": p.certainty.value, "basis": p.basis.value}
            if p.rank is not None:
                edge_props["rank"] = p.rank
            edge_prov = [Provenance(source, p.evidence, certainty=p.certainty)]
            batch.edges.append(make_edge(EdgeKind.IN_SEGMENT, node_id, segment, edge_props, edge_prov))
        return batch

    def _industries(self, path: Path, ctx: LoadContext) -> dict[str, list[str]]:
        """code → Shenwan industries; bad lines are reported, not fatal."""
        out: dict[str, list[str]] = {}
        for row, line in enumerate(path.read_text(encoding="utf-8-sig", errors="replace").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = _json_object(line)
            except RecordError as exc:
                ctx.reject(str(path), row, exc)
                continue
            code = str(record.get("company_code") or "").split(".")[0]
            industry = str(record.get("industry_name") or "").strip()
            if not code or not industry:
                ctx.note(str(path), row, "industry_name", "row without company code or industry", line[:80])
                continue
            out.setdefault(code, [])
            if industry not in out[code]:
                out[code].append(industry)
        return out


#: Boards whose codes cannot carry an earlier listing date (STAR Market, ChiNext opening days).
_BOARD_OPENED = {"688": "2019-07-22", "300": "2009-10-30", "301": "2009-10-30"}


def _check_board(code: str, listed: str) -> None:
    """A row listing a company on a board before that board opened is a misaligned row."""
    opened = _BOARD_OPENED.get(code[:3])
    if opened and len(listed) >= 10 and listed[:4].isdigit() and listed < opened:
        raise RecordError(
            "time",
            f"code {code} belongs to a board that opened {opened}, but the row says listed {listed}: "
            "a misaligned row (another company's name and date under this code)",
            listed,
        )


def _rows(data: bytes, ctx: LoadContext, file: str) -> list[tuple[int, dict[str, Any]]]:
    """The export's rows (line number, object); a line that is not a JSON object is rejected."""
    out = []
    for row, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        ctx.read()
        try:
            out.append((row, _json_object(line)))
        except RecordError as exc:
            ctx.reject(file, row, exc)
    return out


def _product_names(path: Path) -> set[str] | None:
    """The export's product vocabulary, or None when the export has no product.json."""
    if not path.is_file():
        return None
    names = set()
    for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines():
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            names.add(value["name"].strip())
    return names


def _json_object(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError("", f"not a JSON object: {exc.msg} at column {exc.colno}", line[:80]) from exc
    if not isinstance(value, dict):
        raise RecordError("", "each line must be a JSON object", line[:80])
    return value
