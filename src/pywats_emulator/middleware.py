"""The ASGI layer in front of every route: authentication, then injected faults.

Plain ASGI (not Starlette's BaseHTTPMiddleware) so that it can withhold, delay or cut a
response at the byte level, which is what a realistic lost acknowledgement needs.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import Identity, basic_token
from .faults import FaultKind, FaultRule
from .http import error_response
from .state import EmulatorState

PUBLIC_PATHS = frozenset({"/", "/favicon.ico"})
REGISTER_PATH = "/api/internal/client/register"
UNAUTHORIZED = "Authorization has been denied for this request."


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class EmulatorMiddleware:
    """Checks HTTP Basic credentials and carries out :class:`FaultInjector` decisions."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"]).lower()
        if path not in PUBLIC_PATHS:
            token = basic_token(_header(scope, b"authorization"))
            identity = self.state.auth.identify(token)
            if identity is None and path == REGISTER_PATH and self.state.auth.may_register(token):
                identity = Identity("registration", "registration")
            if identity is None:
                response = error_response(
                    401, UNAUTHORIZED, headers={"WWW-Authenticate": 'Basic realm="WATS"'}
                )
                await response(scope, receive, send)
                return
            scope.setdefault("state", {})["identity"] = identity
        decision = self.state.faults.decide(str(scope["method"]), path)
        if decision.latency > 0 and not await self._pause(decision.latency):
            await self._cut(scope, send)
            return
        if decision.terminal is None:
            await self.app(scope, receive, send)
            return
        await self._inject(decision.terminal, scope, receive, send)

    async def _inject(self, rule: FaultRule, scope: Scope, receive: Receive, send: Send) -> None:
        kind = rule.kind
        if kind is FaultKind.RESET:
            await self._cut(scope, send)
        elif kind is FaultKind.DROP:
            await self._answer_then_drop(scope, receive, send)
        elif kind is FaultKind.HANG:
            await self._hang(rule, scope, receive, send)
        elif kind is FaultKind.RATE_LIMIT:
            retry = rule.retry_after
            header = str(int(retry)) if float(retry).is_integer() else str(retry)
            response = error_response(
                429, "Too many requests. Try again later.", headers={"Retry-After": header}
            )
            await response(scope, receive, send)
        else:
            await error_response(rule.effective_status, rule.message)(scope, receive, send)

    async def _pause(self, seconds: float) -> bool:
        """Sleep unless the server starts stopping; True when the full time passed."""
        try:
            await asyncio.wait_for(self.state.stopping.wait(), timeout=seconds)
        except TimeoutError:
            return True
        return False

    async def _cut(self, scope: Scope, send: Send) -> None:
        """Close the connection without a byte of response."""
        if self.state.connections.abort(scope.get("client")):
            # Let the server see the loss before this request returns, so it does not try
            # to answer on a closed connection.
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            return
        # Served by a server without connection tracking: promise a body and never send it,
        # which makes the server close the connection mid-response.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"1024")],
            }
        )

    async def _answer_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request to completion (so it is stored), then cut instead of answering."""
        cut = False

        async def swallow(message: Message) -> None:
            nonlocal cut
            if not cut and message["type"] == "http.response.start":
                cut = True
                await self._cut(scope, send)

        await self.app(scope, receive, swallow)

    async def _hang(self, rule: FaultRule, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the request, wait until the client gives up (or the delay ends), then serve."""
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                break
        disconnect = asyncio.ensure_future(receive())
        stopping = asyncio.ensure_future(self.state.stopping.wait())
        try:
            done, _ = await asyncio.wait(
                {disconnect, stopping},
                timeout=rule.effective_delay,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            disconnect.cancel()
            stopping.cancel()
        if stopping in done:
            await self._cut(scope, send)
        elif disconnect not in done:
            await self.app(scope, _replay(bytes(body)), send)


def _replay(body: bytes) -> Receive:
    """A ``receive`` that hands out an already-read body once, then reports a disconnect."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    return receive
