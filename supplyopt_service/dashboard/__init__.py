"""The offline dashboard: its page and static assets (its API routes are in ``routers``)."""

from .pages import router

__all__ = ["router"]
