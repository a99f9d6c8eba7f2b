"""Deterministic report ids for converted reports.

The id of a converted report is a UUID5 of the source file's SHA-256 and the report's index
in that file. Converting the same bytes again therefore gives the same ids, so a crash after
the queue accepted the reports but before the source was moved away cannot produce a second
copy: the queue sees the same id with the same content and reports a duplicate.

Rule: a converter that reads station-written report files (``preserves_ids = True``: the
WSJF/WSXF/WSTF built-ins) keeps an id the file already has — other reports (UURs) may refer
to it. Every other converter's ids are replaced by the derived id, because such converters
(CSV, user code) typically build reports with random ids. ``reconvert`` asks for *new*
reports on purpose: it mixes a nonce into the derivation, for every converter.
"""

from __future__ import annotations

import uuid

CONVERTED_ID_NAMESPACE = uuid.UUID("0b6f2a1e-52c4-4e39-9a77-c3d1f0e8b245")


def derived_report_id(source_sha256: str, index: int, nonce: str | None = None) -> str:
    """The id of report ``index`` (0-based) of the source whose SHA-256 is given."""
    key = f"{source_sha256.lower()}:{index}"
    if nonce:
        key = f"{key}:{nonce}"
    return str(uuid.uuid5(CONVERTED_ID_NAMESPACE, key))


def choose_report_id(
    existing: str | None,
    source_sha256: str,
    index: int,
    *,
    preserves_ids: bool,
    nonce: str | None = None,
) -> str:
    """The id a converted report gets (see the module docstring for the rule)."""
    if nonce is None and preserves_ids and existing:
        return existing.lower()
    return derived_report_id(source_sha256, index, nonce)
