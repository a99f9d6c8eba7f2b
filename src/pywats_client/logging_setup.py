"""Structured logging for the station service: plain text or JSON lines, secrets redacted.

Log records may carry ``report_id`` and ``correlation_id`` (passed with ``extra=``); both
formats print them, so one report can be followed from acceptance to upload. A
:class:`RedactingFilter` replaces every registered secret (the API token and its Basic forms)
wherever it appears in a message or its arguments.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal, TextIO

CONTEXT_FIELDS = ("report_id", "correlation_id")
REDACTED = "***"
_HANDLER_NAME = "pywats-client-service"


def secret_forms(secret: str) -> list[str]:
    """The secret and the encodings it may appear in (Basic token of ``user:secret``)."""
    forms = {secret}
    if ":" in secret:
        forms.add(base64.b64encode(secret.encode()).decode())
    try:
        decoded = base64.b64decode(secret, validate=True).decode()
    except ValueError:
        decoded = ""
    if decoded:
        forms.add(decoded)
        forms.update(part for part in decoded.split(":")[1:] if len(part) >= 6)
    return sorted((f for f in forms if len(f) >= 6), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites records so no registered secret reaches a handler."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: list[str] = []

    def add_secret(self, secret: str) -> None:
        for form in secret_forms(secret):
            if form not in self._secrets:
                self._secrets.append(form)
        self._secrets.sort(key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = redact(record.getMessage(), self._secrets)
            record.args = None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = redact(
                    logging.Formatter().formatException(record.exc_info), self._secrets
                )
                record.exc_info = None
        return True


def _context(record: logging.LogRecord) -> dict[str, str]:
    return {name: str(getattr(record, name)) for name in CONTEXT_FIELDS if hasattr(record, name)}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_context(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """``time level logger: message [report=… cid=…]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = _context(record)
        if not context:
            return text
        tags = " ".join(f"{k}={v}" for k, v in context.items())
        first, newline, rest = text.partition("\n")
        return f"{first} [{tags}]{newline}{rest}"


def configure_logging(
    log_format: Literal["plain", "json"] = "plain",
    level: str = "INFO",
    *,
    stream: TextIO | None = None,
    secrets: Iterable[str] = (),
) -> RedactingFilter:
    """Install the service's log handler on the root logger (replacing an earlier one) and
    return its redaction filter, to which more secrets can be added later."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if log_format == "json" else PlainFormatter())
    redactor = RedactingFilter()
    for secret in secrets:
        redactor.add_secret(secret)
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request at INFO; that is noise for a station log.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    return redactor


def remove_logging() -> None:
    """Take the service's log handler off the root logger (when the service ends)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
        old.close()


def set_level(level: str) -> None:
    """Change the service's log level while running."""
    logging.getLogger().setLevel(level)
