"""Bulk import: an embedded graph written as the input files of ``neo4j-admin database import full``.

Why: the online loader merges record by record inside transactions, so that any load can be run
again; a new database has nothing to merge with, and Neo4j's offline importer writes its store
files directly, many times faster. ``chainkg load --store neo4j --bulk`` runs the normal pipeline
(validation, ids, provenance, reject report) into an embedded store, writes that graph here, runs
the importer, then creates the schema — so the graph is the one the online load would have made
(the parity suite checks both).

What :func:`write_import_files` writes into a directory:

- ``nodes-<Kind>-<n>.csv``: one file per kind and *column layout*; header ``id:ID`` (the ``id``
  property), ``:LABEL`` (the kind and :attr:`StoreLabel.ENTITY`), then one typed column per property
  (``name``, ``keys:string[]``, ``founded:int``, …). Neo4j types a column for the whole file, so a
  node whose property has another type than the file's column (an ``int`` where others hold a
  ``float``) goes to another file of the same kind: every value keeps its type;
- ``relationships-<TYPE>-<n>.csv``: ``:START_ID``, ``:END_ID``, ``:TYPE``, ``key`` and the
  properties (``provenance:string[]`` for every kind but CITES), laid out the same way;
- ``import.args``: the importer's arguments, one per line, paths relative to the directory
  (``neo4j-admin database import full @import.args``, run inside it).

Every value is quoted, so an empty text stays an empty text; a missing property is an empty field.
Lists use the unit separator (U+001F) between elements, a character no text of the graph holds
(:func:`write_import_files` refuses a graph where one does). The importer cannot write an *empty*
list (it reads one as no property), so those are left out of the files and listed in
:attr:`ImportFiles.empty_lists`, for :meth:`Neo4jStore.set_empty_lists` to set after the import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from chainkg.schema.kinds import StoreLabel
from chainkg.store.neo4j.ddl import GRAMS, key_grams
from chainkg.store.protocol import StoreError

__all__ = ["ARGS_FILE", "ImportFiles", "write_import_files"]

#: The importer's arguments file inside the directory.
ARGS_FILE = "import.args"
_ARRAY = "\x1f"
_ENTITY = StoreLabel.ENTITY.value

#: Python type → Neo4j CSV type; lists by their elements' type.
_TYPES: dict[type, str] = {str: "string", bool: "boolean", int: "long", float: "double"}


@dataclass
class ImportFiles:
    """What was written: the directory, its files, and how many nodes and relationships they hold."""

    directory: Path
    node_files: list[Path] = field(default_factory=list)
    relationship_files: list[Path] = field(default_factory=list)
    nodes: int = 0
    relationships: int = 0
    #: Empty list properties the files cannot carry: ``(node id, name)`` and
    #: ``((source, target, type, key), name)``.
    empty_lists: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def args_file(self) -> Path:
        return self.directory / ARGS_FILE


def write_import_files(graph: nx.MultiDiGraph[str], directory: Path, database: str = "neo4j") -> ImportFiles:
    """Write ``graph`` (the embedded store's layout) as importer input into ``directory`` (emptied of
    earlier import files first). Raises :class:`StoreError` for a value the files cannot carry."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in [*directory.glob("nodes-*.csv"), *directory.glob("relationships-*.csv")]:
        old.unlink()
    out = ImportFiles(directory)

    nodes: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for node_id, attrs in graph.nodes(data=True):
        props = {k: v for k, v in attrs.items() if k != "kind" and v is not None and v != []}
        if isinstance(props.get("keys"), list) and (grams := key_grams(props["keys"])):
            props[GRAMS] = grams  # what the online writes derive (chainkg.store.neo4j.ddl.NAMES_INDEX)
        out.empty_lists += [(node_id, k) for k, v in attrs.items() if v == [] and isinstance(v, list)]
        nodes.setdefault(attrs["kind"], []).append((node_id, props))
    for kind, members in sorted(nodes.items()):
        for n, (columns, rows) in enumerate(_layouts(members, fixed=("id",))):
            path = directory / f"nodes-{kind}-{n}.csv"
            header = ["id:ID", ":LABEL", *(_column(name, typ) for name, typ in columns)]
            labels = f"{kind}{_ARRAY}{_ENTITY}"  # the importer splits labels on the array delimiter
            _write(path, header, ([node_id, labels, *(props.get(c) for c, _ in columns)] for node_id, props in rows))
            out.node_files.append(path)
            out.nodes += len(rows)

    edges: dict[str, list[tuple[tuple[str, str], dict[str, Any]]]] = {}
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        props = {k: v for k, v in attrs.items() if k != "kind" and v is not None and v != []}
        if isinstance(props.get("keys"), list) and (grams := key_grams(props["keys"])):
            props[GRAMS] = grams  # what the online writes derive (chainkg.store.neo4j.ddl.NAMES_INDEX)
        out.empty_lists += [
            ((source, target, attrs["kind"], key), k) for k, v in attrs.items() if v == [] and isinstance(v, list)
        ]
        props["key"] = key
        edges.setdefault(attrs["kind"], []).append(((source, target), props))
    for kind, edge_members in sorted(edges.items()):
        for n, (columns, rows) in enumerate(_layouts(edge_members, fixed=())):
            path = directory / f"relationships-{kind}-{n}.csv"
            header = [":START_ID", ":END_ID", ":TYPE", *(_column(name, typ) for name, typ in columns)]
            _write(path, header, ([s, t, kind, *(props.get(c) for c, _ in columns)] for (s, t), props in rows))
            out.relationship_files.append(path)
            out.relationships += len(rows)

    args = [
        database,
        "--overwrite-destination=true",
        "--id-type=string",
        "--array-delimiter=U+001F",
        "--multiline-fields=true",
        "--ignore-empty-strings=false",
        "--skip-duplicate-nodes=false",
        "--skip-bad-relationships=false",
        "--bad-tolerance=0",
        *(f"--nodes={p.name}" for p in out.node_files),
        *(f"--relationships={p.name}" for p in out.relationship_files),
    ]
    out.args_file.write_text("\n".join(args) + "\n", encoding="utf-8")
    return out


