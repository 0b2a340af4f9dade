"""Take the database away and bring it back, for fault tests: a TCP proxy for PostgreSQL, a held lock for SQLite.

PostgreSQL: the app connects through :class:`TcpProxy`; ``begin()`` closes the listening port and cuts every
open connection (the server is "gone": connections are refused), ``end()`` opens the same port again.
``begin(hanging=True)`` cuts the connections but keeps accepting new ones without ever answering, as a host
behind a broken network does.
SQLite has no server: ``begin()`` holds the file's write lock from another connection (as a backup or a
stuck process would) and the app's short busy timeout runs out with "database is locked".
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from core.config import get_settings
from core.db import reset_engine_cache


class TcpProxy:
    """Forward 127.0.0.1:<port> to ``target``; :meth:`stop` cuts all connections and refuses new ones."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self.answering = True
        self._lock = threading.Lock()

    def start(self) -> None:
        self._cut()  # connections accepted while hanging
        self.answering = True
        if self._listener is not None:
            return
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the same port again
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.answering:  # accept, then say nothing
                with self._lock:
                    self._open.append(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def hang(self) -> None:
        """Cut every connection; new ones are accepted but never answered."""
        self.answering = False
        self._cut()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._cut()

    def _cut(self) -> None:
        with self._lock:
            sockets, self._open = self._open, []
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


class Outage:
    """``begin()`` takes the app's database away, ``end()`` brings it back; the app's engine stays the same."""

    def __init__(self, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        url = make_url(database_url)
        self.backend = url.get_backend_name()
        self.proxy: TcpProxy | None = None
        self._holder: sqlite3.Connection | None = None
        if self.backend == "postgresql":
            self.proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
            self.proxy.start()
            app_url = url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)
            monkeypatch.setenv("OAA_DATABASE_URL", app_url)
        else:
            self.path = url.database or ""
            monkeypatch.setenv("OAA_SQLITE_BUSY_TIMEOUT_MS", "300")  # fail fast instead of waiting 15 s
        get_settings.cache_clear()
        reset_engine_cache()

    def begin(self, *, hanging: bool = False) -> None:
        if self.proxy is not None:
            if hanging:
                self.proxy.hang()
            else:
                self.proxy.stop()
        else:
            self._holder = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            self._holder.execute("BEGIN EXCLUSIVE")

    def end(self) -> None:
        if self.proxy is not None:
            self.proxy.start()
        elif self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None

    def close(self) -> None:
        self.end()
        if self.proxy is not None:
            self.proxy.stop()
        reset_engine_cache()


@pytest.fixture
def outage(engine: object, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Outage]:
    """The app's engine on the test database, which the test can take away and bring back."""
    del engine  # requested for its set-up (settings, emptied tables afterwards)
    down = Outage(database_url, monkeypatch)
    yield down
    down.close()
