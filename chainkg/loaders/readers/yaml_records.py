"""Read YAML while remembering on which line each record starts, for the reject report.

Values come back as plain Python, except that YAML's implicit dates (``2019-05-15``) and years
(``2020``) are turned back into the text the author wrote, because dates here keep their precision.

Hostile YAML: anchors and aliases let a few hundred bytes stand for billions of values ("billion
laughs"); a document that expands to more values than its text could hold without them (one per two
characters, plus slack) is refused instead of built. Nesting deeper than :data:`MAX_DEPTH` is refused
too (it would otherwise exhaust the interpreter's stack).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

import yaml

from chainkg.loaders.pipeline import FileRejected

__all__ = ["Located", "read_yaml"]


class Located:
    """A YAML value with the 1-based line it starts on; mappings and lists keep located children."""

    __slots__ = ("line", "value")

    def __init__(self, value: Any, line: int):
        self.value = value
        self.line = line


class _Loader(yaml.SafeLoader):
    pass


def _plain_date(loader: _Loader, node: yaml.Node) -> str:
    """A date stays the text it was written as. (Only a scalar can carry the timestamp tag.)"""
    return str(loader.construct_scalar(cast(yaml.ScalarNode, node)))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _plain_date)


#: Deepest nesting of mappings and lists read (the curated files nest four levels at most).
MAX_DEPTH = 64


class _Budget:
    """How many values a document may expand to, and how deep it may nest."""

    def __init__(self, text: str):
        self.left = len(text) // 2 + 10_000

    def spend(self, depth: int, line: int) -> None:
        self.left -= 1
        if self.left < 0:
            raise FileRejected(
                f"the YAML expands to far more values than its text holds (anchors and aliases repeated, "
                f"near line {line}); refused"
            )
        if depth > MAX_DEPTH:
            raise FileRejected(f"the YAML nests deeper than {MAX_DEPTH} levels at line {line}; refused")


def _build(loader: _Loader, node: yaml.Node, budget: _Budget, depth: int = 0) -> Located:
    line = node.start_mark.line + 1
    budget.spend(depth, line)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Located] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise FileRejected(f"a mapping key at line {key_node.start_mark.line + 1} is not plain text")
            key = loader.construct_object(key_node, deep=True)
            out[str(key)] = _build(loader, value_node, budget, depth + 1)
        return Located(out, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_build(loader, child, budget, depth + 1) for child in node.value], line)
    return Located(loader.construct_object(node, deep=True), line)


def read_yaml(path: Path) -> Located:
    """Parse one YAML document; a file that is not valid YAML is rejected with the line at fault."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8") from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, 1)
        return _build(loader, node, _Budget(text))
    except RecursionError as exc:
        raise FileRejected("the YAML nests too deeply to read; refused") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FileRejected(f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    finally:
        loader.dispose()


def plain(value: Any) -> Any:
    """Strip line information recursively; normalise dates to ISO text."""
    if isinstance(value, Located):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
