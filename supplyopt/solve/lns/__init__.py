"""Large-neighbourhood search over whole vehicle-days (issue 13), after the planner's search.

See docs/planner.md, section "Large-neighbourhood search over vehicle-days".
"""

from .search import SearchResult, improve

__all__ = ["SearchResult", "improve"]
