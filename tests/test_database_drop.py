"""The suite's own DROP DATABASE (tests/dbutil.py) is bounded: a process of the cluster that
does not take the drop's signal makes it try again, or fail, never hang the run."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import tests.dbutil as dbutil
from tests.dbutil import database_url, drop_database

SCRATCH = str(make_url(database_url("_drop")).database)


@pytest.fixture
def admin_and_backend(test_database_url: str) -> Iterator[tuple[Connection, list[str], int]]:
    """An autocommit connection that has just created SCRATCH, the statements it sends from
    now on, and the process id of another connection's backend, to be stopped."""
    admin = create_engine(
        make_url(test_database_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    dsn = make_url(test_database_url).set(drivername="postgresql")
    holder = psycopg.connect(dsn.render_as_string(hide_password=False))
    sent: list[str] = []
    try:
        pid = _local_backend(holder)
        with admin.connect() as conn:
            drop_database(conn, SCRATCH)
            conn.execute(text(f'CREATE DATABASE "{SCRATCH}"'))
            event.listen(conn, "before_cursor_execute", lambda *args: sent.append(args[2]))
            yield conn, sent, pid
    finally:
        holder.close()
        admin.dispose()


def _local_backend(connection: psycopg.Connection) -> int:
    """The process id of the connection's backend, once it is sure to be that process on this
    machine: its title names the connection's port. Another server's pid here would be some
    other process, never to be stopped."""
    row = connection.execute(
        "SELECT pid, client_port FROM pg_stat_activity WHERE pid = pg_backend_pid()"
    ).fetchone()
    assert row is not None
    pid, port = row
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        title = ""
    if not title.startswith("postgres") or f"({port})" not in title:
        pytest.skip("the database server does not run on this machine")
    return int(pid)


def _exists(conn: Connection) -> bool:
    query = text("SELECT count(*) FROM pg_database WHERE datname = :name")
    return conn.execute(query, {"name": SCRATCH}).scalar_one() == 1


def test_a_drop_held_past_its_wait_is_sent_again(admin_and_backend, monkeypatch):
    """A stopped backend takes no signal: the first drop is cancelled after DROP_WAIT, and
    a later one removes the database once the backend runs again. (The other test process's
    streams can hold a drop for a moment too, so a third attempt may be needed.)"""
    conn, sent, pid = admin_and_backend
    monkeypatch.setattr(dbutil, "DROP_WAIT", "2s")
    os.kill(pid, signal.SIGSTOP)
    resume = threading.Timer(3, os.kill, (pid, signal.SIGCONT))
    resume.start()
    try:
        drop_database(conn, SCRATCH)
    finally:
        resume.cancel()
        os.kill(pid, signal.SIGCONT)
    drops = [s for s in sent if s.startswith("DROP")]
    assert set(drops) == {f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)'}
    assert 2 <= len(drops) <= dbutil.DROP_ATTEMPTS
    assert not _exists(conn)


def test_a_drop_held_on_every_attempt_fails(admin_and_backend, monkeypatch):
    """With every attempt held, the drop fails with the server's error instead of waiting,
    and leaves its connection's statement timeout as it was."""
    conn, sent, pid = admin_and_backend
    timeout_before = conn.execute(text("SHOW statement_timeout")).scalar_one()
    monkeypatch.setattr(dbutil, "DROP_WAIT", "300ms")
    os.kill(pid, signal.SIGSTOP)
    try:
        with pytest.raises(OperationalError, match="canceling statement due to statement timeout"):
            drop_database(conn, SCRATCH)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert len([s for s in sent if s.startswith("DROP")]) == dbutil.DROP_ATTEMPTS
    assert conn.execute(text("SHOW statement_timeout")).scalar_one() == timeout_before
    monkeypatch.undo()  # DROP_WAIT as the suite has it: other streams may hold a drop 300 ms
    drop_database(conn, SCRATCH)  # the database the cancelled drops marked invalid
    assert not _exists(conn)
