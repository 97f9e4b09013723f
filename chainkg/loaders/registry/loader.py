"""Enterprise registry exports (CSV or Excel) → enterprises with their segment, place and parent.

These are the files chain offices really have: a spreadsheet from the market-regulation registry, a
list from 企查查, a park's tenant list. The loader

- detects the encoding (UTF-8, UTF-8 with BOM, GBK, GB18030, Big5) and the delimiter;
- maps Chinese or English headers through :mod:`chainkg.loaders.registry.headers`;
- normalises traditional characters and full-width forms in names;
- merges a row into an existing enterprise found by name, alias or credit code, so a registry row
  about 有研亿金 enriches the curated node instead of duplicating it;
- links the segment (exact name/alias, else the longest segment name contained in the text), the
  most specific known region named in the address, the park, and the parent (created as a plain
  enterprise if the graph does not know it yet).

Every file becomes a Source; every fact from it cites that source and the row number.

Hostile or broken files (:mod:`chainkg.loaders.readers.limits`, ``csv_rows``, ``xlsx_rows``): the
file's size, row count, columns and claimed sheet size are capped before it is read; a row the CSV
reader cannot read (an unclosed quote, bad quoting, a field over 128 Ki characters) is rejected alone
and the rest are read; a row with more cells than the header is rejected (an unquoted delimiter
shifts every column after it), one with fewer is read with the missing cells empty and reported;
a header with no rows under it is a rejected file.

**Conflicting rows** of one credit code are kept as claims and flagged
(:mod:`chainkg.loaders.registry.conflicts`). The file's rows come from
:mod:`chainkg.loaders.registry.rows`; single cells are read by :mod:`chainkg.loaders.registry.fields`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.pipeline import FileRejected, LoadContext, RecordError
from chainkg.loaders.readers.limits import DEFAULT_LIMITS, ReadLimits
from chainkg.loaders.registry.conflicts import Codes, contested
from chainkg.loaders.registry.fields import (
    TRUE_WORDS,
    match_region,
    match_segment,
    read_capital,
    read_date,
    read_kind,
    region_matcher,
)
from chainkg.loaders.registry.headers import HEADER_ALIASES, match_header
from chainkg.loaders.registry.rows import EXCEL_SUFFIXES, TEXT_SUFFIXES, cell_count_ok, file_rows, shown
from chainkg.schema.ids import enterprise_id
from chainkg.schema.kinds import EdgeKind, NodeKind
from chainkg.schema.models import Enterprise, Source, make_edge
from chainkg.schema.money import MoneyError
from chainkg.schema.normalize import clean_display, normalize_name
from chainkg.schema.records import Batch, NodeRecord, Provenance

__all__ = ["RegistryLoader"]


class RegistryLoader:
    name = "registry"

    def __init__(self, limits: ReadLimits = DEFAULT_LIMITS):
        self.limits = limits

    def accepts(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in TEXT_SUFFIXES | EXCEL_SUFFIXES | {".xls"}

    def inputs(self, path: Path) -> Iterator[Path]:
        yield path

    def estimate(self, path: Path) -> int | None:
        if path.suffix.lower() in TEXT_SUFFIXES and path.stat().st_size <= self.limits.max_file_bytes:
            with path.open("rb") as handle:
                return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)
        return None

    def load(self, path: Path, ctx: LoadContext) -> None:
        file = str(path)
        size = path.stat().st_size
        if size > self.limits.max_file_bytes:
            raise FileRejected(
                f"the file is {size:,} bytes; at most {self.limits.max_file_bytes:,} are read — split it"
            )
        ctx.start_file(path, self.estimate(path))
        data = path.read_bytes()
        if not data.strip():
            raise FileRejected("the file is empty")
        rows = file_rows(path, data, self.limits)
        header_row, header = 0, None
        for row in rows:
            if row.problem is not None:
                ctx.reject(file, row.line, RecordError("", row.problem, shown(row.cells)))
                continue
            if any(c.strip() for c in row.cells):
                header_row, header = row.line, row.cells
                break
        if header is None:
            raise FileRejected("the file has no rows")
        if len(header) > self.limits.max_columns:
            raise FileRejected(f"the header has {len(header)} columns; at most {self.limits.max_columns} are read")
        columns = self._map_header(file, header_row, header, ctx)

        source = Source(
            name=path.name,
            key=f"registry-{hashlib.sha256(data).hexdigest()[:16]}",
            publisher="企业名录导入 (registry export)",
            file=path.name,
            authority=1,
        )
        ctx.resolver.add(NodeKind.SOURCE, source.id, [normalize_name(source.key)], source.props())
        ctx.accept(Batch(nodes=[source.to_record()]), file, 0, count=False)
        ctx.flush()

        regions = region_matcher(ctx)
        body = list(rows)
        codes = Codes(contested(body, columns))
        data_rows = 0
        for row in body:
            row_no, cells = row.line, row.cells
            if row.problem is not None:
                ctx.read()
                data_rows += 1
                ctx.reject(file, row_no, RecordError("", row.problem, shown(cells)))
                continue
            if not any(c.strip() for c in cells):
                continue
            ctx.read()
            data_rows += 1
            if data_rows > self.limits.max_rows:
                ctx.reject(
                    file,
                    row_no,
                    RecordError(
                        "", f"more than {self.limits.max_rows:,} data rows: this row and the rest are not read"
                    ),
                )
                break
            if not cell_count_ok(file, row_no, cells, len(header), ctx):
                continue
            values = {
                field: cells[index].strip() if index < len(cells) else "" for field, (index, _) in columns.items()
            }
            try:
                batch = self._row(file, row_no, values, columns, source, ctx, regions, codes)
            except RecordError as exc:
                ctx.reject(file, row_no, exc)
                continue
            ctx.accept(batch, file, row_no)
        if data_rows == 0:
            raise FileRejected(f"the file has a header row (row {header_row}) but no data rows under it")

    # --- header ----------------------------------------------------------------------------

    def _map_header(
        self, file: str, row_no: int, header: list[str], ctx: LoadContext
    ) -> dict[str, tuple[int, str | None]]:
        columns: dict[str, tuple[int, str | None]] = {}
        notes: list[tuple[str, str]] = []
        for index, title in enumerate(header):
            if not title.strip():
                continue
            field, unit = match_header(title)
            if field is None:
                notes.append((title, "column not recognised; chainkg/loaders/registry/headers.py lists the names read"))
            elif field in columns:
                notes.append((title, f"second column for {field}; the first one is used"))
            else:
                columns[field] = (index, unit)
        if "name" not in columns:
            expected = "、".join(HEADER_ALIASES["name"][:5])
            raise FileRejected(f"no enterprise-name column in the header row (expected one of {expected} …)", "name")
        for title, reason in notes:
            ctx.note(file, row_no, title, reason)
        return columns

    # --- one row ---------------------------------------------------------------------------

    def _row(
        self,
        file: str,
        row_no: int,
        values: dict[str, str],
        columns: dict[str, tuple[int, str | None]],
        file_source: Source,
        ctx: LoadContext,
        regions: list[tuple[str, str, int]],
        codes: Codes,
    ) -> Batch:
        name = values.get("name", "")
        if not normalize_name(name):
            raise RecordError("name", "enterprise name is empty")
        source = file_source.id
        prov = [Provenance(source, f"第{row_no}行")]
        fields: dict[str, Any] = {"name": name}

        code = values.get("credit_code") or None
        if code:
            fields["credit_code"] = code
        if values.get("aliases"):
            fields["aliases"] = [a for a in re.split(r"[;；,，、/|]", values["aliases"]) if a.strip()]
        if values.get("registered_capital"):
            try:
                unit = columns["registered_capital"][1] or ""
                fields["registered_capital"] = read_capital(values["registered_capital"], unit)
            except MoneyError as exc:
                ctx.note(file, row_no, "registered_capital", str(exc), values["registered_capital"])
        if values.get("kind"):
            kind = read_kind(values["kind"])
            if kind is None:
                ctx.note(file, row_no, "kind", "unknown enterprise type; stored as other", values["kind"])
            else:
                fields["enterprise_kind"] = kind.value
        if values.get("established"):
            date = read_date(values["established"])
            if date is None:
                ctx.note(
                    file,
                    row_no,
                    "established",
                    "not a date (YYYY-MM-DD, YYYY/M/D or YYYY年M月D日)",
                    values["established"],
                )
            else:
                fields["established"] = date
        if values.get("stock_code"):
            fields["stock_code"] = values["stock_code"]
        if values.get("region"):
            fields["home_region"] = clean_display(values["region"])

        model = self._validate(file, row_no, fields, ctx)
        node_id = self._identity(model, ctx)
        props = model.props()
        if ctx.resolver.node_props(node_id) is not None:
            # Enriching a known enterprise: write only what the row states, never a default over
            # what the graph already knows (a one-column list must not turn an SOE into "other").
            props = {k: v for k, v in props.items() if k in model.model_fields_set or k == "keys"}
        batch = Batch()
        if model.credit_code and model.credit_code in codes.contested:
            prov = codes.provenance(file, row_no, model, props, file_source, ctx, batch)
        record = NodeRecord(NodeKind.ENTERPRISE, node_id, props, prov)
        ctx.resolver.add(NodeKind.ENTERPRISE, node_id, model.keys())
        batch.nodes.append(record)

        if values.get("segment"):
            segment = match_segment(ctx, values["segment"])
            if segment is None:
                ctx.note(
                    file, row_no, "segment", "no segment of the 12 chains matches this industry", values["segment"]
                )
            else:
                batch.edges.append(make_edge(EdgeKind.IN_SEGMENT, node_id, segment, provenance=prov))
        if values.get("region"):
            region = match_region(regions, values["region"])
            if region is not None:
                batch.edges.append(make_edge(EdgeKind.LOCATED_IN, node_id, region, provenance=prov))
        if values.get("park"):
            park = ctx.resolver.resolve(NodeKind.PARK, values["park"])
            if park is None:
                ctx.note(file, row_no, "park", "no park of that name in the graph", values["park"])
            else:
                batch.edges.append(make_edge(EdgeKind.LOCATED_IN, node_id, park, provenance=prov))
        if values.get("parent"):
            batch.extend(self._parent(file, row_no, values, node_id, prov, ctx))
        if values.get("leader") and normalize_name(values["leader"]) in TRUE_WORDS:
            chain = ctx.resolver.resolve(NodeKind.CHAIN, values.get("chain", ""))
            if chain is None:
                ctx.note(
                    file,
                    row_no,
                    "leader",
                    "marked as 链主 but the chain column names no known chain",
                    values.get("chain"),
                )
            else:
                batch.edges.append(make_edge(EdgeKind.LEADS, node_id, chain, provenance=prov))
        return batch

    def _validate(self, file: str, row_no: int, fields: dict[str, Any], ctx: LoadContext) -> Enterprise:
        """Validate; a bad optional field is dropped (and reported), a bad name rejects the row."""
        for _ in range(len(fields)):
            try:
                return Enterprise.model_validate(fields)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = str(error["loc"][0]) if error["loc"] else "name"
                if field == "name" or field not in fields:
                    raise RecordError(field, error["msg"], error.get("input")) from exc
                ctx.note(file, row_no, field, error["msg"].removeprefix("Value error, "), fields.pop(field))
        raise RecordError("name", "record could not be validated")

    def _identity(self, model: Enterprise, ctx: LoadContext) -> str:
        """Existing node with this credit code, else with this name/alias, else a new stable id."""
        if model.credit_code:
            by_code = enterprise_id(model.name, model.credit_code)
            if ctx.resolver.node_props(by_code) is not None:
                return by_code
        existing = ctx.resolver.resolve(NodeKind.ENTERPRISE, model.name)
        return existing or model.id

    def _parent(
        self, file: str, row_no: int, values: dict[str, str], child: str, prov: list[Provenance], ctx: LoadContext
    ) -> Batch:
        batch = Batch()
        parent_name = values["parent"]
        parent = ctx.resolver.resolve(NodeKind.ENTERPRISE, parent_name)
        if parent is None:
            try:
                stub = Enterprise(name=parent_name)
            except ValidationError:
                ctx.note(file, row_no, "parent", "parent name is not usable", parent_name)
                return batch
            parent = stub.id
            batch.nodes.append(stub.to_record([Provenance(prov[0].source, f"第{row_no}行（母公司）")]))
            ctx.resolver.add(NodeKind.ENTERPRISE, parent, stub.keys())
        if parent == child:
            ctx.note(file, row_no, "parent", "an enterprise cannot be its own parent", parent_name)
            return batch
        props: dict[str, Any] = {}
        if values.get("stake_pct"):
            try:
                props["stake_pct"] = float(values["stake_pct"].rstrip("%％ "))
            except ValueError:
                ctx.note(file, row_no, "stake_pct", "not a percentage", values["stake_pct"])
        try:
            batch.edges.append(make_edge(EdgeKind.SUBSIDIARY_OF, child, parent, props, prov))
        except ValidationError as exc:
            ctx.note(file, row_no, "stake_pct", exc.errors()[0]["msg"], values.get("stake_pct"))
            batch.edges.append(make_edge(EdgeKind.SUBSIDIARY_OF, child, parent, {}, prov))
        return batch
