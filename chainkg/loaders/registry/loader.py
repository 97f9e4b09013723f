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

**Conflicting rows.** A row repeating an earlier row's credit code with another name, capital,
date, type or stock code is not dropped and does not silently overwrite: from that row on, the
node's values are claims — the earlier row's claim cites the file, the later row's claim cites a
source of its own (``<file> 第N行``) — so both are kept, :mod:`chainkg.schema.conflicts` picks the
value shown (the earlier row, on a tie of date and authority), the field is listed in ``disputed``,
and the report says so (action ``conflict kept``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.pipeline import CONFLICT_KEPT, FileRejected, LoadContext, RecordError, Reject
from chainkg.loaders.readers.csv_rows import Row, csv_rows
from chainkg.loaders.readers.encoding import EncodingError, decode
from chainkg.loaders.readers.limits import DEFAULT_LIMITS, ReadLimits
from chainkg.loaders.readers.xlsx_rows import SheetRefused, xlsx_rows
from chainkg.loaders.registry.headers import HEADER_ALIASES, match_header
from chainkg.schema.ids import enterprise_id
from chainkg.schema.kinds import EdgeKind, EnterpriseKind, NodeKind, RegionLevel
from chainkg.schema.models import Enterprise, Source, make_edge
from chainkg.schema.money import MoneyError, parse_amount
from chainkg.schema.normalize import clean_display, normalize_name
from chainkg.schema.records import Batch, NodeRecord, PropValue, Provenance

__all__ = ["RegistryLoader"]

_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}

_KIND_WORDS: list[tuple[tuple[str, ...], EnterpriseKind]] = [
    (("央企集团", "中央企业集团", "central_soe_group"), EnterpriseKind.CENTRAL_SOE_GROUP),
    (("地方国企", "地方国有", "省属国企", "市属国企", "县属国企", "local_soe"), EnterpriseKind.LOCAL_SOE),
    (("中外合资", "合资", "joint_venture"), EnterpriseKind.JOINT_VENTURE),
    (("外商独资", "外商投资", "外资", "台港澳", "foreign"), EnterpriseKind.FOREIGN),
    (("央企", "中央企业", "国有", "国企", "soe"), EnterpriseKind.SOE),
    (("民营", "私营", "民企", "自然人", "private"), EnterpriseKind.PRIVATE),
    (("上市", "股份有限公司(上市", "listed"), EnterpriseKind.LISTED),
    (("事业单位", "科研院所", "高校", "institution"), EnterpriseKind.INSTITUTION),
]
_TRUE_WORDS = {"是", "y", "yes", "true", "1", "链主", "√", "✓"}
#: Fields whose differing values on rows of one credit code are kept as conflicting claims.
CONFLICT_FIELDS = ("name", "registered_capital", "established", "enterprise_kind", "stock_code")
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"),
    re.compile(r"^(\d{4})年?$"),
]


