"""Child process for the crash test: accepts reports in a loop and works the queue until killed.

Usage: ``python crash_child.py QUEUE_DIR SEED``. Prints ``ready`` once the queue is open and
``accepted <id>`` only after ``accept`` returned, so every printed id is a promise the parent
checks after ``kill -9``.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from pathlib import Path

from pywats_client.queue import (
    BackoffPolicy,
    QueueLimits,
    ReportQueue,
    RetentionPolicy,
    RetryBudget,
)


def _report(rng: random.Random) -> tuple[bytes, str]:
    report_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    padding = "p" * rng.randint(0, 4000)
    doc = {"type": "T", "id": report_id, "pn": "CRASH", "sn": report_id[:8], "pad": padding}
    return json.dumps(doc).encode(), report_id


def _work(queue: ReportQueue, rng: random.Random) -> None:
    claimed = queue.claim_next()
    if claimed is None:
        return
    roll = rng.random()
    if roll < 0.5:
        queue.complete(claimed.report_id)
    elif roll < 0.85:
        queue.fail_retryable(claimed.report_id, "simulated 503")
    else:
        queue.park(claimed.report_id, "simulated 400")
        if rng.random() < 0.5:
            queue.retry(claimed.report_id)


def main() -> None:
    queue_dir, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    queue = ReportQueue(
        queue_dir,
        limits=QueueLimits(max_pending_count=None, max_pending_bytes=None, min_free_bytes=0),
        backoff=BackoffPolicy(base=0.005, cap=0.02, min_delay=0.001),
        retry_budget=RetryBudget(burst=1000, per_second=1000.0),
        retention=RetentionPolicy(max_age_seconds=None, max_count=None, max_bytes=None),
        rng=rng,
    )
    queue.open()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        payload, report_id = _report(rng)
        queue.accept(payload, report_id)
        sys.stdout.write(f"accepted {report_id}\n")
        sys.stdout.flush()
        _work(queue, rng)
        if rng.random() < 0.05:
            queue.prune_completed()


if __name__ == "__main__":
    main()
