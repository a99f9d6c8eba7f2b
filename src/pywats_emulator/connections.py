"""Live TCP connections, so fault injection can really reset or drop them.

ASGI gives an application no handle on its transport. The emulator serves with a subclass of
one of uvicorn's HTTP/1.1 protocols that records each transport under the peer address, which
is also the ``client`` entry of every ASGI scope on that connection. The C parser
(``httptools``) is used when it is installed: it costs about a third of the CPU of the
pure-Python ``h11`` per request, which matters for submit throughput.
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from typing import Any, Literal

from uvicorn.protocols.http.h11_impl import H11Protocol

from pywats.exceptions import ConfigurationError

HttpParser = Literal["auto", "h11", "httptools"]

Peer = tuple[str, int]


class ConnectionRegistry:
    """Transports of open connections, keyed by peer ``(host, port)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._transports: dict[Peer, asyncio.BaseTransport] = {}

    def add(self, peer: Peer, transport: asyncio.BaseTransport) -> None:
        """Remember the transport of a new connection."""
        with self._lock:
            self._transports[peer] = transport

    def discard(self, peer: Peer) -> None:
        """Forget a closed connection."""
        with self._lock:
            self._transports.pop(peer, None)

    def abort(self, peer: Any) -> bool:
        """Close a connection at once, discarding unsent data; False when it is unknown."""
        if not isinstance(peer, list | tuple) or len(peer) != 2:
            return False
        with self._lock:
            transport = self._transports.get((str(peer[0]), int(peer[1])))
        if transport is None or transport.is_closing():
            return False
        if isinstance(transport, asyncio.Transport):
            transport.abort()
        else:
            transport.close()
        return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._transports)


def httptools_available() -> bool:
    """Whether uvicorn's C-based ``httptools`` protocol can be used."""
    return importlib.util.find_spec("httptools") is not None


def protocol_base(parser: HttpParser = "auto") -> type[asyncio.Protocol]:
    """uvicorn's protocol class for ``parser`` (``auto``: httptools when installed, else h11)."""
    if parser == "auto":
        parser = "httptools" if httptools_available() else "h11"
    if parser == "h11":
        return H11Protocol
    if parser == "httptools" and httptools_available():
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    raise ConfigurationError(f"HTTP parser {parser!r} is not available")


def tracking_protocol(
    registry: ConnectionRegistry, parser: HttpParser = "auto"
) -> type[asyncio.Protocol]:
    """A uvicorn protocol class (:func:`protocol_base`) reporting connections to ``registry``."""
    base: Any = protocol_base(parser)

    class TrackingProtocol(base):  # type: ignore[misc]
        _peer: Peer | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._peer = _peer_of(transport)
            if self._peer is not None:
                registry.add(self._peer, transport)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._peer is not None:
                registry.discard(self._peer)
            super().connection_lost(exc)

    return TrackingProtocol


def _peer_of(transport: asyncio.BaseTransport) -> Peer | None:
    peer = transport.get_extra_info("peername")
    if isinstance(peer, tuple) and len(peer) >= 2:
        return (str(peer[0]), int(peer[1]))
    return None
