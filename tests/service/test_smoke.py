"""Smoke."""


def test_health(client):
    """GET /health answers ok."""
    assert client.get("/health").json() == {"status": "ok"}
