"""Envelope format: round trip, and every kind of damage is detected with a reason."""

from __future__ import annotations

import json

import pytest

from pywats_client.errors import CorruptEntryError
from pywats_client.queue import Envelope, EnvelopeMeta, decode_envelope, encode_envelope
from pywats_client.queue.envelope import sha256_hex

PAYLOAD = b'{"type":"T","id":"0b7c3f5e-8f7a-4d55-9a43-2f4c1c0d9e11","pn":"X"}'


def _envelope(payload: bytes = PAYLOAD) -> Envelope:
    meta = EnvelopeMeta(
        report_id="0b7c3f5e-8f7a-4d55-9a43-2f4c1c0d9e11",
        correlation_id="corr-1",
        accepted_at=1_790_000_000.25,
        content_sha256=sha256_hex(payload),
        attempts=2,
        last_error="HTTP 503 from server",
        next_attempt_at=1_790_000_100.0,
        source={"converter": "csv", "path": "C:\\in\\a.csv", "sha256": "ab"},
    )
    return Envelope(meta, payload)


def test_round_trip_keeps_payload_bytes_and_metadata() -> None:
    original = _envelope()
    decoded = decode_envelope(encode_envelope(original))
    assert decoded == original


def test_payload_with_newlines_and_non_ascii_round_trips() -> None:
    payload = '{\n "name": "Måling ≥ 5 Ω"\n}\n'.encode()
    assert decode_envelope(encode_envelope(_envelope(payload))).payload == payload


@pytest.mark.parametrize("keep", [0, 5, 9, 20, 60, -73, -40, -1])
def test_truncation_anywhere_is_detected(keep: int) -> None:
    data = encode_envelope(_envelope())
    with pytest.raises(CorruptEntryError):
        decode_envelope(data[:keep])


def test_every_single_flipped_byte_is_detected() -> None:
    data = encode_envelope(_envelope())
    for position in range(len(data)):
        damaged = bytearray(data)
        damaged[position] ^= 0x01
        with pytest.raises(CorruptEntryError):
            decode_envelope(bytes(damaged))


def test_appended_junk_is_detected() -> None:
    with pytest.raises(CorruptEntryError, match="size"):
        decode_envelope(encode_envelope(_envelope()) + b"x")


def test_a_plain_report_file_is_not_an_envelope() -> None:
    with pytest.raises(CorruptEntryError, match="magic"):
        decode_envelope(PAYLOAD)


def test_header_with_unknown_format_version_is_rejected() -> None:
    data = encode_envelope(_envelope())
    first, rest = data.split(b"\n", 1)
    header_len = int(first.split(b" ")[1])
    header = json.loads(rest[:header_len])
    header["format"] = 99
    new_header = json.dumps(header).encode()
    rebuilt = rest[header_len + 1 :]  # payload + trailer of the old file
    forged = b"PYWATSQ1 %d %d\n" % (len(new_header), len(PAYLOAD)) + new_header + b"\n" + rebuilt
    with pytest.raises(CorruptEntryError):
        decode_envelope(forged)


def test_payload_digest_must_match_header_digest() -> None:
    lying = Envelope(_envelope().meta, PAYLOAD + b" ")
    with pytest.raises(CorruptEntryError, match="content_sha256"):
        decode_envelope(encode_envelope(lying))
