"""A one-page PDF certificate for a report (``GET /api/Report/Certificate/{id}``).

Written by hand (PDF 1.4, one built-in Helvetica font, text only) so the emulator needs no
PDF library; the real server's layout is not reproduced, only "a PDF naming the report".
"""

from __future__ import annotations

from collections.abc import Sequence

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
LEFT, TOP, LINE_HEIGHT = 56, 780, 18


def pdf_text(value: str) -> str:
    """A PDF literal string body: Latin-1 only, with ``\\``, ``(`` and ``)`` escaped."""
    latin = value.encode("latin-1", errors="replace").decode("latin-1")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def certificate_lines(header: dict[str, object]) -> list[str]:
    """The certificate's text lines from a report header record."""
    fields = (
        ("Report", "uuid"), ("Part number", "partNumber"), ("Revision", "revision"),
        ("Serial number", "serialNumber"), ("Result", "result"), ("Operation", "processName"),
        ("Process code", "processCode"), ("Start (UTC)", "start"), ("Station", "stationName"),
        ("Location", "location"), ("Operator", "userName"),
    )  # fmt: skip
    lines = ["Test certificate"]
    lines.extend(
        f"{label}: {'' if header.get(key) is None else header[key]}" for label, key in fields
    )
    return lines


def render_pdf(lines: Sequence[str]) -> bytes:
    """A valid single-page PDF showing ``lines`` top to bottom."""
    text = ["BT", "/F1 16 Tf", f"{LEFT} {TOP} Td", f"({pdf_text(lines[0])}) Tj", "/F1 11 Tf"]
    for line in lines[1:]:
        text.append(f"0 -{LINE_HEIGHT} Td")
        text.append(f"({pdf_text(line)}) Tj")
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        ).encode("latin-1"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)
