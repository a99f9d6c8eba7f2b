"""Every error pywats raises, in one tree rooted at :class:`WatsError`.

::

    WatsError
    ├── ConfigurationError            a client cannot be built (no base URL, no token, bad option)
    ├── InvalidArgumentError          a method argument is malformed (raised before any request)
    ├── ClientClosedError             the client was closed; make a new one
    ├── ReportError                   a report is unreadable or breaks a rule
    │   ├── ReportFormatError         malformed WSJF / WSXF / WSTF (carries position or JSON path)
    │   └── ReportValidationError     parsed, but breaks validation rules (carries every problem)
    ├── TransportError                no HTTP answer was obtained
    │   ├── WatsConnectionError       connect / read / write failed
    │   └── WatsTimeoutError          the request timed out
    ├── CircuitOpenError              the circuit breaker refuses calls for now
    ├── UnexpectedResponseError       a 2xx answer whose body is not what the API promises
    └── ApiError                      the server answered with an error status
        ├── BadRequestError           400
        │   └── ReportRejectedError   400 on report submission (server's validation text)
        ├── AuthenticationError       401
        ├── PermissionDeniedError     403
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── RateLimitedError          429 (``retry_after`` seconds when the server said)
        └── ServerError               5xx (``retry_after`` when the server said)

No class shadows a builtin name (hence ``WatsConnectionError``, ``WatsTimeoutError``).
Exception text never contains credentials: callers pass only method, path and server message.
"""

from __future__ import annotations

from collections.abc import Sequence


class WatsError(Exception):
    """Root of every pywats error."""


class ConfigurationError(WatsError):
    """A client or service cannot be configured as asked."""


class InvalidArgumentError(WatsError, ValueError):
    """A method argument is malformed or out of range; nothing was sent to the server.

    Also a :class:`ValueError`, so code that already catches that keeps working.
    """


class ClientClosedError(WatsError):
    """A call was made on a client after ``close()`` / ``aclose()``."""


class ReportError(WatsError):
    """A report cannot be read or is not acceptable."""


class ReportFormatError(ReportError):
    """A WSJF/WSXF/WSTF document is malformed.

    ``location`` says where: a JSON path such as ``root.steps[3].numericMeas[0]``,
    ``line 12, column 4`` for text and XML, or ``""`` when unknown.
    """

    def __init__(self, message: str, location: str = "") -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class ReportValidationError(ReportError):
    """A report breaks one or more validation rules; ``problems`` lists each as text."""

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} validation problem(s):\n{lines}")


class TransportError(WatsError):
    """No HTTP response was obtained."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        self.method = method
        self.path = path
        where = f" ({method} {path})" if method else ""
        super().__init__(f"{message}{where}")


class WatsConnectionError(TransportError):
    """Connecting, sending or receiving failed."""


class WatsTimeoutError(TransportError):
    """The request did not complete within its timeout."""


class CircuitOpenError(WatsError):
    """Too many consecutive failures: calls are refused until the breaker's probe succeeds."""

    def __init__(self, retry_in: float) -> None:
        self.retry_in = retry_in
        super().__init__(f"circuit breaker open; next probe in {retry_in:.1f} s")


class UnexpectedResponseError(WatsError):
    """A successful (2xx) answer whose body cannot be decoded or has the wrong shape."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        self.method = method
        self.path = path
        where = f" ({method} {path})" if method else ""
        super().__init__(f"{message}{where}")


class ApiError(WatsError):
    """The server answered with an error status."""

    def __init__(
        self,
        status_code: int,
        server_message: str,
        *,
        method: str = "",
        path: str = "",
        correlation_id: str = "",
    ) -> None:
        self.status_code = status_code
        self.server_message = server_message
        self.method = method
        self.path = path
        self.correlation_id = correlation_id
        super().__init__(f"{method} {path} -> {status_code}: {server_message}".strip())


class BadRequestError(ApiError):
    """400: the server refused the request's content."""


class ReportRejectedError(BadRequestError):
    """400 on report submission; ``server_message`` holds the server's validation text."""


class AuthenticationError(ApiError):
    """401: missing or invalid credentials."""


class PermissionDeniedError(ApiError):
    """403: authenticated but not allowed."""


class NotFoundError(ApiError):
    """404: no such resource or route."""


class ConflictError(ApiError):
    """409: the request conflicts with the server's state."""


class RateLimitedError(ApiError):
    """429: throttled; ``retry_after`` is the server's hint in seconds, if it gave one."""

    def __init__(
        self,
        status_code: int,
        server_message: str,
        *,
        method: str = "",
        path: str = "",
        correlation_id: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            status_code, server_message, method=method, path=path, correlation_id=correlation_id
        )
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the server failed; ``retry_after`` is its hint in seconds (e.g. with 503), if any."""

    def __init__(
        self,
        status_code: int,
        server_message: str,
        *,
        method: str = "",
        path: str = "",
        correlation_id: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            status_code, server_message, method=method, path=path, correlation_id=correlation_id
        )
        self.retry_after = retry_after


__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "CircuitOpenError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InvalidArgumentError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ReportError",
    "ReportFormatError",
    "ReportRejectedError",
    "ReportValidationError",
    "ServerError",
    "TransportError",
    "UnexpectedResponseError",
    "WatsConnectionError",
    "WatsError",
    "WatsTimeoutError",
]
