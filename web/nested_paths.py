"""A typed address with more than one part, such as ``/vorgang/12``, gets the German "not found" page.

No page of ours has a ``/`` in its address. Streamlit would still answer such an address with its page, whose
relative script paths then point below the typed folder: the browser shows a blank white page. This middleware sends
a browser's page request of that kind to ``/seite-nicht-gefunden``, which the router answers in German
(:mod:`web.missing_page`). Streamlit's own routes (scripts, styles, health, login) are left alone.
"""

from __future__ import annotations

from web.headers import ASGIApp, Receive, Scope, Send

NOT_FOUND_ADDRESS = "seite-nicht-gefunden"
# First parts of the addresses Streamlit and server.py serve themselves.
RESERVED = frozenset({"_stcore", "static", "media", "component", "app", "auth", "oauth2callback", "_oaa", "~"})


def redirect_for(path: str, accept: str, *, base: str = "") -> str | None:
    """Return where a browser's page request for ``path`` goes instead, or None to serve it as it is."""
    if "text/html" not in accept:
        return None  # a script, a style, a websocket or a JSON request
    prefix = "/" + base.strip("/") if base.strip("/") else ""
    if prefix and not path.startswith(prefix + "/"):
        return None
    parts = path[len(prefix):].strip("/").split("/")
    if len(parts) < 2 or parts[0] in RESERVED:
        return None
    return f"{prefix}/{NOT_FOUND_ADDRESS}"


class NestedAddresses:
    """ASGI middleware: redirect (302) a page request for a nested address to the German "not found" page."""

    def __init__(self, app: ASGIApp, base: str = "") -> None:
        self.app = app
        self.base = base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
            target = redirect_for(str(scope.get("path", "")), accept, base=self.base)
            if target is not None:
                await send({"type": "http.response.start", "status": 302,
                            "headers": [(b"location", target.encode()), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
