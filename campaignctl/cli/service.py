"""`run`: the scheduler service (see scheduler.py).

Logging is set up here, not in the library: one JSON object per line on stderr, each with
ts, level, node, event and the event's fields (campaign, post, channel, outcome, url,
reason, next_due, ...). Library records never carry secrets; the formatter only copies the
fields it is given.
"""

from typing import Annotated, Optional

import typer

from ._common import SandboxAtOpt, SandboxOpt, find_workspace, now


def _json_logging() -> None:
    """Send campaignctl's log records to stderr as JSON lines."""
    import json
    import logging
    import sys
    from datetime import datetime, timezone

    standard = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message",
                                                                              "asctime"}

    class JsonLines(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            out = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
                   "level": record.levelname.lower()}
            extra = {k: v for k, v in vars(record).items() if k not in standard}
            out["node"] = extra.pop("node", None)
            out["event"] = extra.pop("event", None) or record.getMessage()
            out.update(extra)
            if record.exc_info and record.exc_info[0] is not None:
                out["error"] = f"{record.exc_info[0].__name__}: {record.exc_info[1]}"[:500]
            return json.dumps(out, ensure_ascii=False, default=str)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("campaignctl")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    # APScheduler's own chatter ("Added job", "Running job") would double every line.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("apscheduler").addHandler(handler)


def run(
    sandbox: SandboxOpt = False,
    sandbox_url: SandboxAtOpt = None,
    node: Annotated[Optional[str], typer.Option(
        "--node", help="This node's name when several share one ledger (default: host name).")
    ] = None,
    once: Annotated[bool, typer.Option(
        "--once", help="One pass, then exit (1 if anything failed, like publish).")] = False,
    poll_interval: Annotated[float, typer.Option(
        "--poll-interval", min=0.1, help="Seconds between checks for edited campaign files.")
    ] = 2.0,
    safety_interval: Annotated[float, typer.Option(
        "--safety-interval", min=0.5,
        help="Seconds between safety passes (clock jumps, a dead node's leftovers).")] = 60.0,
    heartbeat_interval: Annotated[float, typer.Option(
        "--heartbeat-interval", min=0.5, help="Seconds between heartbeats in the ledger.")
    ] = 5.0,
    stop_timeout: Annotated[float, typer.Option(
        "--stop-timeout", min=0, help="Seconds a stop waits for in-flight sends.")] = 60.0,
) -> None:
    """Run the scheduler: publish each occurrence as it falls due, until SIGTERM or Ctrl-C."""
    import os
    import signal
    import sys
    import threading

    from ..scheduler import Service, ServiceOptions, default_node

    _json_logging()
    clock = now  # CAMPAIGNCTL_NOW pins the instant (rehearsals, tests of --once)
    options = ServiceOptions(node=node or default_node(), sandbox=sandbox or bool(sandbox_url),
                             sandbox_url=sandbox_url, poll_seconds=poll_interval,
                             safety_seconds=safety_interval,
                             heartbeat_seconds=heartbeat_interval, stop_timeout=stop_timeout)
    service = Service(find_workspace(), options, clock=clock)
    stop = threading.Event()

    def on_stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda _s, _f: service.request_reload())

    service.start(run_scheduler=not once)
    if not once:
        while not stop.wait(0.2):
            if service.take_reload_request():
                service.reload("sighup")
    finished = service.stop()
    if once and finished and not service.last_ok:
        raise typer.Exit(1)  # like `publish`: something failed or is left unknown
    if not finished:
        # A pass is still sending: leave its claims for reconcile rather than hang the stop.
        sys.stderr.flush()
        os._exit(0)


def register(app: typer.Typer) -> None:
    app.command()(run)
