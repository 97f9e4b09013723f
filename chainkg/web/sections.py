"""Sections other features add to an existing page, without editing it.

A section is a function ``(ctx, node_id) -> Section | None`` registered for a kind of page
(``"project"``, ``"enterprise"``, ``"park"``, ``"region"``, ``"segment"``, ``"chain"``). The page calls
every registered function in registration order and shows each section it returns (None: nothing to
show for this node) after its own content, with the section's tables downloadable like its own.

Example (policies on the project page)::

    from chainkg.web import sections

    def policies(ctx, project_id):
        result = ctx.run(policy_match.QUERY, {"project": project_id})
        table = Table("policies", f"可享受政策_{result.project.name}", [...])
        ...
        return sections.Section("可享受政策", "partials/policies.html", {"result": result}, [table])

    sections.register("project", policies)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chainkg.web.deps import PageContext
from chainkg.web.tables import Table

__all__ = ["Section", "SectionFn", "collect", "register"]


@dataclass
class Section:
    """A titled block: a template (rendered with ``values`` plus the page's own context) and its tables."""

    title: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)


SectionFn = Callable[[PageContext, str], Section | None]

_REGISTRY: dict[str, list[SectionFn]] = {}


def register(page: str, section: SectionFn) -> SectionFn:
    """Add ``section`` to every page of kind ``page``; returns it (usable as a decorator factory's body)."""
    _REGISTRY.setdefault(page, []).append(section)
    return section


def collect(page: str, ctx: PageContext, node_id: str) -> list[Section]:
    """The sections registered for ``page`` that have something to show for ``node_id``."""
    found = []
    for section in _REGISTRY.get(page, []):
        result = section(ctx, node_id)
        if result is not None:
            found.append(result)
    return found
