"""The running server (streamlit run server.py) sends the security headers and keeps XSRF protection on."""

from __future__ import annotations

import urllib.request

import pytest

from web.headers import HEADERS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/anmelden", "/_stcore/health"])
def test_the_server_sends_the_security_headers(app_url: str, path: str):
    with urllib.request.urlopen(app_url + path, timeout=15) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
    for name, value in HEADERS.items():
        assert headers.get(name) == value, name


def test_a_cross_site_session_bind_is_refused(app_url: str):
    request = urllib.request.Request(app_url + "/_oaa/session", data=b'{"code": "x"}', method="POST",
                                     headers={"Origin": "https://evil.example", "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=15)
    assert refused.value.code == 403
