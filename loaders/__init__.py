"""Loaders put facts into the graph: one module per kind of input, sharing :mod:`loaders.pipeline`."""

from __future__ import annotations

from loaders.ashare import AshareLoader
from loaders.dataset import DatasetLoader
from loaders.news_accept import NewsLoader
from loaders.pipeline import Loader
from loaders.registry import RegistryLoader

__all__ = ["default_loaders", "loader_named"]


def default_loaders() -> list[Loader]:
    """Every loader, in the order they are offered an input."""
    return [DatasetLoader(), AshareLoader(), RegistryLoader(), NewsLoader()]


def loader_named(name: str) -> Loader:
    for loader in default_loaders():
        if loader.name == name:
            return loader
    raise KeyError(f"no loader named {name!r}")
