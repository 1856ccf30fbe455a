"""The objects one running app shares: settings, database, plan job runner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from fastapi import Request

from .db import Database
from .settings import Settings

if TYPE_CHECKING:
    from .jobs import JobRunner


@dataclass
class Services:
    """What the routes need, created at start-up."""

    settings: Settings
    db: Database
    jobs: JobRunner


def services(request: Request) -> Services:
    """Return the services of the app serving ``request``."""
    return cast(Services, request.app.state.services)
