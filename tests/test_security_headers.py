"""Security headers on every HTTP response: unit test of the middleware (the running server is checked in
tests/browser/test_http_headers.py)."""

from __future__ import annotations

import pytest

from tests.async_helpers import run_coroutine
from web.headers import HEADERS, HSTS, SecurityHeaders
from web.nested_paths import redirect_for


def _respond(request_headers: list[tuple[bytes, bytes]], own: list[tuple[bytes, bytes]] | None = None,
             kind: str = "http") -> dict[bytes, list[bytes]]:
    """Run one request through the middleware around an app answering with ``own`` headers; return the headers."""
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": list(own or [])})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    run_coroutine(SecurityHeaders(app)({"type": kind, "scheme": "http", "headers": request_headers}, receive, send))
    found: dict[bytes, list[bytes]] = {}
    for name, value in sent[0].get("headers", []):
        found.setdefault(name.lower(), []).append(value)
    return found


def test_every_response_carries_the_security_headers_but_no_hsts_over_plain_http():
    headers = _respond([])
    for name, value in HEADERS.items():
        assert headers[name.encode()] == [value.encode()]
    assert b"frame-ancestors 'none'" in headers[b"content-security-policy"][0]
    assert b"strict-transport-security" not in headers


def test_hsts_behind_a_tls_proxy_and_a_response_keeps_its_own_header():
    headers = _respond([(b"x-forwarded-proto", b"https")], own=[(b"X-Frame-Options", b"SAMEORIGIN")])
    assert headers[b"strict-transport-security"] == [HSTS.encode()]
    assert headers[b"x-frame-options"] == [b"SAMEORIGIN"]  # not doubled


def test_websockets_pass_through_untouched():
    headers = _respond([], kind="websocket")
    assert b"x-frame-options" not in headers


# ---- nested addresses (web.nested_paths) -------------------------------------------------------------------------
HTML = "text/html,application/xhtml+xml"


@pytest.mark.parametrize(("path", "accept", "base", "expected"), [
    ("/vorgang/12", HTML, "", "/seite-nicht-gefunden"),  # typed by a person: no page of ours has a "/"
    ("/a/b/c/", HTML, "", "/seite-nicht-gefunden"),
    ("/oaa/vorgang/12", HTML, "oaa", "/oaa/seite-nicht-gefunden"),  # behind a proxy under /oaa
    ("/vorgang", HTML, "", None),  # a page address: the router answers
    ("/arbeitsvorrat/", HTML, "", None),
    ("/", HTML, "", None),
    ("/static/js/index.js", HTML, "", None),  # Streamlit's own files and routes
    ("/_stcore/health", HTML, "", None),
    ("/oauth2callback", HTML, "", None),
    ("/vorgang/12", "*/*", "", None),  # not a page request
    ("/andere/app/x", HTML, "oaa", None),  # outside the app's base path
])
def test_a_nested_page_address_goes_to_the_german_not_found_page(path, accept, base, expected):
    assert redirect_for(path, accept, base=base) == expected
