"""The offline dashboard (static HTML/CSS/JS) and the routes it needs: exports, scenario files."""

from .router import router

__all__ = ["router"]
