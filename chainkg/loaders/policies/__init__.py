"""Incentive policies as data: :class:`~chainkg.loaders.policies.loader.PolicyLoader`."""

from chainkg.loaders.policies.loader import PolicyLoader

__all__ = ["PolicyLoader"]
