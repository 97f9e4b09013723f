"""A-share listed companies (the ChainKnowledgeGraph JSON-lines export) → candidate enterprises.

The export is a real, messy public dataset: ``company.json`` (short name, full legal name, stock code
in two spellings — ``300666`` and ``300666.SZ`` —, exchange, listing date) and
``company_industry.json`` (company → Shenwan level-3 industry, keyed by ``600206.SH``-style codes).
It is the universe of enterprises outside the city that a chain office would approach, so each
company becomes an Enterprise (kind ``listed``, short name as alias, stock code), merged into an
existing node when the graph already knows it by name or 简称, and placed in chain segments through
``data/mappings/shenwan_segments.yaml`` — an industry-level reading, recorded as ``inferred``.
The export's industry-level upstream weights are noisy and are not loaded as facts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from chainkg.loaders.pipeline import FileRejected, LoadContext, RecordError
from chainkg.paths import SHENWAN_MAPPING
from chainkg.schema.kinds import Certainty, EdgeKind, EnterpriseKind, NodeKind
from chainkg.schema.models import Enterprise, Source, make_edge
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, NodeRecord, Provenance

__all__ = ["MAPPING", "AshareLoader"]

MAPPING = SHENWAN_MAPPING
_COMPANIES = "company.json"
_INDUSTRIES = "company_industry.json"
_EXCHANGES = {"上海证券交易所": "SH", "深圳证券交易所": "SZ", "北京证券交易所": "BJ"}


class AshareLoader:
    name = "ashare"

    def __init__(self, mapping: Path = MAPPING):
        self.mapping_path = mapping

    def accepts(self, path: Path) -> bool:
        return path.is_dir() and (path / _COMPANIES).is_file() and (path / _INDUSTRIES).is_file()

    def inputs(self, path: Path) -> Iterator[Path]:
        yield path / _COMPANIES
        yield path / _INDUSTRIES
        yield self.mapping_path

    def estimate(self, path: Path) -> int | None:
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        mapping = self._mapping()
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
        segments = {name: ctx.resolver.resolve(NodeKind.SEGMENT, name) for names in mapping.values() for name in names}
        missing = sorted(name for name, sid in segments.items() if sid is None)
        if missing:
            ctx.note(
                str(self.mapping_path), 0, "segments", "mapping names segments the graph lacks", "、".join(missing)
            )

        seen: set[str] = set()
        for row, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), start=1):
            if not line.strip():
                continue
            ctx.read()
            try:
                record = _json_object(line)
                batch = self._company(record, industries, mapping, segments, source.id, ctx, seen, file, row)
            except RecordError as exc:
                ctx.reject(file, row, exc)
                continue
            ctx.accept(batch, file, row)

    def _company(
        self,
        record: dict[str, Any],
        industries: dict[str, list[str]],
        mapping: dict[str, list[str]],
        segments: dict[str, str | None],
        source: str,
        ctx: LoadContext,
        seen: set[str],
        file: str,
        row: int,
    ) -> Batch:
        fullname = str(record.get("fullname") or "").strip()
        short = str(record.get("name") or "").strip()
        code = str(record.get("code") or "").strip().split(".")[0]
        if not fullname:
            raise RecordError("fullname", "company has no full legal name", short or code)
        if not (code.isdigit() and len(code) == 6):
            raise RecordError("code", "stock code must be six digits (optionally with .SH/.SZ/.BJ)", record.get("code"))
        if code in seen:
            raise RecordError("code", "stock code listed twice; the first row is kept", code)
        seen.add(code)
        try:
            model = Enterprise(
                name=fullname,
                aliases=[short] if short else [],
                enterprise_kind=EnterpriseKind.LISTED,
                stock_code=code,
                established=None,
            )
        except ValidationError as exc:
            error = exc.errors()[0]
            raise RecordError(str(error["loc"][0]) if error["loc"] else "name", error["msg"], fullname) from exc
        exchange = _EXCHANGES.get(str(record.get("location") or ""), "")
        listed = str(record.get("time") or "")
        evidence = f"{exchange}{code} 上市公司" + (f"，{listed}上市" if listed else "")
        prov = [Provenance(source, evidence)]
        existing = ctx.resolver.resolve(NodeKind.ENTERPRISE, fullname) or (
            ctx.resolver.resolve(NodeKind.ENTERPRISE, short) if short else None
        )
        node_id = existing or model.id
        props = model.props()
        if existing:  # keep what the graph knows about its kind; add the listing facts
            props.pop("enterprise_kind", None)
        ctx.resolver.add(NodeKind.ENTERPRISE, node_id, model.keys())
        batch = Batch(nodes=[NodeRecord(NodeKind.ENTERPRISE, node_id, props, prov)])
        for industry in industries.get(code, []):
            names = mapping.get(industry)
            if names is None:
                continue
            for name in names:
                segment = segments.get(name)
                if segment is None:
                    continue
                edge_prov = [Provenance(source, f"申万行业：{industry}", certainty=Certainty.INFERRED)]
                batch.edges.append(make_edge(EdgeKind.IN_SEGMENT, node_id, segment, provenance=edge_prov))
        if code not in industries:
            ctx.note(file, row, "industry", "no industry row for this company", code)
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

    def _mapping(self) -> dict[str, list[str]]:
        try:
            data = yaml.safe_load(self.mapping_path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise FileRejected(f"cannot read the industry → segment mapping {self.mapping_path}: {exc}") from exc
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise FileRejected(f"{self.mapping_path} must map each industry to a list of segment names")
        return {str(k): [str(x) for x in v] for k, v in data.items()}


def _json_object(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError("", f"not a JSON object: {exc.msg} at column {exc.colno}", line[:80]) from exc
    if not isinstance(value, dict):
        raise RecordError("", "each line must be a JSON object", line[:80])
    return value
