"""Writes ``docs/queries.md`` from the query modules themselves, so the two cannot disagree.

Run ``python -m chainkg.queries.docs > docs/queries.md``; a test fails when the file is out of date.
"""

from __future__ import annotations

import inspect
from types import ModuleType

from pydantic import BaseModel

from chainkg.queries import (
    chain_map,
    common,
    entity,
    explain,
    footprint,
    gaps,
    ledger,
    pipeline,
    profile,
    project_facts,
    project_history,
    recommend,
    report,
    search,
    stats,
    supply_chain,
)
from chainkg.queries.listing import base as listing
from chainkg.queries.listing import chains as listing_chains
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.queries.listing import segments as listing_segments
from chainkg.queries.policies import eligible as policy_eligible
from chainkg.queries.policies import listing as policy_list
from chainkg.queries.policies import match as policy_match
from chainkg.queries.policies import rules as policy_rules
from chainkg.schema import lifecycle

__all__ = ["QUERIES", "render"]

#: (CLI command, module) for every query, in the order the docs present them; None: HTTP API only.
QUERIES: list[tuple[str | None, ModuleType]] = [
    ("chain", chain_map),
    ("gaps", gaps),
    ("upstream", supply_chain),
    ("recommend", recommend),
    ("footprint", footprint),
    ("profile", profile),
    (None, ledger),
    ("search", search),
    ("entity", entity),
    ("explain", explain),
    ("stats", stats),
    (None, listing_chains),
    (None, listing_segments),
    (None, listing_parks),
    (None, listing_regions),
    (None, listing_enterprises),
    ("pipeline", pipeline),
    ("project", project_history),
    ("report", report),
    ("policy list", policy_list),
    ("policy match", policy_match),
    ("policy eligible", policy_eligible),
]


def _params_table(model: type[BaseModel]) -> list[str]:
    rows = ["| parameter | type | default | limits | meaning |", "| --- | --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
        annotation = annotation.replace("typing.", "").replace("queries.", "").replace("chainkg.schema.kinds.", "")
        default = "required" if field.is_required() else repr(field.get_default(call_default_factory=True))
        limits = ", ".join(
            f"{k} {getattr(m, k)}"
            for m in field.metadata
            for k in ("ge", "le", "gt", "lt", "min_length", "max_length")
            if getattr(m, k, None) is not None
        )
        cells = [f"`{name}`", f"`{annotation}`", f"`{default}`", limits, field.description or ""]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return rows


def render() -> str:
    out = [
        "# Queries",
        "",
        "Generated from the query modules by `python -m chainkg.queries.docs` — edit the docstrings, not this file.",
        "Every query returns the same result model through the CLI (`--json`), the API and notebooks;",
        "ordering is deterministic; unknown ids raise `not_found` with close names, bad parameters `invalid_query`",
        "or a validation error naming the field.",
        "",
        "## Shared definitions",
        "",
        inspect.cleandoc(common.__doc__ or ""),
        "",
        "## Listings and paging",
        "",
        inspect.cleandoc(listing.__doc__ or ""),
        "",
        "## Projects in time",
        "",
        inspect.cleandoc(lifecycle.__doc__ or ""),
        "",
        inspect.cleandoc(project_facts.__doc__ or "").partition("\n")[2].strip(),
        "",
        "## Policy verdicts",
        "",
        inspect.cleandoc(policy_rules.__doc__ or "").partition("\n")[2].strip(),
        "",
    ]
    for command, module in QUERIES:
        doc = inspect.cleandoc(module.__doc__ or "")
        title, _, body = doc.partition("\n")
        out += [
            f"## {title.rstrip('.')}",
            "",
            f"Module `{module.__name__}` · "
            + (f"CLI `chainkg {command}`" if command else "HTTP API only (README: HTTP API)"),
            "",
            body.strip(),
            "",
        ]
        out += ["### Parameters", "", *_params_table(module.Params), ""]
        result_fields = ", ".join(f"`{n}`" for n in module.Result.model_fields)
        out += ["### Result", "", f"`{module.__name__}.Result` with fields {result_fields}.", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
