"""The importer's files (:mod:`chainkg.store.neo4j.bulk`): every value keeps its type and its text.

The import itself runs on the real server in ``tests/neo4j`` (the Dezhou parity suite runs on a
bulk-loaded database); these check the files' shape without a server."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from chainkg.store.neo4j.bulk import write_import_files
from chainkg.store.protocol import StoreError


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("ent:a", kind="Enterprise", name='甲 "公司", 一\n二', capital=3, aliases=[], keys=["甲", "甲公司"])
    graph.add_node("ent:b", kind="Enterprise", name="乙", capital=2.5, listed=True)
    graph.add_node("src:s", kind="Source", name="")
    graph.add_edge("ent:a", "ent:b", key="SUBSIDIARY_OF", kind="SUBSIDIARY_OF", stake=0.51, provenance=["{}"])
    graph.add_edge("ent:a", "src:s", key="CITES", kind="CITES", evidence="", claims="{}", certainty="stated")
    return graph


def test_files_keep_types_texts_and_labels(tmp_path: Path) -> None:
    files = write_import_files(_graph(), tmp_path)
    names = sorted(p.name for p in files.node_files + files.relationship_files)
    # capital is an int in one enterprise and a float in the other: two layouts, neither converted
    assert names == [
        "nodes-Enterprise-0.csv",
        "nodes-Enterprise-1.csv",
        "nodes-Source-0.csv",
        "relationships-CITES-0.csv",
        "relationships-SUBSIDIARY_OF-0.csv",
    ]
    (header, row) = _rows(tmp_path / "nodes-Enterprise-0.csv")
    # grams: the keys' bigrams, bare and with the key's size, which the Neo4j store keeps for its search
    # index (ddl.NAMES_INDEX, ddl.key_grams)
    assert header == ["id:ID", ":LABEL", "capital:long", "grams:string[]", "keys:string[]", "name"]
    grams = "公司\x1f公司#0002\x1f甲公\x1f甲公#0002"
    assert row == ["ent:a", "Enterprise\x1fEntity", "3", grams, "甲\x1f甲公司", '甲 "公司", 一\n二']
    second = _rows(tmp_path / "nodes-Enterprise-1.csv")[0]
    assert second == ["id:ID", ":LABEL", "capital:double", "listed:boolean", "name"]
    assert _rows(tmp_path / "nodes-Source-0.csv")[1] == ["src:s", "Source\x1fEntity", ""]
    assert (tmp_path / "nodes-Source-0.csv").read_text(encoding="utf-8").endswith(',""\n')  # empty text, not "no name"
    assert _rows(tmp_path / "relationships-SUBSIDIARY_OF-0.csv") == [
        [":START_ID", ":END_ID", ":TYPE", "key", "provenance:string[]", "stake:double"],
        ["ent:a", "ent:b", "SUBSIDIARY_OF", "SUBSIDIARY_OF", "{}", "0.51"],
    ]
    assert files.empty_lists == [("ent:a", "aliases")]  # the importer cannot write an empty list
    assert (files.nodes, files.relationships) == (3, 2)
    args = files.args_file.read_text(encoding="utf-8").split("\n")
    assert args[0] == "neo4j" and "--nodes=nodes-Source-0.csv" in args and "--array-delimiter=U+001F" in args


@pytest.mark.parametrize("value", [["a\x1fb"], [{"x": 1}], {"x": 1}, ["a", 1]])
def test_values_the_files_cannot_carry_are_refused(tmp_path: Path, value: object) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("ent:a", kind="Enterprise", odd=value)
    with pytest.raises(StoreError):
        write_import_files(graph, tmp_path)
