"""The on-disk envelope: one report's WSJF bytes plus its queue metadata, checksummed.

Layout (all lengths in bytes; see ``docs/queue.md``)::

    PYWATSQ1 <header_len> <payload_len>\\n
    <header: UTF-8 JSON object, header_len bytes>\\n
    <payload: the report's WSJF bytes as accepted, payload_len bytes>\\n
    SHA256 <hex digest of header bytes + payload bytes>\\n

The declared lengths must add up to the file's exact size (catches truncation and appended
junk) and the trailer digest must match (catches bit rot and partial overwrites). The header's
``content_sha256`` is the digest of the payload alone: the duplicate-detection key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pywats_client.errors import CorruptEntryError

MAGIC = b"PYWATSQ1"
FORMAT_VERSION = 1
_TRAILER_PREFIX = b"SHA256 "
_TRAILER_LEN = len(_TRAILER_PREFIX) + 64 + 1
_MAX_FIRST_LINE = 64


@dataclass(frozen=True, slots=True)
class EnvelopeMeta:
    """Metadata kept beside the report; times are Unix seconds (UTC)."""

    report_id: str
    correlation_id: str
    accepted_at: float
    content_sha256: str
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: float | None = None
    parked_reason: str | None = None
    source: dict[str, Any] = field(default_factory=dict)

    def after_failure(self, error: str, next_attempt_at: float) -> EnvelopeMeta:
        """The metadata after one more failed attempt."""
        return replace(
            self, attempts=self.attempts + 1, last_error=error, next_attempt_at=next_attempt_at
        )

    def after_park(self, reason: str) -> EnvelopeMeta:
        """The metadata of an entry parked for an operator (the attempt counts too)."""
        return replace(
            self,
            attempts=self.attempts + 1,
            parked_reason=reason,
            last_error=reason,
            next_attempt_at=None,
        )


@dataclass(frozen=True, slots=True)
class Envelope:
    """One queue file's content."""

    meta: EnvelopeMeta
    payload: bytes


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def encode_envelope(envelope: Envelope) -> bytes:
    """Serialise an envelope to the bytes written to disk."""
    header_doc = {"format": FORMAT_VERSION, **asdict(envelope.meta)}
    header = json.dumps(header_doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    payload = envelope.payload
    digest = hashlib.sha256(header)
    digest.update(payload)
    first = MAGIC + b" %d %d\n" % (len(header), len(payload))
    trailer = _TRAILER_PREFIX + digest.hexdigest().encode("ascii") + b"\n"
    return b"".join((first, header, b"\n", payload, b"\n", trailer))


def decode_envelope(data: bytes) -> Envelope:
    """Parse and verify an envelope; raise :class:`CorruptEntryError` saying what is wrong."""
    header_len, payload_len, body_start = _parse_first_line(data)
    expected_size = body_start + header_len + 1 + payload_len + 1 + _TRAILER_LEN
    if len(data) != expected_size:
        raise CorruptEntryError(
            f"size {len(data)} bytes, expected {expected_size} (truncated or extended)"
        )
    header = data[body_start : body_start + header_len]
    payload_start = body_start + header_len + 1
    payload = data[payload_start : payload_start + payload_len]
    trailer = data[-_TRAILER_LEN:]
    if data[payload_start - 1] != 0x0A or data[-_TRAILER_LEN - 1] != 0x0A:
        raise CorruptEntryError("envelope section separators are damaged")
    digest = hashlib.sha256(header)
    digest.update(payload)
    if trailer != _TRAILER_PREFIX + digest.hexdigest().encode("ascii") + b"\n":
        raise CorruptEntryError("checksum mismatch (content damaged)")
    meta = _meta_from_header(header)
    if sha256_hex(payload) != meta.content_sha256:
        raise CorruptEntryError("payload digest differs from the header's content_sha256")
    return Envelope(meta, payload)


def _parse_first_line(data: bytes) -> tuple[int, int, int]:
    newline = data.find(b"\n", 0, _MAX_FIRST_LINE)
    if newline < 0 or not data.startswith(MAGIC + b" "):
        raise CorruptEntryError("not a pywats queue envelope (bad magic line)")
    fields = data[len(MAGIC) + 1 : newline].split(b" ")
    if len(fields) != 2 or not all(f.isdigit() for f in fields):
        raise CorruptEntryError("malformed envelope length line")
    return int(fields[0]), int(fields[1]), newline + 1


_META_FIELDS = frozenset(EnvelopeMeta.__dataclass_fields__)


def _meta_from_header(header: bytes) -> EnvelopeMeta:
    try:
        doc = json.loads(header)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptEntryError(f"envelope header is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_VERSION:
        raise CorruptEntryError("envelope header has an unknown format version")
    values = {k: v for k, v in doc.items() if k in _META_FIELDS}
    try:
        meta = EnvelopeMeta(**values)
    except TypeError as exc:
        raise CorruptEntryError(f"envelope header misses fields: {exc}") from None
    if not isinstance(meta.report_id, str) or not isinstance(meta.attempts, int):
        raise CorruptEntryError("envelope header has fields of the wrong type")
    return meta
