"""The emulator as a separate process (``python -m pywats_emulator``) with a file database,
for tests whose service processes outlive single requests (crash loop, benchmarks)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import httpx


class EmulatorProcess:
    """Start with ``with EmulatorProcess(db_path) as emu:``; ``emu.base_url``, ``emu.token``."""

    def __init__(self, db_path: Path, *extra_args: str) -> None:
        self.db_path = db_path
        self._args = extra_args
        self.proc: subprocess.Popen[str] | None = None
        self._log: TextIO | None = None
        self._client: httpx.Client | None = None  # one pooled client for every admin call
        self.base_url = ""
        self.token = ""

    def __enter__(self) -> EmulatorProcess:
        command = [
            sys.executable,
            "-m",
            "pywats_emulator",
            "--port",
            "0",
            "--db",
            str(self.db_path),
            *self._args,
        ]
        # stderr goes to a file: an unread pipe would fill up and block the emulator.
        self._log = self.db_path.with_suffix(".log").open("a", encoding="utf-8")
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log, text=True)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("pywats-emulator listening on "):
                self.base_url = line.rsplit(" ", 1)[1].strip()
            elif line.startswith("token: "):
                self.token = line.split(" ", 1)[1].strip()
                return self
        self.__exit__(None, None, None)
        raise AssertionError("the emulator did not start")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._log is not None:
            self._log.close()

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        if self._client is None:
            headers = {"Authorization": f"Basic {self.token}"}
            self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=30)
        response = self._client.request(method, path, json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        """Replace the active fault rules."""
        self._admin("DELETE", "/_emulator/faults")
        if rules:
            self._admin("POST", "/_emulator/faults", rules)

    def stored_id_counts(self) -> dict[str, int]:
        """Report id (lower case) → number of stored rows, read from the database file."""
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT lower(id), COUNT(*) FROM reports GROUP BY lower(id)")
            counts = {str(rid): int(n) for rid, n in rows}
        db.close()
        return counts
