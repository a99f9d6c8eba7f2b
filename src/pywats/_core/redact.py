"""Keep credentials out of logs, reprs and exception text (no I/O)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

REDACTED = "***"


def secret_variants(token: str) -> list[str]:
    """The token and the pieces it may leak as: its base64 decoding and the password part."""
    variants = [token]
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if decoded:
        variants.append(decoded)
        _, sep, password = decoded.partition(":")
        if sep and len(password) >= 4:
            variants.append(password)
    return [v for v in variants if len(v) >= 4]


class Redactor:
    """Replaces every known secret in a text with ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secret(s))"
