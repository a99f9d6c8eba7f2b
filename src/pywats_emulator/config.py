"""Emulator configuration: one frozen value object built by the CLI or the test fixture."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .faults import FaultRule

# Loop-counter convention on submit (report-formats.md §8.3 rule 6): "strict" as server
# 2026.1 (num = endingIndex + 1), "export" as exports write them, or "either".
LoopCounters = Literal["strict", "export", "either"]
DEFAULT_TOKEN = "ZW11bGF0b3I6ZW11bGF0b3I="  # base64("emulator:emulator")
SERVER_VERSION = "2026.1.5.324"


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator instance.

    ``token`` is the API token accepted after ``Basic ``; ``users`` maps user names to
    passwords accepted as ``Basic base64(user:password)``; ``registration_token`` is what
    ``POST /api/internal/Client/Register`` accepts raw (defaults to ``token``);
    ``loop_counters`` picks the loop-counter rule applied to submitted reports;
    ``check_repair_types`` also checks repair reports' fail codes and misc infos against
    their repair type (off by default: most test data uses placeholder codes).
    """

    host: str = "127.0.0.1"
    port: int = 8040
    db: str = ":memory:"
    token: str = DEFAULT_TOKEN
    users: dict[str, str] = field(default_factory=lambda: {"emulator": "emulator"})
    registration_token: str | None = None
    seed: int = 0
    server_name: str = "pywats-emulator"
    server_version: str = SERVER_VERSION
    faults: tuple[FaultRule, ...] = ()
    loop_counters: LoopCounters = "either"
    check_repair_types: bool = False

    @property
    def accepted_registration_token(self) -> str:
        """The raw token that authorises station registration."""
        return self.registration_token or self.token
