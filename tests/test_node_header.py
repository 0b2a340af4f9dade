"""X-OAA-Node: which app process answered, for several app servers behind one proxy (only when OAA_NODE_NAME is set).

The running processes behind nginx are checked in tests/servers/test_two_processes.py.
"""

from __future__ import annotations

from core.config import get_settings
from tests.async_helpers import run_coroutine
from web.headers import NODE_HEADER, SecurityHeaders


def _headers() -> dict[bytes, bytes]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    run_coroutine(SecurityHeaders(app)({"type": "http", "scheme": "http", "headers": []}, receive, send))
    return dict(sent[0]["headers"])


def test_the_node_name_is_sent_only_when_set(monkeypatch):
    assert NODE_HEADER.encode() not in _headers()
    monkeypatch.setenv("OAA_NODE_NAME", "app-2")
    get_settings.cache_clear()
    assert _headers()[NODE_HEADER.encode()] == b"app-2"
