"""Errors the station service raises, all under :class:`pywats.exceptions.WatsError`.

::

    WatsError
    ├── ConfigurationError (pywats)
    │   └── ClientConfigError          the service config file is missing, unreadable or invalid
    └── QueueError                     the durable queue cannot do what was asked
        ├── QueueFullError             count or byte limit reached: new input refused
        ├── DiskSpaceError             free disk below the minimum, or ENOSPC while writing
        ├── QueueIOError               any other OS error while reading or writing the queue
        ├── QueueLockedError           another process owns the queue directory
        ├── EntryNotFoundError         no entry with that report id
        ├── EntryStateError            the entry is in a state that forbids the operation
        ├── CorruptEntryError          a queue file failed its envelope checks
        ├── DuplicateReportIdError     same report id already pending with different content
        └── InputFileError             an input file is unreadable or not a report

When new input is refused (``QueueFullError``, ``DiskSpaceError``) the caller still owns its
file: nothing was written and nothing already accepted was touched.
"""

from __future__ import annotations

from pywats.exceptions import ConfigurationError, WatsError


class ClientConfigError(ConfigurationError):
    """The service configuration is invalid; ``problems`` names each bad field."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        detail = "".join(f"\n  {p}" for p in self.problems)
        super().__init__(f"{message}{detail}")


class QueueError(WatsError):
    """Root of the durable queue's errors."""


class QueueFullError(QueueError):
    """The queue holds as many pending reports (or bytes) as its limits allow."""


class DiskSpaceError(QueueError):
    """Free disk space is below the configured minimum, or the disk filled up mid-write."""


class QueueIOError(QueueError):
    """An operating-system error other than a full disk hit the queue directory."""


class QueueLockedError(QueueError):
    """Another process already owns this queue directory."""


class EntryNotFoundError(QueueError):
    """No queue entry has this report id."""

    def __init__(self, report_id: str) -> None:
        self.report_id = report_id
        super().__init__(f"no queue entry with report id {report_id}")


class EntryStateError(QueueError):
    """The entry's current state does not allow the requested operation."""

    def __init__(self, report_id: str, state: str, operation: str) -> None:
        self.report_id = report_id
        self.state = state
        self.operation = operation
        super().__init__(f"cannot {operation} report {report_id}: it is {state}")


class CorruptEntryError(QueueError):
    """A queue file is truncated, damaged or not a queue envelope at all."""


class DuplicateReportIdError(QueueError):
    """A report with this id is already pending with different content."""

    def __init__(self, report_id: str) -> None:
        self.report_id = report_id
        super().__init__(
            f"report id {report_id} is already queued with different content; "
            "the new file was not accepted"
        )


class InputFileError(QueueError):
    """An input file cannot be read or turned into a report; the caller may quarantine it."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


__all__ = [
    "ClientConfigError",
    "CorruptEntryError",
    "DiskSpaceError",
    "DuplicateReportIdError",
    "EntryNotFoundError",
    "EntryStateError",
    "InputFileError",
    "QueueError",
    "QueueFullError",
    "QueueIOError",
    "QueueLockedError",
]
