"""Entry point for `streamlit run server.py`: the Streamlit app plus two small cookie routes.

``/_oaa/session`` turns the one-time bind code of a fresh login into the HttpOnly session cookie;
``/_oaa/logout`` drops it. Everything else is the Streamlit app in ``app.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from accounts import web_sessions
from core.config import get_settings
from core.db import session_scope
from web.headers import SecurityHeaders

HERE = Path(__file__).resolve().parent


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


# app.py routes with st.navigation. Streamlit would otherwise treat the first run after start as a
# legacy pages/-directory app and answer a deep link such as /anmelden with "Page not found".
PagesManager.uses_pages_directory = False

app = st.App(
    str(HERE / "app.py"),
    routes=[
        Route("/_oaa/session", bind_session, methods=["POST"]),
        Route("/_oaa/logout", drop_session, methods=["POST"]),
    ],
    middleware=[Middleware(SecurityHeaders)],
)
