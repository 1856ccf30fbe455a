"""The objects one running app shares: settings, database, plan job runner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .db import Database
from .settings import Settings

if TYPE_CHECKING:
    from ..jobs import JobRunner


@dataclass
class Services:
    """What the routes need, created at start-up."""

    settings: Settings
    db: Database
    jobs: JobRunner
