"""Rows of one registry file that give one credit code different values: kept as claims, flagged.

A row repeating an earlier row's credit code with another name, capital, date, type or stock code
is not dropped and does not silently overwrite: from that row on, the node's values are claims —
the earlier row's claim cites the file, the later row's claim cites a source of its own
(``<file> 第N行``) — so both are kept, :mod:`chainkg.schema.conflicts` picks the value shown (the
earlier row, on a tie of date and authority), the field is listed in ``disputed``, and the report
says so (action ``conflict kept``).

The file is scanned once before its rows are loaded (:func:`contested`), so rows of codes no other
row contradicts load exactly as before, without claims.
"""

from __future__ import annotations

from typing import Any

from chainkg.loaders.pipeline import CONFLICT_KEPT, LoadContext, Reject
from chainkg.loaders.readers.csv_rows import Row
from chainkg.schema.models import Enterprise, Source
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, PropValue, Provenance

__all__ = ["CONFLICT_FIELDS", "Codes", "contested"]

#: Fields whose differing values on rows of one credit code are kept as conflicting claims.
CONFLICT_FIELDS = ("name", "registered_capital", "established", "enterprise_kind", "stock_code")


def contested(rows: list[Row], columns: dict[str, tuple[int, str | None]]) -> set[str]:
    """Credit codes on two or more rows whose cells for a :data:`CONFLICT_FIELDS` column differ (raw
    text; the load compares the parsed values and reports only real differences)."""
    if "credit_code" not in columns:
        return set()
    code_at = columns["credit_code"][0]
    watched = [index for field, (index, _) in columns.items() if field in CONFLICT_FIELDS or field == "kind"]
    first: dict[str, tuple[str, ...]] = {}
    found: set[str] = set()
    for row in rows:
        if row.problem is not None or code_at >= len(row.cells):
            continue
        code = row.cells[code_at].strip().upper()
        if not code:
            continue
        values = tuple(normalize_name(row.cells[i]) if i < len(row.cells) else "" for i in watched)
        if first.setdefault(code, values) != values:
            found.add(code)
    return found


class Codes:
    """Credit codes of one file that several rows give different values for, and the first of each."""

    def __init__(self, contested: set[str]):
        self.contested = contested
        self.seen: dict[str, tuple[int, dict[str, PropValue]]] = {}

    def provenance(
        self,
        file: str,
        row_no: int,
        model: Enterprise,
        props: dict[str, PropValue],
        file_source: Source,
        ctx: LoadContext,
        batch: Batch,
    ) -> list[Provenance]:
        """The provenance of a row whose credit code is contested (see the module docstring): its values
        as claims — of the file for the first such row, of a source of its own (``<file> 第N行``, added
        to ``batch``) for a later row that differs, which then leaves the node's values (removed from
        ``props``) to the claims."""
        assert model.credit_code is not None
        stated = {f: props[f] for f in CONFLICT_FIELDS if f in model.model_fields_set and f in props}
        earlier = self.seen.get(model.credit_code)
        if earlier is None:
            self.seen[model.credit_code] = (row_no, stated)
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


def _claims(values: dict[str, PropValue]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(values.items()))


def _same(field: str, a: PropValue, b: PropValue) -> bool:
    if field == "name" and isinstance(a, str) and isinstance(b, str):
        return normalize_name(a) == normalize_name(b)
    return a == b
