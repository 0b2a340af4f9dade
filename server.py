"""Entry point for `streamlit run server.py`: the Streamlit app plus two small cookie routes.

``/_oaa/session`` turns the one-time bind code of a fresh login into the HttpOnly session cookie;
``/_oaa/logout`` drops it. Everything else is the Streamlit app in ``app.py``.
"""

from __future__ import annotations

import json
import logging
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
from web.downloads import german_download_errors
from web.errors import handle_script_error
from web.headers import SecurityHeaders

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
    middleware=[Middleware(SecurityHeaders)],
)