class RegistryLoader:
    name = "registry"

    def __init__(self, limits: ReadLimits = DEFAULT_LIMITS):
        self.limits = limits

    def accepts(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in _TEXT_SUFFIXES | _EXCEL_SUFFIXES | {".xls"}

    def inputs(self, path: Path) -> Iterator[Path]:
        yield path

    def estimate(self, path: Path) -> int | None:
        if path.suffix.lower() in _TEXT_SUFFIXES and path.stat().st_size <= self.limits.max_file_bytes:
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
        rows = self._rows(path, data)
        header_row, header = 0, None
        for row in rows:
            if row.problem is not None:
                ctx.reject(file, row.line, RecordError("", row.problem, _shown(row.cells)))
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

        regions = _region_matcher(ctx)
        body = list(rows)
        codes = _Codes(_contested(body, columns))
        data_rows = 0
        for row in body:
            row_no, cells = row.line, row.cells
            if row.problem is not None:
                ctx.read()
                data_rows += 1
                ctx.reject(file, row_no, RecordError("", row.problem, _shown(cells)))
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
            if not self._cell_count_ok(file, row_no, cells, len(header), ctx):
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

    def _rows(self, path: Path, data: bytes) -> Iterator[Row]:
        suffix = path.suffix.lower()
        if suffix == ".xls":
            raise FileRejected("old Excel .xls format is not read; save the sheet as .xlsx or CSV")
        if suffix in _EXCEL_SUFFIXES:
            return _guarded(xlsx_rows(data, self.limits))
        lines = data.count(b"\n")
        if lines > self.limits.max_rows + 1:
            raise FileRejected(
                f"the file has {lines:,} lines; at most {self.limits.max_rows:,} data rows are read — split it"
            )
        try:
            text, _encoding = decode(data)
        except EncodingError as exc:
            raise FileRejected(str(exc)) from exc
        first_line = text.split("\n", 1)[0]
        delimiter = max(("\t", ",", ";", "|"), key=first_line.count) if suffix != ".tsv" else "\t"
        if first_line.count(delimiter) == 0:
            delimiter = ","
        return csv_rows(text, delimiter, self.limits)

    @staticmethod
    def _cell_count_ok(file: str, row_no: int, cells: list[str], expected: int, ctx: LoadContext) -> bool:
        """Report a row whose cell count differs from the header's; False when it must not be read."""
        if len(cells) > expected:
            extra = [c for c in cells[expected:] if c.strip()]
            if extra:
                ctx.reject(
                    file,
                    row_no,
                    RecordError(
                        "",
                        f"the row has {len(cells)} cells but the header {expected}: a delimiter inside an unquoted "
                        "value shifts the columns after it; quote that value",
                        _shown(cells),
                    ),
                )
                return False
            ctx.note(
                file, row_no, "", f"the row has {len(cells)} cells, the header {expected}; the extra ones are empty"
            )
        elif len(cells) < expected:
            ctx.note(
                file,
                row_no,
                "",
                f"the row has {len(cells)} cells but the header {expected}: the last {expected - len(cells)} "
                "column(s) are read as empty",
                _shown(cells),
            )
        return True

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
        codes: _Codes,
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
                fields["registered_capital"] = _capital(values["registered_capital"], unit)
            except MoneyError as exc:
                ctx.note(file, row_no, "registered_capital", str(exc), values["registered_capital"])
        if values.get("kind"):
            kind = _kind(values["kind"])
            if kind is None:
                ctx.note(file, row_no, "kind", "unknown enterprise type; stored as other", values["kind"])
            else:
                fields["enterprise_kind"] = kind.value
        if values.get("established"):
            date = _date(values["established"])
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
            prov = self._conflicts(file, row_no, model, node_id, props, file_source, codes, ctx, batch)
        record = NodeRecord(NodeKind.ENTERPRISE, node_id, props, prov)
        ctx.resolver.add(NodeKind.ENTERPRISE, node_id, model.keys())
        batch.nodes.append(record)

        if values.get("segment"):
            segment = _match_segment(ctx, values["segment"])
            if segment is None:
                ctx.note(
                    file, row_no, "segment", "no segment of the 12 chains matches this industry", values["segment"]
                )
            else:
                batch.edges.append(make_edge(EdgeKind.IN_SEGMENT, node_id, segment, provenance=prov))
        if values.get("region"):
            region = _match_region(regions, values["region"])
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
        if values.get("leader") and normalize_name(values["leader"]) in _TRUE_WORDS:
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

    def _conflicts(
        self,
        file: str,
        row_no: int,
        model: Enterprise,
        node_id: str,
        props: dict[str, PropValue],
        file_source: Source,
        codes: _Codes,
        ctx: LoadContext,
        batch: Batch,
    ) -> list[Provenance]:
        """The provenance of a row whose credit code other rows of the file give other values for (see
        the module docstring): its values as claims — of the file for the first such row, of a source of
        its own (``<file> 第N行``) for a later row that differs, which then leaves the node's values to
        the claims."""
        assert model.credit_code is not None
        stated = {f: props[f] for f in CONFLICT_FIELDS if f in model.model_fields_set and f in props}
        earlier = codes.seen.get(model.credit_code)
        if earlier is None:
            codes.seen[model.credit_code] = (row_no, stated)
            return [Provenance(file_source.id, f"第{row_no}行", _claims(stated))]
        first_row, first = earlier
        differing = [f for f in stated if f in first and not _same(f, stated[f], first[f])]
        if not differing:
            return [Provenance(file_source.id, f"第{first_row}行", _claims(first))]
        for field in differing:
            ctx.report.rejects.append(
                Reject(
                    file,
                    row_no,
                    field,
                    f"credit code {model.credit_code} was given on row {first_row} with {field} {first[field]!r}; "
                    f"both values are kept as claims (of the file and of this row) and {field} is marked disputed",
                    CONFLICT_KEPT,
                    str(stated[field])[:200],
                )
            )
        row_source = Source(
            name=f"{file_source.name} 第{row_no}行",
            # "registry-row…" sorts after the file's "registry-<hex>": on a tie the earlier row's value shows
            key=f"registry-row{row_no}-{file_source.key.removeprefix('registry-')}",
            publisher=file_source.publisher,
            file=file_source.file,
            authority=file_source.authority,
        )
        batch.nodes.append(row_source.to_record())
        for field in stated:
            props.pop(field, None)  # the claims decide what the node shows
        return [Provenance(row_source.id, f"第{row_no}行", _claims(stated))]

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


# --- reading files -------------------------------------------------------------------------


class _Codes:
    """Credit codes of one file that several rows give different values for, and the first of each."""

    def __init__(self, contested: set[str]):
        self.contested = contested
        self.seen: dict[str, tuple[int, dict[str, PropValue]]] = {}


def _contested(rows: list[Row], columns: dict[str, tuple[int, str | None]]) -> set[str]:
    """Credit codes on two or more rows whose cells for a :data:`CONFLICT_FIELDS` column differ (raw
    text; the load compares the parsed values and reports only real differences)."""
    if "credit_code" not in columns:
        return set()
    code_at = columns["credit_code"][0]
    watched = [index for field, (index, _) in columns.items() if field in CONFLICT_FIELDS or field == "kind"]
    first: dict[str, tuple[str, ...]] = {}
    contested: set[str] = set()
    for row in rows:
        if row.problem is not None or code_at >= len(row.cells):
            continue
        code = row.cells[code_at].strip().upper()
        if not code:
            continue
        values = tuple(normalize_name(row.cells[i]) if i < len(row.cells) else "" for i in watched)
        if first.setdefault(code, values) != values:
            contested.add(code)
    return contested


def _guarded(rows: Iterator[Row]) -> Iterator[Row]:
    """Turn a refused workbook into a rejected file."""
    try:
        yield from rows
    except SheetRefused as exc:
        raise FileRejected(str(exc)) from exc


def _shown(cells: list[str]) -> str:
    """A row's cells as the report shows them (shortened)."""
    text = ",".join(cells)
    return text if len(text) <= 200 else text[:197] + "…"


def _claims(values: dict[str, PropValue]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(values.items()))


def _same(field: str, a: PropValue, b: PropValue) -> bool:
    if field == "name" and isinstance(a, str) and isinstance(b, str):
        return normalize_name(a) == normalize_name(b)
    return a == b


# --- field readers -------------------------------------------------------------------------


def _capital(text: str, unit: str) -> int:
    cleaned = text.replace("人民币", "").strip()
    if unit and re.fullmatch(r"[\d.,]+", cleaned):
        cleaned += unit if unit.endswith("元") else unit + "元"
    return parse_amount(cleaned).amount


def _kind(text: str) -> EnterpriseKind | None:
    key = normalize_name(text)
    for words, kind in _kind_keys():
        if any(w in key for w in words):
            return kind
    return None


@functools.cache
def _kind_keys() -> tuple[tuple[tuple[str, ...], EnterpriseKind], ...]:
    """:data:`_KIND_WORDS` normalised once (it was normalised again for every row: a third of a load)."""
    return tuple((tuple(normalize_name(w) for w in words), kind) for words, kind in _KIND_WORDS)


def _date(text: str) -> str | None:
    value = normalize_name(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            parts = [int(p) for p in match.groups()]
            try:
                if len(parts) == 3:
                    return dt.date(*parts).isoformat()
                if len(parts) == 2 and 1 <= parts[1] <= 12:
                    return f"{parts[0]:04d}-{parts[1]:02d}"
                if len(parts) == 1:
                    return f"{parts[0]:04d}"
            except ValueError:
                return None
    return None


def _match_segment(ctx: LoadContext, text: str) -> str | None:
    exact = ctx.resolver.resolve(NodeKind.SEGMENT, text)
    if exact:
        return exact
    key = normalize_name(text)
    contained = [(len(k), k, sid) for k, sid in ctx.resolver.keys(NodeKind.SEGMENT).items() if len(k) >= 2 and k in key]
    if not contained:
        return None
    contained.sort(reverse=True)
    return contained[0][2]


def _region_matcher(ctx: LoadContext) -> list[tuple[str, str, int]]:
    """(key, region id, level rank) of every known region name and alias of two or more characters."""
    out = []
    for key, region_id in ctx.resolver.keys(NodeKind.REGION).items():
        if len(key) < 2:
            continue
        props = ctx.resolver.node_props(region_id) or {}
        try:
            rank = RegionLevel(props.get("level", "city")).rank
        except ValueError:
            rank = 0
        out.append((key, region_id, rank))
    return out


def _match_region(regions: list[tuple[str, str, int]], address: str) -> str | None:
    """The most specific region named in an address; among equals, the one named first.

    Addresses run from large to small (省 → 市 → 区县 → 路), so the earliest most-specific name is
    the administrative unit and a street that shares a county's name (平原路) loses to it.
    """
    key = normalize_name(address)
    best: tuple[int, int, int, str] | None = None
    for name, region_id, rank in regions:
        position = key.find(name)
        if position < 0:
            continue
        candidate = (-rank, position, -len(name), region_id)
        if best is None or candidate < best:
            best = candidate
    return best[3] if best else None
