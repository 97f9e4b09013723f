"""Loaders put facts into the graph: one module per kind of input, sharing :mod:`chainkg.loaders.pipeline`."""

from __future__ import annotations

from chainkg.loaders.ashare import AshareLoader
from chainkg.loaders.dataset import DatasetLoader
from chainkg.loaders.export import ExportLoader
from chainkg.loaders.ledger import LedgerLoader
from chainkg.loaders.news.accept import NewsLoader
from chainkg.loaders.pipeline import Loader
from chainkg.loaders.policies import PolicyLoader
from chainkg.loaders.registry.loader import RegistryLoader

__all__ = ["default_loaders", "loader_named"]


def default_loaders() -> list[Loader]:
    """Every loader, in the order they are offered an input (a policy or ledger folder may have its
    own sources.yaml, so they are asked before the dataset loader)."""
    return [
        ExportLoader(),
        PolicyLoader(),
        LedgerLoader(),
        DatasetLoader(),
        AshareLoader(),
        RegistryLoader(),
        NewsLoader(),
    ]


def loader_named(name: str) -> Loader:
    for loader in default_loaders():
        if loader.name == name:
            return loader
    raise KeyError(f"no loader named {name!r}")
