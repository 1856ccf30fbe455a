"""``supplyopt worker``/``serve``/``keys`` with bad settings: one line naming the setting, exit 2."""

from __future__ import annotations

import pytest

from supplyopt.cli import main

BAD_URLS = [
    ("nonsense", "not a database URL: 'nonsense'"),
    ("postgresql+psycopg://me:secret@127.0.0.1:1/x", "cannot open postgresql+psycopg://me:***@"),
    ("mysql+nodriver://a@b/c", "unknown database driver"),
    ("sqlite:///:memory:", "the service needs an SQLite file"),
]


@pytest.mark.parametrize("command", [["keys", "list"], ["serve"], ["worker"]])
@pytest.mark.parametrize(("url", "says"), BAD_URLS)
def test_a_bad_database_url_is_one_line_naming_the_setting(
    command: list[str],
    url: str,
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A wrong SUPPLYOPT_DATABASE_URL: exit 2, one line, the setting named, no password."""
    monkeypatch.setenv("SUPPLYOPT_DATABASE_URL", url)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"supplyopt {command[0]}: SUPPLYOPT_DATABASE_URL: ")
    assert says in err
    assert "secret" not in err


def test_a_bad_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A setting that is not valid: its variable named, exit 2."""
    monkeypatch.setenv("SUPPLYOPT_JOB_LEASE_S", "soon")
    assert main(["worker"]) == 2
    assert capsys.readouterr().err.startswith("supplyopt worker: SUPPLYOPT_JOB_LEASE_S: ")


def test_worker_concurrency_must_be_a_small_positive_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--concurrency 0 is refused by the parser, exit 2."""
    with pytest.raises(SystemExit) as stopped:
        main(["worker", "--concurrency", "0"])
    assert stopped.value.code == 2
    assert "--concurrency: must be a whole number from 1 to 64" in capsys.readouterr().err
