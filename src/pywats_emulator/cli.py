"""``pywats-emulator``: run the WATS emulator in the foreground until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace

from pywats.exceptions import ConfigurationError

from .app import create_app
from .config import DEFAULT_TOKEN, EmulatorConfig
from .connections import protocol_base
from .demo import demo_uut
from .faults import FaultKind, FaultRule, parse_fault_spec
from .reportstore import save_report
from .server import base_url_of, bind_socket, make_server
from .state import EmulatorState
from .submission import check_wsjf


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="pywats-emulator", description="A local WATS-compatible HTTP server."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8040, help="TCP port, 0 = any free port")
    parser.add_argument("--db", default=":memory:", help="SQLite file, or :memory:")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="API token after 'Basic '")
    parser.add_argument("--registration-token", help="raw token for Client/Register")
    parser.add_argument(
        "--user", action="append", default=[], metavar="NAME:PASSWORD",
        help="accept Basic base64(NAME:PASSWORD) (repeatable; default emulator:emulator)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="fault-injection random seed")
    parser.add_argument(
        "--loop-counters", choices=("strict", "export", "either"), default="either",
        help="loop num/endingIndex rule on submit (strict = server 2026.1)",
    )  # fmt: skip
    parser.add_argument(
        "--check-repair-types", action="store_true",
        help="reject repair reports whose fail codes or misc infos the repair type lacks",
    )  # fmt: skip
    parser.add_argument(
        "--demo-reports", type=int, default=0, metavar="N",
        help="store N demo test reports when the database has none",
    )  # fmt: skip
    faults = parser.add_argument_group("fault injection")
    faults.add_argument(
        "--fault", action="append", default=[], metavar="KIND[:key=value,...]",
        help="a fault rule, e.g. error:p=0.2,status=503,path=/api/report (repeatable); "
        "kinds: " + ", ".join(k.value for k in FaultKind),
    )  # fmt: skip
    faults.add_argument("--latency", type=float, help="seconds added to every request")
    faults.add_argument("--error-rate", type=float, help="probability of a 500 answer")
    faults.add_argument("--fault-path", default="", help="path prefix for --latency/--error-rate")
    parser.add_argument("--log-level", default="warning", help="uvicorn log level")
    parser.add_argument(
        "--http", choices=("auto", "h11", "httptools"), default="auto",
        help="HTTP/1.1 parser (auto: httptools when installed, else h11)",
    )  # fmt: skip
    return parser


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """Validate the parsed arguments into a configuration (``ConfigurationError`` if bad)."""
    rules = [parse_fault_spec(spec) for spec in args.fault]
    if args.latency:
        rules.append(FaultRule(FaultKind.LATENCY, path=args.fault_path, delay=args.latency))
    if args.error_rate:
        rules.append(FaultRule(FaultKind.ERROR, path=args.fault_path, probability=args.error_rate))
    users = {}
    for pair in args.user:
        name, sep, password = pair.partition(":")
        if not sep or not name:
            raise ConfigurationError(f"--user expects NAME:PASSWORD, got {pair!r}")
        users[name] = password
    if not 0 <= args.port <= 65535:
        raise ConfigurationError(f"--port must be 0..65535, got {args.port}")
    if not args.token:
        raise ConfigurationError("--token must not be empty")
    config = EmulatorConfig(
        host=args.host, port=args.port, db=args.db, token=args.token,
        registration_token=args.registration_token, seed=args.seed, faults=tuple(rules),
        loop_counters=args.loop_counters, check_repair_types=args.check_repair_types,
    )  # fmt: skip
    return replace(config, users=users) if users else config


def store_demo_reports(state: EmulatorState, count: int) -> int:
    """Store ``count`` demo reports into an empty database; returns how many were stored."""
    existing = state.store.query_one("SELECT COUNT(*) FROM reports")
    if count <= 0 or (existing is not None and existing[0] > 0):
        return 0
    for number in range(1, count + 1):
        body = json.dumps(demo_uut(number, failing_step=2 if number % 5 == 0 else None))
        report = check_wsjf(body)
        save_report(state.store, report, body, origin="demo", received_at=state.now_iso())
    return count


def _ignore_signal(signum: int, frame: object) -> None:
    # uvicorn re-raises the signal that stopped it once it has shut down; with this handler
    # in place that re-raise is a no-op and the process exits 0.
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
        protocol_base(args.http)  # an unavailable parser is a configuration error
        app = create_app(config)
        sock = bind_socket(config.host, config.port)
    except (ConfigurationError, OSError) as exc:
        print(f"pywats-emulator: {exc}", file=sys.stderr)
        return 2
    state: EmulatorState = app.state.emulator
    stored = store_demo_reports(state, args.demo_reports)
    print(f"pywats-emulator listening on {base_url_of(sock)}", flush=True)
    print(f"token: {config.token}", flush=True)
    if stored:
        print(f"stored {stored} demo report(s)", flush=True)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _ignore_signal)
    server = make_server(app, config.host, sock, args.log_level, args.http)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    print("pywats-emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
