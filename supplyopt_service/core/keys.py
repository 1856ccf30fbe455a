"""API keys: creation (the token is shown once), lookup by hash, listing, revocation.

Only the SHA-256 of a token is stored. Tokens carry 256 random bits, so a
plain (unsalted, fast) hash is safe: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .errors import ConflictError, NotFoundError
from .tables import ROLES, ApiKey, utcnow

TOKEN_PREFIX = "so_"


def hash_token(token: str) -> str:
    """Return the stored form of a token: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id and role."""

    key_id: int
    role: str

    def allows(self, role: str) -> bool:
        """Whether this principal's role is at least ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


def create_key(
    session: Session, role: str, *, name: str | None = None, by: int | None = None
) -> tuple[ApiKey, str]:
    """Create a key; returns the stored row and the token (shown only now).

    ``by`` is the admin key asking; ``None`` is the command line, whose audit
    entry names the local user (``local:<os user>``).
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(role=role, name=name, key_hash=hash_token(token), prefix=token[:10])
    session.add(row)
    session.flush()
    audit.record(
        session,
        by,
        "key.create",
        f"keys/{row.id}",
        {"role": role, "name": name},
        actor=None if by is not None else audit.local_actor(),
    )
    return row, token


def find_principal(session: Session, token: str) -> Principal | None:
    """Return the principal for a token, or ``None`` if unknown or revoked."""
    row = session.scalars(
        select(ApiKey).where(ApiKey.key_hash == hash_token(token), ApiKey.revoked_at.is_(None))
    ).first()
    return None if row is None else Principal(key_id=row.id, role=row.role)


def get_key(session: Session, key_id: int) -> ApiKey:
    """The key with id ``key_id`` (404 when there is none)."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFoundError(f"no API key with id {key_id}")
    return row


def list_keys(session: Session, *, after_id: int = 0, limit: int | None = None) -> list[ApiKey]:
    """Keys, revoked ones included, oldest first: at most ``limit`` after ``after_id``."""
    query = select(ApiKey).where(ApiKey.id > after_id).order_by(ApiKey.id).limit(limit)
    return list(session.scalars(query))


def revoke_key(session: Session, key_id: int, *, by: int | None = None) -> ApiKey:
    """Revoke a key; it stops working at once. Revoking twice is a conflict."""
    row = session.get(ApiKey, key_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no API key with id {key_id}")
    if row.revoked_at is not None:
        raise ConflictError(f"API key {key_id} is already revoked")
    row.revoked_at = utcnow()
    audit.record(
        session,
        by,
        "key.revoke",
        f"keys/{key_id}",
        actor=None if by is not None else audit.local_actor(),
    )
    return row
