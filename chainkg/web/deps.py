"""What every workbench page is handed: the store, the chosen scope, the current user, and how to
run a query so that its errors become pages.

:class:`PageContext` is the one dependency a page takes (``ctx: PageDep``). It carries

- the **store** (the API's :func:`chainkg.api.deps.get_store`, so pages and API read the same graph);
- the **scope** (``?scope=`` — a region or park id or name; absent: the home city) every page keeps:
  links made with :meth:`PageContext.url` carry it, the selector in the header changes it;
- the **current user** from :func:`current_user` — the sign-in hook. It reads the principal the
  API's access control resolved (an API key or a browser session, :mod:`chainkg.api.security`) and
  answers ``None`` for an anonymous reader; pages and templates see ``ctx.user`` and ``user`` (the
  header shows the name and a sign-out link when there is one). Whether a page may be read at all
  is decided before it, by that access control; a page that needs a role can depend on
  ``chainkg.api.security.require_role(...)`` like an API route. Another sign-in scheme replaces this
  one dependency (``app.dependency_overrides[current_user] = …``).

:meth:`PageContext.run` runs a query and turns a :class:`chainkg.queries.errors.QueryError` or an
invalid parameter into :class:`PageError`, which the workbench renders as a friendly page with the
right status (404 with "did you mean" links for an unknown id) on any path, ``/`` included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from chainkg.api.deps import get_store
from chainkg.api.security import CurrentUser as CurrentPrincipal
from chainkg.queries.base import Query
from chainkg.queries.common import NodeRef
from chainkg.queries.errors import Ambiguous, NotFound, QueryError
from chainkg.queries.listing import parks as listing_parks
from chainkg.queries.listing import regions as listing_regions
from chainkg.queries.refs import resolve_ref
from chainkg.schema.ids import kind_of_id
from chainkg.schema.kinds import NodeKind, RegionLevel
from chainkg.store.memory import MemoryStore
from chainkg.store.nx_index import cached
from chainkg.store.protocol import GraphStore

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
T = TypeVar("T")

__all__ = [
    "PLACE_KINDS",
    "PageContext",
    "PageDep",
    "PageError",
    "ScopeOption",
    "User",
    "UserDep",
    "current_user",
    "node_path",
    "page_context",
]

PLACE_KINDS = (NodeKind.REGION, NodeKind.PARK)

#: The page each kind of node has (ChainOffice nodes open the generic node page).
_KIND_PATHS = {
    NodeKind.CHAIN: "chain",
    NodeKind.SEGMENT: "segment",
    NodeKind.ENTERPRISE: "enterprise",
    NodeKind.PROJECT: "project",
    NodeKind.PARK: "park",
    NodeKind.REGION: "region",
    NodeKind.SOURCE: "source",
    NodeKind.CHAIN_OFFICE: "node",
}
#: Region levels offered in the scope selector (towns are reachable by URL, not listed).
_SELECTABLE = (RegionLevel.DISTRICT, RegionLevel.COUNTY, RegionLevel.COUNTY_CITY, RegionLevel.FUNCTIONAL_ZONE)


@dataclass(frozen=True)
class User:
    """Who is signed in: what an authentication layer hands the pages."""

    id: str
    name: str
    roles: frozenset[str] = frozenset()


async def current_user(principal: CurrentPrincipal) -> User | None:
    """The signed-in user: the principal the API's access control resolved for this request (a key
    or a browser session, :mod:`chainkg.api.security`), or ``None`` for an anonymous reader."""
    if principal.anonymous:
        return None
    return User(id=principal.name, name=principal.name, roles=frozenset({principal.role} if principal.role else ()))


UserDep = Annotated[User | None, Depends(current_user)]


class PageError(Exception):
    """A page that cannot be shown: status, stable code, a message for people, close names to offer."""

    def __init__(
        self, status: int, code: str, message: str, suggestions: list[dict[str, str]] | None = None, field: str = ""
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.suggestions = suggestions or []
        self.field = field

    @classmethod
    def from_query(cls, exc: QueryError, field: str = "") -> PageError:
        status = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, Ambiguous) else 422
        suggestions = [s for s in exc.details.get("suggestions", []) if isinstance(s, dict)]
        return cls(status, exc.code, exc.message, suggestions, field or str(exc.details.get("field") or ""))

    @classmethod
    def from_validation(cls, exc: ValidationError) -> PageError:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = f"{where}: {first['msg']}" if where else first["msg"].removeprefix("Value error, ")
        return cls(422, "validation_error", message, field=where)


@dataclass(frozen=True)
class ScopeOption:
    id: str
    name: str
    group: str  # 全市 / 区县 / 功能区 / 园区


@lru_cache(maxsize=1 << 16)
def node_path(node_id: str, kind: NodeKind | None = None) -> str:
    """The workbench path of a node's page (its id percent-encoded; ``/`` kept, ids may contain it).
    Kept for the last 65,536 ids: a page links hundreds of nodes, each an encoding."""
    kind = kind or kind_of_id(node_id)
    return f"/{_KIND_PATHS.get(kind, 'node')}/{quote(node_id, safe=':/')}"


@dataclass
class PageContext:
    request: Request
    store: GraphStore
    user: User | None
    scope_param: str | None
    scope: NodeRef
    home: NodeRef

    @cached_property
    def options(self) -> list[ScopeOption]:
        """The scope selector's choices: the city, its districts and counties, zones and parks
        (asked for only when a page draws the header; a type-ahead answer does not)."""
        return _kept(self.store, "scope_options", lambda: _scope_options(self.store, self.home))

    @property
    def option_groups(self) -> list[tuple[str, list[ScopeOption]]]:
        """:attr:`options` by group (全市, 区县, 功能区, 园区), the empty groups left out."""
        return _kept(self.store, "scope_groups", lambda: _grouped(self.options))

    @property
    def listed(self) -> bool:
        """Whether the scope is one of :attr:`options` (a town, reachable by URL, is not)."""
        return self.scope.id in _kept(self.store, "scope_ids", lambda: frozenset(o.id for o in self.options))

    @property
    def scoped(self) -> bool:
        """Whether the scope differs from the home city (links then carry it)."""
        return self.scope.id != self.home.id

    @property
    def scope_id(self) -> str:
        return self.scope.id

    def run(self, query: Query[P, R], params: P | dict[str, Any]) -> R:
        """``store.run`` with params given as a model or a dict (validated by the query's params
        model); query errors and invalid values become :class:`PageError`."""
        try:
            model = params if isinstance(params, BaseModel) else query.params(**params)
            return self.store.run(query, model)
        except QueryError as exc:
            raise PageError.from_query(exc) from exc
        except ValidationError as exc:
            raise PageError.from_validation(exc) from exc

    def resolve(self, value: str, kinds: tuple[NodeKind, ...], what: str, field: str = "") -> str:
        """The id an id or name stands for (as the API resolves them); unknown → a 404 page."""
        if not value.strip():
            raise PageError(404, "not_found", f"没有给出{what}的名称或 id / no {what} given", field=field)
        try:
            return resolve_ref(self.store, value, kinds, what)
        except QueryError as exc:
            raise PageError.from_query(exc, field) from exc

    @cached_property
    def _root(self) -> str:
        return str(self.request.scope.get("root_path", "")).rstrip("/")

    @cached_property
    def _scope_query(self) -> str:
        """``?scope=…`` when the scope is not the city, else nothing (most links carry only that)."""
        return "?" + urlencode([("scope", self.scope.id)]) if self.scoped else ""

    def url(self, path: str, /, keep_scope: bool = True, **params: Any) -> str:
        """``path`` with query parameters (None and "" left out) and the page's scope when it is not
        the city (``keep_scope=False`` leaves it out; a ``scope`` parameter sets another one)."""
        if not params:
            return self._root + path + (self._scope_query if keep_scope else "")
        pairs: list[tuple[str, str]] = []
        if keep_scope and self.scoped and "scope" not in params:
            pairs.append(("scope", self.scope.id))
        for key, value in params.items():
            if value is None or value == "" or value is False:
                continue
            if isinstance(value, (list, tuple)):
                pairs.extend((key, str(v)) for v in value)
            else:
                pairs.append((key, "1" if value is True else str(value)))
        return self._root + path + ("?" + urlencode(pairs) if pairs else "")

    def node_url(self, ref: NodeRef | str, **params: Any) -> str:
        node_id = ref if isinstance(ref, str) else ref.id
        return self.url(node_path(node_id), **params)

    def here(self, **changes: Any) -> str:
        """The current URL with some query parameters changed (None removes one); keeps the rest."""
        pairs = [(k, v) for k, v in self.request.query_params.multi_items() if k not in changes]
        for key, value in changes.items():
            if value is None or value == "":
                continue
            if isinstance(value, (list, tuple)):
                pairs.extend((key, str(v)) for v in value)
            else:
                pairs.append((key, str(value)))
        root = str(self.request.scope.get("root_path", "")).rstrip("/")
        return root + self.request.url.path + ("?" + urlencode(pairs) if pairs else "")


def _kept(store: GraphStore, key: str, build: Callable[[], T]) -> T:
    """``build()`` kept with the embedded store's graph until it changes (what every page asks and
    no page changes: the home city, the scope choices); another store builds it on each request."""
    if isinstance(store, MemoryStore):
        return cached(store.graph, ("workbench", key), build)
    return build()


def _scope_options(store: GraphStore, home: NodeRef) -> list[ScopeOption]:
    """The home city, its districts and counties, its functional zones, then its parks (a level at a
    time, so a city's many towns never push a district off the page)."""
    options = [ScopeOption(home.id, home.name, "全市")]
    zones: list[ScopeOption] = []
    for level in _SELECTABLE:
        regions = store.run(listing_regions.QUERY, listing_regions.Params(scope=home.id, level=level, limit=_PAGE))
        group = zones if level is RegionLevel.FUNCTIONAL_ZONE else options
        group.extend(ScopeOption(item.id, item.name, "功能区" if group is zones else "区县") for item in regions.items)
    options[1:] = sorted(options[1:], key=lambda o: o.id)
    options.extend(sorted(zones, key=lambda o: o.id))
    parks = store.run(listing_parks.QUERY, listing_parks.Params(scope=home.id, limit=_PAGE))
    options.extend(ScopeOption(item.id, item.name, "园区") for item in parks.items)
    return options


def _grouped(options: list[ScopeOption]) -> list[tuple[str, list[ScopeOption]]]:
    groups: dict[str, list[ScopeOption]] = {}
    for option in options:
        groups.setdefault(option.group, []).append(option)
    return list(groups.items())


#: The largest page a listing gives (read from its params model).
_PAGE = int(listing_regions.QUERY.limits("limit").le or 200)


def _home(store: GraphStore) -> NodeRef:
    cities = store.run(listing_regions.QUERY, listing_regions.Params(level=RegionLevel.CITY, limit=_PAGE))
    for item in cities.items:
        if item.home:
            return NodeRef(id=item.id, kind=NodeKind.REGION, name=item.name)
    raise PageError(
        503, "no_home_region", "图谱中没有标记本市（home: true）的区域，无法确定默认范围 / the graph has no home region"
    )


async def page_context(
    request: Request,
    store: Annotated[GraphStore, Depends(get_store)],
    user: UserDep,
) -> PageContext:
    """The page context of this request (see the module docstring)."""
    home = _kept(store, "home", lambda: _home(store))
    raw = request.query_params.get("scope") or None
    scope = home
    if raw is not None and raw != home.id:
        try:
            scope_id = resolve_ref(store, raw[:300], PLACE_KINDS, "region or park")
        except QueryError as exc:
            raise PageError.from_query(exc, "scope") from exc
        attrs = store.node(scope_id) or {}
        scope = NodeRef(
            id=scope_id, kind=NodeKind(attrs.get("kind", NodeKind.REGION.value)), name=attrs.get("name", scope_id)
        )
    return PageContext(
        request=request,
        store=store,
        user=user,
        scope_param=raw,
        scope=scope,
        home=home,
    )


PageDep = Annotated[PageContext, Depends(page_context)]
