"""Several app processes on one database behind nginx, run with the shipped deploy/nginx/oaa-shop.conf.

Only the machine-specific lines of the shipped file are replaced (listen port, certificate, the upstream servers,
the port-80 redirect); every replacement must match, so a changed config file cannot silently escape the test.
nginx runs as a foreground child with its own prefix in a temp dir; TLS with a throwaway self-signed certificate.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.conftest import ROOT, _free_port, app_env, seed_demo, start_streamlit, stop, wait_until_healthy

SITE = ROOT / "deploy" / "nginx" / "oaa-shop.conf"
NGINX = "/usr/sbin/nginx"
# Streamlit signs its XSRF cookie (and st.login's identity cookie) with this secret: all processes share one.
COOKIE_SECRET = "test-secret-shared-by-all-app-processes"
_UPSTREAM_LINE = re.compile(r"^    server 127\.0\.0\.1:\d+ (?P<params>[^;\n]*);\n", re.MULTILINE)


def _replace_once(text: str, pattern: str, replacement: str, flags: int = 0) -> str:
    new, count = re.subn(pattern, replacement, text, flags=flags)
    assert count == 1, f"deploy/nginx/oaa-shop.conf: {pattern!r} found {count} times"
    return new


def site_config(shipped: str, *, port: int, upstreams: list[str], cert: Path, key: Path) -> str:
    """The shipped site config with this machine's port, certificate and app processes."""
    params = {m.group("params") for m in _UPSTREAM_LINE.finditer(shipped)}
    assert len(params) == 1, "the upstream servers of the shipped config should share their parameters"
    (shared,) = params
    servers = "".join(f"    server {address} {shared};\n" for address in upstreams)
    text = _UPSTREAM_LINE.sub("", shipped, count=0)
    text = _replace_once(text, r"(    hash \$oaa_route consistent;\n)", rf"\g<1>{servers}")
    text = _replace_once(text, r"listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;")
    text = _replace_once(text, r"ssl_certificate +\S+;", f"ssl_certificate {cert};")
    text = _replace_once(text, r"ssl_certificate_key +\S+;", f"ssl_certificate_key {key};")
    return _replace_once(text, r"server \{\n    listen 80;.*?\n\}\n", "", flags=re.DOTALL)


def main_config(folder: Path) -> str:
    """A main nginx.conf around the site: every path inside ``folder``; the access log names route and process."""
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                           "uwsgi", "scgi"))
    return f"""worker_processes 1;
events {{ worker_connections 512; }}
http {{
    log_format oaa '$cookie_oaa_route $upstream_addr $status "$request"';
    access_log {folder / 'access.log'} oaa;
{temp}
    include {folder / 'oaa-shop.conf'};
}}
"""


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "proxy.crt", folder / "proxy.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


@dataclass
class Cluster:
    """The proxy's address, and the app processes by node name (app-1, app-2, …)."""

    url: str
    folder: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)  # node name -> host:port

    def kill(self, node: str) -> None:
        """End one app process the hard way (SIGKILL: no clean shutdown, as in a crash)."""
        process = self.processes[node]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stream_nodes(self) -> dict[str, set[str]]:
        """For each route cookie: the app processes its websockets (/_stcore/stream) went to, from nginx's log.

        nginx logs a websocket when it closes: close the browser contexts first.
        """
        by_address = {address: node for node, address in self.addresses.items()}
        found: dict[str, set[str]] = {}
        for line in (self.folder / "access.log").read_text().splitlines():
            route, upstream, _status, request = line.split(" ", 3)
            if "/_stcore/stream" in request:
                nodes = {by_address.get(a.strip(), a.strip()) for a in upstream.split(",")}
                found.setdefault(route, set()).update(nodes)
        return found


@contextmanager
def cluster(folder: Path, database_url: str, size: int = 2) -> Iterator[Cluster]:
    """Seed the demo story into ``database_url``, serve it from ``size`` app processes behind nginx (https)."""
    env = app_env(database_url, STREAMLIT_SERVER_COOKIE_SECRET=COOKIE_SECRET)
    seed_demo(env)
    port = _free_port()
    running = Cluster(f"https://127.0.0.1:{port}", folder)
    with ExitStack() as stack:
        for n in range(1, size + 1):
            node = f"app-{n}"
            log = stack.enter_context((folder / f"{node}.log").open("w"))
            process, url = start_streamlit({**env, "OAA_NODE_NAME": node}, log)
            stack.callback(stop, process)
            running.processes[node], running.addresses[node] = process, url.removeprefix("http://")
        for node, address in running.addresses.items():
            wait_until_healthy(f"http://{address}", str(folder / f"{node}.log"))
        cert, key = _certificate(folder)
        (folder / "oaa-shop.conf").write_text(site_config(SITE.read_text(), port=port, cert=cert, key=key,
                                                          upstreams=list(running.addresses.values())))
        (folder / "nginx.conf").write_text(main_config(folder))
        nginx_log = stack.enter_context((folder / "nginx.out").open("w"))
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"),
             "-g", f"daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'};"],
            stdout=nginx_log, stderr=subprocess.STDOUT)
        stack.callback(stop, nginx)
        wait_until_healthy(running.url, str(folder / "error.log"), timeout=20)
        yield running
