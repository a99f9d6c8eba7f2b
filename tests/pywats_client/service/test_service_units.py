"""Pure pieces of the service: failure classification, health, metrics, logging, station."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pywats.exceptions import (
    AuthenticationError,
    BadRequestError,
    CircuitOpenError,
    ConflictError,
    PermissionDeniedError,
    RateLimitedError,
    ReportRejectedError,
    ServerError,
    UnexpectedResponseError,
    WatsConnectionError,
    WatsTimeoutError,
)
from pywats_client.config_watch import merge_changes, restart_needed
from pywats_client.control.routes import HealthInputs, health_verdict
from pywats_client.logging_setup import configure_logging, redact, remove_logging, secret_forms
from pywats_client.metrics import ServiceMetrics, prometheus_text, quantile
from pywats_client.queue import QueueHealth, QueueLimits, RefusalKind
from pywats_client.station import clock_skew_seconds, clock_skew_warning, utc_offset_text
from pywats_client.supervisor import SupervisorState
from pywats_client.uploader import FailureAction, classify_failure


@pytest.mark.parametrize(
    ("exc", "retry_after", "auth", "unreachable"),
    [
        (WatsConnectionError("refused"), None, False, True),
        (WatsTimeoutError("slow"), None, False, True),
        (CircuitOpenError(12.5), 12.5, False, True),
        (RateLimitedError(429, "slow down", retry_after=7.0), 7.0, False, False),
        (ServerError(503, "busy"), None, False, False),
        (AuthenticationError(401, "who?"), None, True, False),
        (PermissionDeniedError(403, "no"), None, True, False),
        (BadRequestError(408, "timeout"), None, False, False),
        (UnexpectedResponseError("odd body"), None, False, False),
        (RuntimeError("bug"), None, False, False),
    ],
)
def test_retryable_failures(
    exc: Exception, retry_after: float | None, auth: bool, unreachable: bool
) -> None:
    decision = classify_failure(exc)
    assert decision.action is FailureAction.RETRY
    assert decision.retry_after == retry_after
    assert decision.auth_failed is auth
    assert decision.unreachable is unreachable


@pytest.mark.parametrize(
    "exc",
    [
        ReportRejectedError(400, "Serial number is missing"),
        ConflictError(409, "Serial number is missing"),
        BadRequestError(422, "Serial number is missing"),
    ],
)
def test_rejections_are_parked_with_the_server_text(exc: Exception) -> None:
    decision = classify_failure(exc)
    assert decision.action is FailureAction.PARK
    assert "Serial number is missing" in decision.message


def _queue_health(accepting: bool = True, pending: int = 0) -> QueueHealth:
    return QueueHealth(
        accepting=accepting,
        refusal=None if accepting else RefusalKind.DISK,
        reason=None if accepting else "free disk below 256 MiB",
        counts={"queued": pending, "completed": 5},
        pending_bytes=0,
        free_bytes=10**9,
        limits=QueueLimits(),
    )


def _inputs(**changes: object) -> HealthInputs:
    values: dict[str, object] = {
        "queue": _queue_health(),
        "supervisor_state": SupervisorState.OK,
        "supervisor_problems": [],
        "metrics": ServiceMetrics(),
        "stopping": False,
    }
    values.update(changes)
    return HealthInputs(**values)  # type: ignore[arg-type]


def test_health_ok_degraded_and_error() -> None:
    assert health_verdict(_inputs()) == ("ok", [])
    status, reasons = health_verdict(_inputs(queue=_queue_health(pending=5000)))
    assert status == "degraded"
    assert "backlog" in reasons[0]
    status, reasons = health_verdict(_inputs(queue=_queue_health(accepting=False)))
    assert status == "error"
    assert "free disk below 256 MiB" in reasons[0]
    crash = ["task uploader restarted 4 times in 300 s (last error: boom)"]
    status, reasons = health_verdict(
        _inputs(supervisor_state=SupervisorState.ERROR, supervisor_problems=crash)
    )
    assert (status, reasons) == ("error", crash)


def test_health_reports_auth_failures_unreachable_server_and_error_rate() -> None:
    metrics = ServiceMetrics()
    for _ in range(10):
        metrics.record_upload(False, 0.1)
    metrics.record_failure_kind(auth=True, unreachable=False, message="401 who?")
    status, reasons = health_verdict(_inputs(metrics=metrics))
    assert status == "degraded"
    assert any(r.startswith("authentication failed") for r in reasons)
    assert any("error rate 100%" in r for r in reasons)
    for _ in range(3):
        metrics.record_failure_kind(auth=False, unreachable=True, message="refused")
    _, reasons = health_verdict(_inputs(metrics=metrics))
    assert any(r.startswith("server unreachable") for r in reasons)
    metrics.record_upload(True, 0.1)
    _, reasons = health_verdict(_inputs(metrics=metrics))
    assert not any("unreachable" in r or "authentication" in r for r in reasons)


def test_prometheus_text() -> None:
    metrics = ServiceMetrics(accepted_total=3, refusals=1)
    metrics.record_upload(True, 0.25)
    metrics.record_upload(False, 0.75)
    text = prometheus_text(metrics, {"queued": 2, "completed": 1}, {"uploader": 0})
    lines = text.splitlines()
    assert "# TYPE pywats_upload_seconds summary" in lines
    assert 'pywats_queue_entries{state="queued"} 2' in lines
    assert 'pywats_uploads_total{outcome="ok"} 1' in lines
    assert 'pywats_uploads_total{outcome="failed"} 1' in lines
    assert "pywats_upload_seconds_sum 1" in lines
    assert "pywats_upload_seconds_count 2" in lines
    assert "pywats_refusals_total 1" in lines
    assert 'pywats_task_restarts_total{task="uploader"} 0' in lines
    assert quantile([1.0, 2.0, 3.0], 0.5) == 2.0
    assert quantile([], 0.9) == 0.0


def test_json_logs_carry_correlation_ids_and_never_the_token() -> None:
    stream = io.StringIO()
    token = "c3RhdGlvbjpzM2NyM3QtcGFzc2NvZGU="  # base64("station:s3cr3t-passcode")
    configure_logging("json", "INFO", stream=stream, secrets=[token])
    try:
        logging.getLogger("pywats_client.test").info(
            "sending with %s and s3cr3t-passcode",
            f"Basic {token}",
            extra={"report_id": "r-1", "correlation_id": "c-1"},
        )
    finally:
        remove_logging()
    entry = json.loads(stream.getvalue())
    assert entry["report_id"] == "r-1"
    assert entry["correlation_id"] == "c-1"
    assert token not in stream.getvalue()
    assert "s3cr3t-passcode" not in stream.getvalue()
    assert entry["message"] == "sending with Basic *** and ***"


def test_plain_logs_tag_the_report() -> None:
    stream = io.StringIO()
    configure_logging("plain", "INFO", stream=stream)
    try:
        logging.getLogger("x").info("uploaded", extra={"report_id": "r-2", "correlation_id": "c"})
    finally:
        remove_logging()
    assert stream.getvalue().rstrip().endswith("uploaded [report_id=r-2 correlation_id=c]")


def test_secret_forms_and_redact() -> None:
    forms = secret_forms("user:password1")
    assert "dXNlcjpwYXNzd29yZDE=" in forms
    assert redact("a user:password1 b", forms) == "a *** b"


def test_clock_skew() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert clock_skew_seconds(datetime(2026, 1, 1, 12, 10), now) == 600.0
    assert clock_skew_warning(299.0) is None
    warning = clock_skew_warning(-600.0)
    assert warning is not None
    assert "600 s behind" in warning
    india_west = timezone(-timedelta(hours=5, minutes=30))
    assert utc_offset_text(datetime(2026, 1, 1, tzinfo=india_west)) == "-05:30:00"


def test_config_merge_and_restart_fields() -> None:
    merged = merge_changes({"limits": {"a": 1, "b": 2}, "x": 1}, {"limits": {"b": 3}})
    assert merged == {"limits": {"a": 1, "b": 3}, "x": 1}
    assert restart_needed(("concurrency", "server_url", "control_api")) == [
        "server_url",
        "control_api",
    ]
