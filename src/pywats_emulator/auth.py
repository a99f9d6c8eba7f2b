"""Who may call the emulator: API tokens, user credentials and registered station passcodes.

WATS sends every credential as ``Authorization: Basic <token>`` where ``<token>`` is either an
opaque API token, ``base64(user:password)`` or, for a registered station,
``base64(<MAC>:<passcode>)`` (wats-rest-api.md §1.2). This module holds the pure logic; the
middleware asks :meth:`AuthRegistry.identify` for each request.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    """The caller behind an accepted credential."""

    kind: str  # "token", "user" or "client"
    name: str  # token label, user name, or station identifier (MAC)


def basic_token(header: str | None) -> str | None:
    """The text after ``Basic `` in an Authorization header, or ``None``."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    return value.strip()


def encode_basic(name: str, secret: str) -> str:
    """``base64(name:secret)`` as WATS expects it after ``Basic ``."""
    return base64.b64encode(f"{name}:{secret}".encode()).decode("ascii")


def decode_pair(token: str) -> tuple[str, str] | None:
    """Split a ``base64(name:secret)`` token; ``None`` when it is not one."""
    try:
        text = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, sep, secret = text.partition(":")
    return (name, secret) if sep else None


class AuthRegistry:
    """Accepted credentials. Thread-safe: tests register and reset from another thread."""

    def __init__(self, token: str, users: dict[str, str], registration_token: str) -> None:
        self._lock = threading.Lock()
        self._primary = token
        self._users = dict(users)
        self._registration_token = registration_token
        self._tokens: dict[str, str] = {}
        self._passcodes: dict[str, str] = {}

    def reset(self) -> None:
        """Forget every issued token and passcode (configured ones stay)."""
        with self._lock:
            self._tokens.clear()
            self._passcodes.clear()

    def identify(self, token: str | None) -> Identity | None:
        """The identity a Basic token stands for, or ``None`` when it is not accepted."""
        if token is None:
            return None
        with self._lock:
            if secrets.compare_digest(token, self._primary):
                return Identity("token", "primary")
            label = self._tokens.get(token)
            if label is not None:
                return Identity("token", label)
            pair = decode_pair(token)
            if pair is None:
                return None
            name, secret = pair
            if name in self._users and secrets.compare_digest(self._users[name], secret):
                return Identity("user", name)
            passcode = self._passcodes.get(name.upper())
            if passcode is not None and secrets.compare_digest(passcode, secret):
                return Identity("client", name.upper())
        return None

    def may_register(self, token: str | None) -> bool:
        """Whether a credential may register stations (raw registration token or a user)."""
        if token is None:
            return False
        if secrets.compare_digest(token, self._registration_token):
            return True
        identity = self.identify(token)
        return identity is not None and identity.kind in ("user", "token")

    def issue_passcode(self, identifier: str, passcode: str | None = None) -> str:
        """Register (or re-register) a station; returns its new passcode."""
        code = passcode or secrets.token_hex(16)
        with self._lock:
            self._passcodes[identifier.upper()] = code
        return code

    def issue_token(self, label: str, previous: str | None = None) -> str:
        """Create an API token for ``label``; ``previous`` is invalidated when given."""
        token = base64.b64encode(secrets.token_bytes(24)).decode("ascii")
        with self._lock:
            if previous is not None:
                self._tokens.pop(previous, None)
            self._tokens[token] = label
        return token

    def tokens_of(self, label: str) -> list[str]:
        """API tokens issued for ``label``."""
        with self._lock:
            return [t for t, owner in self._tokens.items() if owner == label]
