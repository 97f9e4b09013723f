"""Writes ``docs/queries.md`` from the query modules themselves, so the two cannot disagree.

Run ``python -m chainkg.queries.docs > docs/queries.md``; a test fails when the file is out of date.
"""

from __future__ import annotations

import inspect
from dataclasses import asdict

from pydantic import BaseModel

from chainkg.queries import common, project_facts
from chainkg.queries.base import field_limits
from chainkg.queries.listing import base as listing
from chainkg.queries.policies import rules as policy_rules
from chainkg.queries.registry import QUERIES
from chainkg.schema import lifecycle

__all__ = ["render"]


def _params_table(model: type[BaseModel]) -> list[str]:
    rows = ["| parameter | type | default | limits | meaning |", "| --- | --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
        annotation = annotation.replace("typing.", "").replace("queries.", "").replace("chainkg.schema.kinds.", "")
        default = "required" if field.is_required() else repr(field.get_default(call_default_factory=True))
        limits = ", ".join(
            f"{k} {v}" for k, v in asdict(field_limits(field)).items() if v is not None and k != "pattern"
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
        "or a validation error naming the field. A parameter that names a node takes its id; every front end (API,",
        "CLI, viz pages) also takes a name or 简称 there and resolves it first (`chainkg/queries/refs.py`).",
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
    for query in QUERIES:
        _, _, body = query.definition.partition("\n")
        out += [
            f"## {query.title}",
            "",
            f"Module `{query.module}` · "
            + (f"CLI `chainkg {query.command}`" if query.command else "HTTP API only (README: HTTP API)"),
            "",
            body.strip(),
            "",
        ]
        out += ["### Parameters", "", *_params_table(query.params), ""]
        result_fields = ", ".join(f"`{n}`" for n in query.result.model_fields)
        out += ["### Result", "", f"`{query.module}.Result` with fields {result_fields}.", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
