"""Leads entered at the desk (``chainkg lead add``): kept as a ledger directory in the state folder.

A lead typed in (or taken from an accepted news candidate) is written as a row of
``<home>/leads/leads.yaml`` citing a source of the day (``desk-YYYY-MM-DD`` in
``<home>/leads/sources.yaml``: "entered by a chain office"), then that directory is loaded like any
ledger. So the graph's manifest names it, a rebuilt snapshot replays it, and the file is the office's
own record of what it entered. A row for a project already in the file replaces the earlier row
(the latest follow-up stands); the 线索 date and the sources of the earlier row are kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from chainkg.schema.normalize import normalize_name
from chainkg.store.files import atomic_write_text

__all__ = ["add_lead", "desk_dir", "desk_source"]


def desk_dir(home: Path) -> Path:
    return home / "leads"


def desk_source(day: dt.date) -> dict[str, Any]:
    return {
        "key": f"desk-{day.isoformat()}",
        "title": f"链长办公室录入的招商线索（{day.isoformat()}）",
        "publisher": "chainkg 使用者录入",
        "date": day.isoformat(),
        "authority": 0,
    }


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [dict(item) for item in data if isinstance(item, dict)]


def _write(path: Path, records: list[dict[str, Any]], header: str) -> None:
    atomic_write_text(path, header + yaml.safe_dump(records, allow_unicode=True, sort_keys=False))


def add_lead(home: Path, lead: dict[str, Any], day: dt.date, extra_sources: list[str] | None = None) -> Path:
    """Write ``lead`` (a ``leads.yaml`` row without ``sources``) into the desk ledger; returns its folder."""
    folder = desk_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    source = desk_source(day)
    sources = _read(folder / "sources.yaml")
    if all(s.get("key") != source["key"] for s in sources):
        sources.append(source)
        _write(folder / "sources.yaml", sources, "# Sources of the leads entered with `chainkg lead add`.\n")
    leads = _read(folder / "leads.yaml")
    key = normalize_name(str(lead["name"]))
    kept = [row for row in leads if normalize_name(str(row.get("name", ""))) != key]
    earlier = next((row for row in leads if normalize_name(str(row.get("name", ""))) == key), None)
    row = dict(lead)
    cited = [*(earlier.get("sources", []) if earlier else []), source["key"], *(extra_sources or [])]
    row["sources"] = list(dict.fromkeys(cited))
    if earlier and earlier.get("lead_date"):
        row["lead_date"] = earlier["lead_date"]
    kept.append(row)
    _write(folder / "leads.yaml", kept, "# Leads entered with `chainkg lead add` (data/README.md: project ledger).\n")
    return folder
