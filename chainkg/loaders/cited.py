"""What the policy and ledger loaders share: list files, their own sources, citations, field errors.

Both read a directory of YAML (or JSON Lines) list files, like a dataset: an optional
``sources.yaml`` first (the documents their records cite, in the fields of ``data/README.md``), then
their records, each rejected as a whole — with its file, the line it starts on, the field and the
reason — or kept. A record cites sources by key (``sources: [seed-004]``) or as mappings
``{source, evidence, certainty}``; a key may name a source of the same directory or one already in
the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chainkg.loaders.pipeline import FILE_REJECTED, FileRejected, LoadContext, RecordError, Reject
from chainkg.loaders.readers.jsonl_records import InvalidLine, iter_jsonl
from chainkg.loaders.readers.yaml_records import Located, plain, read_yaml
from chainkg.schema.ids import source_id
from chainkg.schema.kinds import Certainty, NodeKind
from chainkg.schema.models import Source
from chainkg.schema.normalize import normalize_name
from chainkg.schema.records import Batch, Provenance

__all__ = ["Step", "as_list", "citations", "field_error", "list_files", "load_list", "load_sources", "record_fields"]

#: A loader step: (file, its records, the load context).
Step = Callable[[str, Iterable[Located], LoadContext], None]


def list_files(path: Path, stem: str) -> list[Path]:
    """The YAML and JSON Lines files of one list in a directory (YAML first)."""
    return [f for f in (path / f"{stem}.yaml", path / f"{stem}.jsonl") if f.is_file()]


def load_list(file: Path, ctx: LoadContext, step: Step) -> None:
    """Hand one list file's records to ``step``; a file that cannot be read is rejected as a whole."""
    ctx.start_file(file, None)
    if file.suffix == ".jsonl":
        try:
            step(str(file), iter_jsonl(file), ctx)
        except OSError as exc:
            ctx.report.rejects.append(Reject(str(file), 0, "", f"cannot read: {exc}", FILE_REJECTED))
        ctx.flush()
        return
    try:
        doc = read_yaml(file)
    except FileRejected as exc:
        ctx.report.rejects.append(Reject(str(file), 0, "", exc.reason, FILE_REJECTED))
        return
    if doc.value is None:
        return  # an empty file: nothing to load
    if not isinstance(doc.value, list):
        reason = "expected a list of records (each starting with '- ')"
        ctx.report.rejects.append(Reject(str(file), 0, "", reason, FILE_REJECTED))
        return
    step(str(file), doc.value, ctx)
    ctx.flush()


def record_fields(item: Located) -> dict[str, Any]:
    """A record's fields as plain values; RecordError when it is not a mapping."""
    if isinstance(item.value, InvalidLine):
        raise RecordError("", item.value.reason, item.value.text)
    if not isinstance(item.value, dict):
        raise RecordError("", "expected a mapping of field: value")
    data = plain(item.value)
    return {k: (str(v) if isinstance(v, int) and k.endswith(_DATES) else v) for k, v in data.items()}


#: Field-name endings of dates: a bare year (2020) reads as a number in YAML and is turned back to text.
_DATES = ("date", "_from", "_to", "_due", "as_of", "period")


def load_sources(path: Path, ctx: LoadContext) -> None:
    """The directory's own ``sources.yaml`` / ``sources.jsonl``, if any."""
    for file in list_files(path, "sources"):
        load_list(file, ctx, _sources)


def _sources(file: str, items: Iterable[Located], ctx: LoadContext) -> None:
    for item in items:
        ctx.read()
        try:
            data = record_fields(item)
            title = data.pop("title", None)
            model = Source.model_validate({"name": title, **data})
        except RecordError as exc:
            ctx.reject(file, item.line, exc)
            continue
        except ValidationError as exc:
            ctx.reject(file, item.line, field_error(exc))
            continue
        ctx.resolver.add(NodeKind.SOURCE, model.id, [normalize_name(model.key)], model.props())
        ctx.accept(Batch(nodes=[model.to_record()]), file, item.line)


def citations(value: Any, ctx: LoadContext, claims: dict[str, Any] | None = None) -> list[Provenance]:
    """The record's ``sources`` as provenance, each carrying ``claims`` (what the record states);
    RecordError naming the entry when a key is unknown or none is given."""
    stated = tuple(sorted((claims or {}).items()))
    out: list[Provenance] = []
    for i, entry in enumerate(as_list(value)):
        spec = entry if isinstance(entry, dict) else {"source": entry}
        key = str(spec.get("source", "")).strip()
        source = _source(ctx, key) if key else None
        if source is None:
            raise RecordError(
                f"sources[{i}]", "unknown source key; define it in sources.yaml here or load the dataset first", key
            )
        try:
            certainty = Certainty(spec.get("certainty", Certainty.STATED.value))
        except ValueError as exc:
            raise RecordError(f"sources[{i}].certainty", "must be stated or inferred", spec.get("certainty")) from exc
        out.append(Provenance(source, str(spec.get("evidence") or ""), stated, certainty))
    if not out:
        raise RecordError("sources", "every record must cite at least one source")
    return out


def _source(ctx: LoadContext, key: str) -> str | None:
    """A source of this load by key, else one the graph holds (its id is derived from its key)."""
    found = ctx.resolver.resolve(NodeKind.SOURCE, key)
    if found is not None:
        return found
    try:
        sid = source_id(key)
    except ValueError:
        return None
    props = ctx.resolver.node_props(sid)
    if props is None or props.get("kind", NodeKind.SOURCE.value) != NodeKind.SOURCE.value:
        return None
    ctx.resolver.add(NodeKind.SOURCE, sid, [normalize_name(key)], props)  # asked once per load
    return sid


def field_error(exc: ValidationError, prefix: str = "") -> RecordError:
    """The first validation error as a reject: the field's dotted path, and the reason in words."""
    first = exc.errors()[0]
    parts: list[str] = []
    for part in first["loc"]:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]" if parts else f"[{part}]"]
        else:
            parts.append(str(part))
    loc = ".".join(parts) or "record"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field (check the spelling against the README of this folder)"
    value = first.get("input")
    return RecordError(prefix + loc, message, value if isinstance(value, str | int | float) else "")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def iter_records(items: Iterable[Located], ctx: LoadContext) -> Iterator[Located]:
    """Each record, counted as read."""
    for item in items:
        ctx.read()
        yield item
