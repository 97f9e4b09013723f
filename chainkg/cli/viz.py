"""``chainkg viz``: write an offline graph page to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from chainkg.app.state import StateError, open_store
from chainkg.cli.common import HomeOption, ScopeOption, app, console, err, settings_from
from chainkg.queries.errors import QueryError


@app.command("viz")
def viz_command(
    kind: Annotated[str, typer.Argument(help="chain, entity, footprint or explain")],
    refs: Annotated[
        list[str],
        typer.Argument(help="chain: CHAIN; entity: NODE; footprint: GROUP; explain: SOURCE TARGET (id or name)"),
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="HTML file to write (self-contained, works offline)")],
    scope: ScopeOption = None,
    members: Annotated[int, typer.Option(min=0, max=50, help="chain: enterprises/projects per segment")] = 6,
    min_enterprises: Annotated[int, typer.Option(min=1, max=100, help="chain: fewer local = weak")] = 2,
    hops: Annotated[int, typer.Option(min=1, max=3, help="entity: hops around the node")] = 1,
    per_group: Annotated[int, typer.Option(min=1, max=100, help="entity: neighbours per relation")] = 12,
    edge_kind: Annotated[str | None, typer.Option(help="entity: only this relation, e.g. SUBSIDIARY_OF")] = None,
    max_depth: Annotated[int, typer.Option(min=1, max=10, help="footprint: subsidiary levels")] = 6,
    local_only: Annotated[
        bool, typer.Option("--local-only", help="footprint: only local-related subsidiaries")
    ] = False,
    max_length: Annotated[int, typer.Option(min=1, max=6, help="explain: longest path in hops")] = 4,
    max_paths: Annotated[int, typer.Option(min=1, max=20, help="explain: paths drawn")] = 5,
    home: HomeOption = None,
) -> None:
    """Write a graph page (pyvis; vis-network inlined): chain map, neighbourhood, group footprint or path."""
    from chainkg.viz import VizKind, VizOptions, build_page

    try:
        store = open_store(settings_from(home)).store
        options = VizOptions(
            scope=scope,
            members=members,
            min_enterprises=min_enterprises,
            hops=hops,
            per_group=per_group,
            edge_kind=edge_kind,
            max_depth=max_depth,
            local_only=local_only,
            max_length=max_length,
            max_paths=max_paths,
        )
        page = build_page(store, VizKind(kind), refs, options)
    except StateError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except QueryError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        for hint in exc.details.get("suggestions", [])[:5]:
            err.print(f"  did you mean {hint['name']} ({hint['id']})?")
        raise typer.Exit(2) from exc
    except (ValidationError, ValueError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        message = f"{'.'.join(map(str, first['loc']))}: {first['msg']}" if first else str(exc)
        err.print(f"[red]error:[/red] {message}")
        raise typer.Exit(2) from exc
    page.write(out)
    console.print(f"{page.title}: {len(page.nodes)} nodes, {len(page.edges)} edges → {out}")
