"""``chainkg viz``: write an offline graph page to a file; its options are :class:`chainkg.viz.VizOptions`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainkg.cli.common import HomeOption, app, console, failures_as_exits, option, settings_from, store_for
from chainkg.viz import VizKind, VizOptions, build_page


@app.command("viz")
def viz_command(
    kind: Annotated[str, typer.Argument(help="chain, entity, footprint or explain")],
    refs: Annotated[
        list[str],
        typer.Argument(help="chain: CHAIN; entity: NODE; footprint: GROUP; explain: SOURCE TARGET (id or name)"),
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="HTML file to write (self-contained, works offline)")],
    scope: str | None = option(VizOptions, "scope", "--scope", help="chain, footprint: region or park (id or name)"),
    members: int = option(VizOptions, "members"),
    min_enterprises: int = option(VizOptions, "min_enterprises"),
    hops: int = option(VizOptions, "hops"),
    per_group: int = option(VizOptions, "per_group"),
    edge_kind: str | None = option(VizOptions, "edge_kind"),
    max_depth: int = option(VizOptions, "max_depth"),
    local_only: bool = option(VizOptions, "local_only", "--local-only"),
    max_length: int = option(VizOptions, "max_length"),
    max_paths: int = option(VizOptions, "max_paths"),
    home: HomeOption = None,
) -> None:
    """Write a graph page (pyvis; vis-network inlined): chain map, neighbourhood, group footprint or path."""
    with failures_as_exits(ValueError):
        page_kind = VizKind(kind)
    with store_for(settings_from(home)) as store:
        options = VizOptions.model_validate(
            {
                "scope": scope,
                "members": members,
                "min_enterprises": min_enterprises,
                "hops": hops,
                "per_group": per_group,
                "edge_kind": edge_kind,
                "max_depth": max_depth,
                "local_only": local_only,
                "max_length": max_length,
                "max_paths": max_paths,
            }
        )
        page = build_page(store, page_kind, refs, options)
    page.write(out)
    console.print(f"{page.title}: {len(page.nodes)} nodes, {len(page.edges)} edges → {out}")
