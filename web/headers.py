"""Security headers on every HTTP response of the server (pure ASGI middleware, no Streamlit).

The reverse proxy in front (TLS) may set the same headers; these make the app safe without relying on it.
The policy allows what Streamlit's own front end needs (its scripts, inline styles, websockets to itself) and
forbids framing, plugins, foreign form targets and a foreign ``<base>``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from core.config import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "content-security-policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
NODE_HEADER = "x-oaa-node"  # which app process answered (setting OAA_NODE_NAME), for several servers behind a proxy


def _is_https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-proto" and value.split(b",")[0].strip() == b"https":
            return True
    return False


class SecurityHeaders:
    """Add :data:`HEADERS` (and HSTS over https, the node name when set) to each HTTP response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        extra = dict(HEADERS)
        if _is_https(scope):
            extra["strict-transport-security"] = HSTS
        node = get_settings().node_name
        if node:
            extra[NODE_HEADER] = node

        async def send_with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(name).lower() for name, _value in headers}
                headers += [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
