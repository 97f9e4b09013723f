"""Read JSON Lines dataset files: one record per line, each kept with its line number.

Why a second format next to YAML: PyYAML parses a few thousand records per second, so a city-sized
dataset (tens of thousands of enterprises) spends most of its load in the parser and a province
(a million) takes hours. A JSON line parses in microseconds, the file is read as a stream (never
held whole), and a damaged line spoils only its own record. The records carry exactly the fields of
the YAML files (``data/README.md``); the reject report names the line number as the row.

A line longer than :data:`MAX_LINE_BYTES` (a record is a few hundred bytes) is reported and skipped
without being held whole, and a line nested too deeply to parse is reported like any invalid line.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

from chainkg.loaders.readers.yaml_records import Located

__all__ = ["MAX_LINE_BYTES", "InvalidLine", "JsonLine", "iter_jsonl"]

#: Longest line read (4 MiB).
MAX_LINE_BYTES = 4 * 1024 * 1024
_BUFFER = 1 << 20


class InvalidLine:
    """The value of a line that is not a JSON document: why, and the start of the text."""

    __slots__ = ("reason", "text")

    def __init__(self, reason: str, text: str):
        self.reason = reason
        self.text = text[:200]


class JsonLine(Located):
    """A parsed line: its value holds plain JSON data (no located children), so it needs no unwrapping."""

    __slots__ = ()


def iter_jsonl(path: Path) -> Iterator[Located]:
    """Each non-blank line as ``JsonLine(value, line)``; unreadable lines as ``Located(InvalidLine)``.

    A UTF-8 byte-order mark on the first line is ignored (Windows editors write one). Lines are
    split on ``\\n`` only, which is safe because JSON escapes newlines inside strings.
    """
    # a large buffer: each refill lets go of the interpreter lock, and taking it back from a thread
    # writing ahead (chainkg.store.ahead) can cost a switch interval (BENCHMARKS.md §2, seventh round)
    with path.open("rb", buffering=_BUFFER) as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while True:  # skip the rest of the line, a chunk at a time
                    rest = handle.readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
                reason = f"the line is longer than {MAX_LINE_BYTES:,} bytes; a record is far shorter"
                yield Located(InvalidLine(reason, raw[:200].decode("utf-8", "replace")), number)
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                reason = f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8"
                yield Located(InvalidLine(reason, raw.decode("utf-8", "replace")), number)
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Located(InvalidLine(f"invalid JSON at column {exc.colno}: {exc.msg}", text.strip()), number)
                continue
            except RecursionError:
                yield Located(InvalidLine("the JSON nests too deeply to read", text.strip()), number)
                continue
            yield JsonLine(value, number)
