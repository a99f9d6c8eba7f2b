"""The control API's shared secret: a random token in a file only the service's user can read."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def load_or_create_token(path: Path) -> str:
    """Read the token at ``path``, creating it (mode 0600, random 256 bits) if it is missing.

    On Windows the file inherits the ACL of its folder (the per-user config folder), which is the
    equivalent protection there; POSIX permission bits are enforced explicitly.
    """
    try:
        token = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        token = ""
    if token:
        _restrict(path)
        return token
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    _restrict(path)
    return token


def _restrict(path: Path) -> None:
    if sys.platform != "win32" and (path.stat().st_mode & 0o077):
        path.chmod(0o600)
