"""`daojiao serve`: the whole product on one machine, from template.yaml, the state machines and
the handlers, with no AWS account and no Docker.

DynamoDB Local keeps every case on disk under the data folder; moto runs the state machine and
the handlers in this process; chalice's local server serves the web app. Stopping (even
killing) and starting again loses no case: open cases whose executions were lost with the old
process are resumed at the state their events say.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import signal
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from chalice.config import Config
from chalice.local import create_local_server

from .cloud import LocalCloud
from .dynamodb_local import DynamoDBLocal

REPO = Path(__file__).resolve().parents[2]
FAST_PERIODS = {"MediatorAcceptancePeriod": "120s", "MediationPeriod": "300s",
                "PartyAnswerPeriod": "300s", "SigningPeriod": "300s",
                "CourtDecisionPeriod": "300s", "DocketPeriod": "300s"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_secret(data_dir: Path) -> str:
    """This installation's cookie-signing secret, made once and kept beside its data."""
    path = data_dir / "session-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_web_app():
    spec = importlib.util.spec_from_file_location("daojiao_web_app", REPO / "web" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def seed_demo_standards(platform) -> None:
    """The local demo's standards: published figures plus sample wage and meal figures, kept
    apart from the shipped data so that nothing official is guessed."""
    from daojiao.cli_calc import parse_standards

    catalog = platform.standards()
    for standard in parse_standards(json.loads(
            (REPO / "infra" / "seed" / "standards-demo.json").read_text("utf-8"))):
        if catalog.get(standard.region, standard.year) is None or (
                catalog.get(standard.region, standard.year).figure("meal_allowance") is None):
            catalog.put(standard)


@dataclass
class LocalProduct:
    """A running local product; `url` is where to open it."""

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = REPO / ".local"
    periods: dict[str, str] | None = None
    dynamodb_port: int | None = None

    def start(self) -> LocalProduct:
        from daojiao import lambda_support, web_support
        from daojiao.platform import Platform
        from daojiao.seed import seed_reference_data

        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["SESSION_SECRET"] = session_secret(self.data_dir)
        self.dynamodb = DynamoDBLocal(self.data_dir / "dynamodb",
                                      port=self.dynamodb_port or free_port()).start()
        self.cloud = LocalCloud(REPO, parameter_overrides=self.periods or {})
        self.cloud.start_server(free_port(), dynamodb_endpoint=self.dynamodb.endpoint)
        deployment = self.cloud.deploy()
        lambda_support.platform.cache_clear()
        web_support.platform.cache_clear()
        self.platform = Platform(deployment.table_name, deployment.state_machine_arn)
        seed_reference_data(self.platform.store)
        seed_demo_standards(self.platform)
        self.resumed = self.platform.resume_lost_cases()
        self.web = create_local_server(load_web_app(), Config(), self.host, self.port)
        # The server itself, not LocalDevServer.serve_forever, which prints over our banner.
        self.thread = threading.Thread(target=self.web.server.serve_forever, daemon=True)
        self.thread.start()
        (self.data_dir / "runtime.json").write_text(json.dumps({
            "url": self.url, "dynamodb_endpoint": self.dynamodb.endpoint,
            "table_name": deployment.table_name,
            "state_machine_arn": deployment.state_machine_arn, "pid": os.getpid()}))
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def stop(self) -> None:
        for stop in (lambda: self.web.shutdown(), self.cloud.stop, self.dynamodb.stop):
            with contextlib.suppress(Exception):  # stop everything that can be stopped
                stop()


def serve(host: str, port: int, data_dir: Path, fast: bool) -> int:
    from daojiao.seed import demo_accounts

    product = LocalProduct(host, port, data_dir, FAST_PERIODS if fast else None).start()
    print(f"\n  道交纠纷一体化处理平台 · daojiao is running: open {product.url}\n")
    if product.resumed:
        print(f"  resumed {len(product.resumed)} open case(s) where they stood\n")
    print("  Demo sign-in accounts (password for all: demo1234):")
    for account in demo_accounts():
        print(f"    {account['username']:<18} {account['role']:<9} {account['display_name']}")
    print("\n  Cases are kept in", data_dir, "— stop with Ctrl-C.", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    product.stop()
    return 0
