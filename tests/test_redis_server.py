"""The one throwaway redis-server of the Redis tests: on a free port, frozen and thawed on
demand, and never left running."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from tests.redis_server import ThrowawayRedis, answers

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_it_answers_while_running_not_while_frozen_and_is_gone_when_left(tmp_path: Path) -> None:
    with ThrowawayRedis(tmp_path) as server:
        assert not answers(server.port)
        server.start()
        assert server.url == f"redis://127.0.0.1:{server.port}/0"
        assert _pong(server.port)
        server.freeze()
        assert not _pong(server.port)
        server.thaw()
        assert _pong(server.port)
        server.freeze()  # stopping a frozen server thaws it first
    assert server.process is None
    assert not answers(server.port)
