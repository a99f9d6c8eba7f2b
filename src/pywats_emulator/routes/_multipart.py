"""Reading uploaded files: ``multipart/form-data`` parts or a raw request body (no I/O).

Parsed with the standard library's ``email`` package (the emulator does not depend on
python-multipart). Shared by the software, rootcause and production (serial-number upload)
routes.
"""

from __future__ import annotations

import email.parser
import email.policy
from dataclasses import dataclass

from pywats_emulator.routes._params import bad_request


@dataclass(frozen=True)
class FormPart:
    """One part of a ``multipart/form-data`` body."""

    name: str | None
    filename: str | None
    content_type: str
    content: bytes


def parse_multipart(body: bytes, content_type: str) -> list[FormPart]:
    """The parts of a ``multipart/form-data`` body (a 400 ``RouteError`` when it cannot be read)."""
    if (
        not content_type.lower().startswith("multipart/form-data")
        or "boundary=" not in content_type
    ):
        raise bad_request("The request must be multipart/form-data with a boundary.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise bad_request("The multipart body could not be read.")
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        parts.append(
            FormPart(
                name=part.get_param("name", header="content-disposition"),  # type: ignore[arg-type]
                filename=part.get_filename(),
                content_type=part.get_content_type(),
                content=payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts


def uploaded_file(body: bytes, content_type: str, field: str | None = None) -> FormPart:
    """The file of an upload: the named (or first) multipart file part, or a raw body."""
    if not content_type.lower().startswith("multipart/"):
        if not body:
            raise bad_request("The request carries no file.")
        return FormPart(None, None, content_type or "application/octet-stream", body)
    parts = [p for p in parse_multipart(body, content_type) if p.filename is not None]
    if field is not None:
        parts = [p for p in parts if p.name == field] or parts
    if not parts:
        raise bad_request("The multipart body carries no file.")
    return parts[0]
