"""Client settings: base URL normalisation, environment fallbacks, TLS option (no network)."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pywats.exceptions import ConfigurationError

ENV_BASE_URL = "WATS_BASE_URL"
ENV_TOKEN = "WATS_TOKEN"


def normalise_base_url(url: str) -> str:
    """The site root: whitespace, trailing ``/`` and a trailing ``/api`` removed.

    ``https://x.wats.com/api/`` → ``https://x.wats.com``. Raises :class:`ConfigurationError`
    for anything that is not an absolute http(s) URL.
    """
    text = url.strip().rstrip("/")
    if text.lower().endswith("/api"):
        text = text[: -len("/api")].rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"base_url must be an absolute http:// or https:// URL, got {url!r}"
        )
    return text


def resolve_settings(
    base_url: str | None, token: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """Explicit values win; else ``WATS_BASE_URL`` / ``WATS_TOKEN``; name whatever is missing."""
    env = os.environ if environ is None else environ
    url = base_url if base_url is not None else env.get(ENV_BASE_URL)
    secret = token if token is not None else env.get(ENV_TOKEN)
    missing = []
    if not url:
        missing.append(f"base_url (or environment variable {ENV_BASE_URL})")
    if not secret:
        missing.append(f"token (or environment variable {ENV_TOKEN})")
    if not url or not secret:
        raise ConfigurationError("WATS client not configured; missing " + " and ".join(missing))
    return normalise_base_url(url), secret.strip()


def tls_verify(verify: bool | str | Path | ssl.SSLContext) -> bool | ssl.SSLContext:
    """The httpx ``verify`` value: a bool, a context, or a CA bundle file turned into a context."""
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    bundle = Path(verify)
    if not bundle.is_file():
        raise ConfigurationError(f"verify: CA bundle {str(bundle)!r} is not a file")
    try:
        return ssl.create_default_context(cafile=str(bundle))
    except (ssl.SSLError, OSError) as exc:
        raise ConfigurationError(f"verify: cannot load CA bundle {str(bundle)!r}: {exc}") from exc
