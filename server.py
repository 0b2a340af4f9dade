"""Entry point for `streamlit run server.py`: the Streamlit app plus two small cookie routes.

``/_oaa/session`` turns the one-time bind code of a fresh login into the HttpOnly session cookie;
``/_oaa/logout`` drops it. Everything else is the Streamlit app in ``app.py``; its page is declared German.
"""

from __future__ import annotations

import json
import logging
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Send
from streamlit.runtime.pages_manager import PagesManager

from accounts import web_sessions
from core.config import get_settings
from core.db import session_scope
from web.downloads import german_download_errors
from web.errors import handle_script_error
from web.headers import SecurityHeaders
from web.nested_paths import NestedAddresses

HERE = Path(__file__).resolve().parent

# The incident lines of web.errors ("Vorfall ABCD1234: …", logger oaa.errors) with date and time, so the operator
# finds the one a user quotes; Streamlit's own loggers keep their format.
logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    return origin is None or origin.split("://", 1)[-1] == host


def _secure(request: Request) -> bool:
    configured = get_settings().cookie_secure
    if configured is not None:
        return configured
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def bind_session(request: Request) -> Response:
    """Exchange a bind code for the session cookie (POST, same origin only)."""
    if not _same_origin(request):
        return JSONResponse({"ok": False}, status_code=403)
    try:
        code = str(json.loads(await request.body() or b"{}").get("code", ""))
    except (ValueError, AttributeError):
        return JSONResponse({"ok": False}, status_code=400)
    with session_scope() as session:
        bound = web_sessions.bind_cookie(session, code=code)
    if bound is None:
        return JSONResponse({"ok": False}, status_code=400)
    token, max_age = bound
    response = JSONResponse({"ok": True})
    response.set_cookie(
        web_sessions.COOKIE_NAME, token, max_age=max_age, path="/", httponly=True,
        samesite="strict", secure=_secure(request),
    )
    return response


async def drop_session(request: Request) -> Response:
    """Revoke the cookie's session and delete the cookie (POST, same origin only)."""
    if not _same_origin(request):
        return JSONResponse({"ok": False}, status_code=403)
    token = request.cookies.get(web_sessions.COOKIE_NAME, "")
    if token:
        with session_scope() as session:
            web_sessions.end(session, token=token)
    response = JSONResponse({"ok": True})
    response.delete_cookie(web_sessions.COOKIE_NAME, path="/", httponly=True, samesite="strict",
                           secure=_secure(request))
    return response


class GermanPage:
    """Declare the page German: Streamlit's index.html says ``<html lang="en">``.

    Screen readers pick voice and pronunciation by the page language (WCAG 3.1.1, BITV 2.0); with "en" every German
    word would be read out in English. Pages are asked for uncompressed so the attribute can be swapped in the HTML;
    "de" is as long as "en", so Content-Length and the rest of the response stay as they are.
    """

    ENGLISH, GERMAN = b'<html lang="en">', b'<html lang="de">'

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        if b"text/html" not in headers.get(b"accept", b""):  # not a page: assets, websocket, our JSON routes
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]}
        is_html = False

        async def send_german(message: MutableMapping[str, Any]) -> None:
            nonlocal is_html
            if message["type"] == "http.response.start":
                sent = dict(message.get("headers", []))
                is_html = sent.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in sent
            elif message["type"] == "http.response.body" and is_html:
                message = {**message, "body": message.get("body", b"").replace(self.ENGLISH, self.GERMAN, 1)}
            await send(message)

        await self.app(scope, receive, send_german)


# app.py routes with st.navigation. Streamlit would otherwise treat the first run after start as a
# legacy pages/-directory app and answer a deep link such as /anmelden with "Page not found".
PagesManager.uses_pages_directory = False

german_download_errors()  # a failed download says so in German, with the incident number

# Exceptions app.py cannot catch (button callbacks run before it) get the German message, not Streamlit's.
app = st.App(
    str(HERE / "app.py"),
    on_script_error=handle_script_error,
    routes=[
        Route("/_oaa/session", bind_session, methods=["POST"]),
        Route("/_oaa/logout", drop_session, methods=["POST"]),
    ],
    middleware=[Middleware(SecurityHeaders), Middleware(NestedAddresses, base=str(st.get_option("server.baseUrlPath") or "")),
                Middleware(GermanPage)],
)
