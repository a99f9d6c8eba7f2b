"""Live TCP connections, so fault injection can really reset or drop them.

ASGI gives an application no handle on its transport. The emulator serves with a subclass of
uvicorn's h11 protocol that records each transport under the peer address, which is also the
``client`` entry of every ASGI scope on that connection.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

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


def tracking_protocol(registry: ConnectionRegistry) -> type[H11Protocol]:
    """An h11 protocol class that reports its connections to ``registry``."""

    class TrackingH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._peer = _peer_of(transport)
            if self._peer is not None:
                registry.add(self._peer, transport)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._peer is not None:
                registry.discard(self._peer)
            super().connection_lost(exc)

    return TrackingH11Protocol


def _peer_of(transport: asyncio.BaseTransport) -> Peer | None:
    peer = transport.get_extra_info("peername")
    if isinstance(peer, tuple) and len(peer) >= 2:
        return (str(peer[0]), int(peer[1]))
    return None
