"""Fixtures of the network tests."""

from tests.cache_env import _private_cache

__all__ = ["_private_cache"]
