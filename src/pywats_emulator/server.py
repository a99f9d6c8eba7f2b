"""Serving the app with uvicorn: in a background thread (tests) or in the foreground (CLI)."""

from __future__ import annotations

import socket
import sys
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from pywats.exceptions import ConfigurationError

from .connections import HttpParser, tracking_protocol
from .state import EmulatorState

STARTUP_TIMEOUT = 60.0
# In-flight requests (e.g. an injected hang) get this long to finish before shutdown
# cancels them, so stopping the server never waits for a fault to play out.
GRACEFUL_SHUTDOWN = 1


def uvicorn_config(
    app: Starlette,
    host: str,
    port: int,
    *,
    log_level: str = "warning",
    sock: socket.socket | None = None,
    http: HttpParser = "auto",
) -> uvicorn.Config:
    """A uvicorn configuration tuned for the emulator: tracked connections, no access log.

    ``http`` picks the HTTP/1.1 parser (``auto``: httptools when installed, else h11).
    """
    state: EmulatorState = app.state.emulator
    config = uvicorn.Config(
        app,
        host=host,
        port=port if sock is None else 0,
        http=tracking_protocol(state.connections, http),
        ws="none",
        lifespan="on",
        access_log=False,
        log_level=log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
        timeout_keep_alive=30,
    )
    return config


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 = a free port chosen by the OS)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto is IPPROTO_TCP, and without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if sys.platform == "win32":
            # On Windows SO_REUSEADDR would let a second server steal the port.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def base_url_of(sock: socket.socket) -> str:
    """``http://host:port`` for a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class EmulatorServer(uvicorn.Server):
    """uvicorn's server, telling the app when shutdown begins so injected waits end at once."""

    def __init__(self, config: uvicorn.Config, state: EmulatorState) -> None:
        super().__init__(config)
        self.emulator_state = state

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Wake every injected delay, then shut down as uvicorn does."""
        self.emulator_state.stopping.set()
        await super().shutdown(sockets=sockets)


def make_server(
    app: Starlette, host: str, sock: socket.socket, log_level: str, http: HttpParser = "auto"
) -> EmulatorServer:
    """The server for ``app`` listening on an already bound ``sock``."""
    port = sock.getsockname()[1]
    config = uvicorn_config(app, host, port, sock=sock, log_level=log_level, http=http)
    return EmulatorServer(config, app.state.emulator)


class ThreadedServer:
    """Runs the app on a free port in a daemon thread; use as a context manager."""

    def __init__(
        self, app: Starlette, host: str = "127.0.0.1", port: int = 0, http: HttpParser = "auto"
    ) -> None:
        self.app = app
        self._sock = bind_socket(host, port)
        self.base_url = base_url_of(self._sock)
        self._server = make_server(app, host, self._sock, "warning", http)
        self._thread = threading.Thread(
            target=self._run, name=f"pywats-emulator {self.base_url}", daemon=True
        )
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except Exception as exc:  # noqa: BLE001 - handed to the starting thread by start()
            self._error = exc

    def start(self) -> ThreadedServer:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                self._sock.close()
                raise ConfigurationError(f"emulator failed to start: {self._error!r}")
            if time.monotonic() > deadline:
                self.stop()
                raise ConfigurationError("emulator did not start in time")
            time.sleep(0.005)
        return self

    @property
    def is_running(self) -> bool:
        """True between a successful :meth:`start` and :meth:`stop`."""
        return (
            bool(self._server.started)
            and self._thread.is_alive()
            and not (self._server.should_exit)
        )

    def stop(self) -> None:
        """Stop serving and wait for the thread (in-flight requests are cancelled)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=STARTUP_TIMEOUT)
        self._sock.close()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
