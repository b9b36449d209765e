"""Whose server listens on a port: the launcher's readiness must not take another stack's server for its own."""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from nara.devstack.processes import free_port, listens_in_group, start_detached, wait_until

pytestmark = pytest.mark.unit

LISTEN = (
    "import socket,sys,time; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); time.sleep(60)"
)


def test_a_port_is_known_to_be_held_by_the_process_group_that_listens_and_by_no_other(tmp_path: Path):
    port = free_port()
    pid = start_detached(  # as the launcher starts a server: in its own session, so its own process group
        [sys.executable, "-c", LISTEN, str(port)], log_file=tmp_path / "log", pid_file=tmp_path / "pid"
    )
    try:
        wait_until(lambda: listens_in_group(port, pid) is True, timeout=10, what="the listener")

        assert listens_in_group(port, pid + 100_000) is False  # another stack's launch, same port
    finally:
        os.killpg(pid, signal.SIGKILL)


def test_a_port_nobody_listens_on_belongs_to_no_group():
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]

        assert listens_in_group(port, bound_not_listening.fileno()) is False
