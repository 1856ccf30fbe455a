"""Fixtures of the what-if tests."""

from tests.cache_env import _private_cache

__all__ = ["_private_cache"]
