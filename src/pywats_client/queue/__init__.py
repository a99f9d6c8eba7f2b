"""The station service's durable pending queue (see ``docs/queue.md``).

Main entry point: :class:`ReportQueue`. Pure policy pieces (backoff, retry budget, limits,
retention) and the filesystem seam are exported for the service and for tests.
"""

from pywats_client.queue.backoff import BackoffPolicy, RetryBudget, backoff_ceiling, backoff_delay
from pywats_client.queue.entries import (
    AcceptResult,
    ClaimedReport,
    QueueEntry,
    QueueHealth,
    RecoveryReport,
)
from pywats_client.queue.envelope import Envelope, EnvelopeMeta, decode_envelope, encode_envelope
from pywats_client.queue.fs import FileSystem
from pywats_client.queue.limits import QueueLimits, RefusalKind, RetentionPolicy
from pywats_client.queue.naming import EntryState
from pywats_client.queue.store import ReportQueue

__all__ = [
    "AcceptResult",
    "BackoffPolicy",
    "ClaimedReport",
    "EntryState",
    "Envelope",
    "EnvelopeMeta",
    "FileSystem",
    "QueueEntry",
    "QueueHealth",
    "QueueLimits",
    "RecoveryReport",
    "RefusalKind",
    "ReportQueue",
    "RetentionPolicy",
    "RetryBudget",
    "backoff_ceiling",
    "backoff_delay",
    "decode_envelope",
    "encode_envelope",
]
