"""A small HTTP/1.1 server for the local control API, on asyncio streams and h11.

Why not a web framework: the station service must start fast and idle small, and the control
API is a handful of JSON routes for one local caller (the CLI or the GUI). h11 (already a
dependency of httpx) does the HTTP parsing; this module adds routing, token authentication and
a timeout on every request. It listens on 127.0.0.1 (or a Unix socket) only.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import h11

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024


class ControlHttpError(Exception):
    """Raised by a handler to answer with an error status and a JSON ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ControlRequest:
    """One parsed request as handlers see it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body decoded as JSON, or a 400 error."""
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise ControlHttpError(400, f"body is not valid JSON: {exc}") from None


@dataclass(frozen=True)
class ControlResponse:
    """What a handler returns."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, data: Any, status: int = 200) -> ControlResponse:
        return cls(status, json.dumps(data, default=str).encode())

    @classmethod
    def text(
        cls, text: str, status: int = 200, content_type: str = "text/plain"
    ) -> ControlResponse:
        return cls(status, text.encode(), f"{content_type}; charset=utf-8")

    @classmethod
    def error(cls, status: int, message: str) -> ControlResponse:
        return cls.json({"error": message}, status)


Handler = Callable[[ControlRequest], Awaitable[ControlResponse]]


class Router:
    """Maps ``(method, "/queue/{entry_id}")`` patterns to handlers."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern.rstrip("/") or "/")
        self._routes.append((method.upper(), re.compile(f"^{regex}$"), handler))

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and path parameters for a request, or a 404/405 error."""
        path = path.rstrip("/") or "/"
        allowed = False
        for route_method, regex, handler in self._routes:
            match = regex.match(path)
            if match is None:
                continue
            if route_method == method:
                return handler, {k: unquote(v) for k, v in match.groupdict().items()}
            allowed = True
        if allowed:
            raise ControlHttpError(405, f"{method} is not allowed on {path}")
        raise ControlHttpError(404, f"no such control endpoint: {path}")


def token_matches(header: str | None, token: str) -> bool:
    """Constant-time check of an ``Authorization: Bearer <token>`` header."""
    if not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[7:].encode(), token.encode())


class ControlServer:
    """Serves a :class:`Router` on 127.0.0.1:port or a Unix socket, with token auth."""

    def __init__(
        self,
        router: Router,
        *,
        token: str,
        host: str = "127.0.0.1",
        port: int = 0,
        unix_socket: Path | None = None,
        request_timeout: float = 10.0,
        max_body: int = MAX_BODY,
    ) -> None:
        self._router = router
        self._token = token
        self._host = host
        self._port = port
        self._unix_socket = unix_socket
        self._timeout = request_timeout
        self._max_body = max_body
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The bound TCP port (useful with ``port=0``)."""
        if self._server is None or not self._server.sockets:
            raise RuntimeError("control server is not listening")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    async def start(self) -> None:
        if self._unix_socket is not None:
            self._server = await asyncio.start_unix_server(
                self._on_connection, path=str(self._unix_socket)
            )
            self._unix_socket.chmod(0o600)
        else:
            self._server = await asyncio.start_server(self._on_connection, self._host, self._port)

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.wait(self._connections, timeout=5)
        await self._server.wait_closed()
        self._server = None

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await _Connection(self, reader, writer).serve()
        except (ConnectionError, TimeoutError, h11.ProtocolError) as exc:
            log.debug("control connection closed: %s", exc)
        except asyncio.CancelledError:
            # stop() cancels open connections. This task is the stream server's top-level
            # callback task, which asyncio inspects with task.exception() when it ends: a
            # cancelled one is logged there as an error, so it ends normally instead.
            log.debug("control connection cancelled by shutdown")
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def dispatch(self, request: ControlRequest) -> ControlResponse:
        """Authenticate, route and run one request; every failure becomes a JSON error."""
        if not token_matches(request.headers.get("authorization"), self._token):
            return ControlResponse.error(401, "missing or wrong control token")
        try:
            handler, params = self._router.resolve(request.method, request.path)
            request = ControlRequest(
                request.method, request.path, request.query, request.headers, request.body, params
            )
            return await handler(request)
        except ControlHttpError as exc:
            return ControlResponse.error(exc.status, exc.message)
        except Exception:
            log.exception("control handler failed for %s %s", request.method, request.path)
            return ControlResponse.error(500, "internal error; see the service log")


class _Connection:
    """One client connection: read requests with h11, answer them, honour keep-alive."""

    def __init__(
        self, server: ControlServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._server = server
        self._reader = reader
        self._writer = writer
        self._conn = h11.Connection(h11.SERVER)

    async def serve(self) -> None:
        while True:
            request = await asyncio.wait_for(self._read_request(), self._server._timeout)
            if request is None:
                return
            try:
                response = await asyncio.wait_for(
                    self._server.dispatch(request), self._server._timeout
                )
            except TimeoutError:
                response = ControlResponse.error(504, "the service did not finish in time")
            await self._send(response)
            if self._conn.our_state is h11.MUST_CLOSE:
                return
            self._conn.start_next_cycle()

    async def _next_event(self) -> Any:
        while True:
            event = self._conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await self._reader.read(65536)
            self._conn.receive_data(data)

    async def _read_request(self) -> ControlRequest | None:
        event = await self._next_event()
        if isinstance(event, h11.ConnectionClosed):
            return None
        if not isinstance(event, h11.Request):
            raise h11.RemoteProtocolError("expected a request")
        body = bytearray()
        while True:
            part = await self._next_event()
            if isinstance(part, h11.Data):
                body += part.data
                if len(body) > self._server._max_body:
                    raise h11.RemoteProtocolError("request body too large")
            elif isinstance(part, h11.EndOfMessage):
                break
        target = urlsplit(event.target.decode("ascii", "replace"))
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in event.headers}
        return ControlRequest(
            method=event.method.decode().upper(),
            path=unquote(target.path),
            query=dict(parse_qsl(target.query)),
            headers=headers,
            body=bytes(body),
        )

    async def _send(self, response: ControlResponse) -> None:
        headers = [
            ("content-type", response.content_type),
            ("content-length", str(len(response.body))),
            *response.headers,
        ]
        out = self._conn.send(h11.Response(status_code=response.status, headers=headers))
        out += self._conn.send(h11.Data(data=response.body)) or b""
        out += self._conn.send(h11.EndOfMessage()) or b""
        self._writer.write(out or b"")
        await self._writer.drain()