def _type_of(value: Any) -> str:
    if isinstance(value, list):
        kinds = {type(v) for v in value}
        if len(kinds) > 1:
            raise StoreError(f"a list property mixes types ({sorted(k.__name__ for k in kinds)}): {value[:5]!r}")
        inner = _TYPES.get(next(iter(kinds))) if kinds else "string"
        if inner is None:
            raise StoreError(f"cannot bulk-import a list of {next(iter(kinds)).__name__}: {value[:5]!r}")
        return inner + "[]"
    typ = _TYPES.get(type(value))
    if typ is None:
        raise StoreError(f"cannot bulk-import a value of type {type(value).__name__}: {value!r}")
    return typ


def _layouts(
    members: list[tuple[Any, dict[str, Any]]], fixed: tuple[str, ...]
) -> Iterator[tuple[list[tuple[str, str]], list[tuple[Any, dict[str, Any]]]]]:
    """Split rows into groups whose property types agree; each group's columns (name, type), sorted.

    A row joins the first group whose columns it does not contradict (new columns are added).
    An empty list takes the type of the group's column (a list of texts when the group has none).
    """
    groups: list[tuple[dict[str, str], list[tuple[Any, dict[str, Any]]]]] = []
    for key, props in members:
        types = {name: _type_of(value) for name, value in props.items() if name not in fixed}
        for columns, rows in groups:
            if all(
                columns.get(name, typ) == typ or (props[name] == [] and columns[name].endswith("[]"))
                for name, typ in types.items()
            ):
                for name, typ in types.items():
                    columns.setdefault(name, typ)
                rows.append((key, props))
                break
        else:
            groups.append((dict(types), [(key, props)]))
    for columns, rows in groups:
        yield sorted(columns.items()), rows


def _column(name: str, typ: str) -> str:
    return name if typ == "string" else f"{name}:{typ}"


def _text(value: Any) -> str:
    """One quoted CSV field (None: an empty, unquoted field, which the importer reads as no property)."""
    if value is None:
        return ""
    if isinstance(value, list):
        parts = [_scalar(v) for v in value]
        if any(_ARRAY in p for p in parts):
            raise StoreError(f"a list element holds the array separator U+001F: {value[:5]!r}")
        text = _ARRAY.join(parts)
    else:
        text = _scalar(value)
    return '"' + text.replace('"', '""') + '"'


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        handle.writelines(",".join(_text(v) for v in row) + "\n" for row in rows)
