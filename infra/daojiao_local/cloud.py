"""The whole stack of ``template.yaml`` on one machine: moto's Step Functions and Lambda, with
the real handlers running in this process, and DynamoDB from moto or DynamoDB Local.

Why this shape: moto 5.2.5 carries a complete Amazon States Language interpreter but never runs
Lambda code without Docker. Its Docker-less Lambda backend has one method, ``invoke``, that the
interpreter reaches for every Task; replacing that method with one that imports the function's
handler and calls it makes executions run the product's own code, and an error payload carrying
the exception's class name makes Retry and Catch match as they do on AWS. Everything else
(tables, functions, state machine definition, parameters, environment) is read from the
template, so there is no second description of the stack to drift.

Two modes:

* ``start_inprocess()``: ``mock_aws`` intercepts every boto3 call of this process, DynamoDB
  included. For tests: fast, nothing listens on a port, everything vanishes at ``stop()``.
* ``start_server(port, dynamodb_endpoint=...)``: moto's threaded HTTP server in this process
  serves Step Functions, Lambda and IAM; DynamoDB is DynamoDB Local (see ``dynamodb_local``), so
  filed cases survive a restart. Clients anywhere on the machine reach it through the standard
  ``AWS_ENDPOINT_URL_<SERVICE>`` variables, which this class sets for its own process.

moto is pinned exactly in pyproject.toml because this module replaces one of its methods.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import logging
import os
import re
import socket
import sys
import threading
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Self
from unittest.mock import patch

import boto3
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.config import default_user_config
from moto.moto_api._internal.models import moto_api_backend
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from .template import (
    FunctionSpec,
    Resolver,
    StateMachineSpec,
    TemplateError,
    as_environment_value,
    functions,
    load_template,
    resolve_parameters,
    state_machines,
    tables,
)

logger = logging.getLogger(__name__)

MOTO_CONFIG = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
ROLE_NAME = "daojiao-local-execution-role"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
# botocore names these variables after each service's id: Step Functions is "SFN", so
# AWS_ENDPOINT_URL_STEPFUNCTIONS would be silently ignored.
SERVER_SERVICES = ("SFN", "LAMBDA", "IAM")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


class LocalCloudError(RuntimeError):
    """The local cloud cannot deploy or run the template as written; the message says why."""


# --- running handlers in this process ----------------------------------------------------


@dataclass(frozen=True)
class _RegisteredFunction:
    spec: FunctionSpec
    code_dir: Path


# Function name -> what to run. Module level because moto's backend is module level too.
_FUNCTIONS: dict[str, _RegisteredFunction] = {}
_MODULES: dict[Path, ModuleType] = {}
_IMPORT_LOCK = threading.Lock()


class LambdaContext:
    """The attributes of the Lambda Python runtime's context object that handlers read."""

    def __init__(self, function_name: str, invoked_function_arn: str, spec: FunctionSpec):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = spec.memory_size
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{dt.date.today():%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + spec.timeout

    def get_remaining_time_in_millis(self) -> int:
        # NOTE: the Timeout is reported here but not enforced: a thread cannot be stopped from
        # outside in Python, so a handler that runs long simply delays its Task.
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class _HandlerLoadError(Exception):
    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type


def _module_file(registered: _RegisteredFunction) -> Path:
    relative = registered.spec.handler_module.replace(".", "/")
    path = registered.code_dir / f"{relative}.py"
    if not path.exists() and (registered.code_dir / relative / "__init__.py").exists():
        path = registered.code_dir / relative / "__init__.py"
    return path


def _load_handler(registered: _RegisteredFunction) -> Callable[[Any, Any], Any]:
    """Import the handler's file under a name of its own, once.

    Importing by file path under ``daojiao_fn_<LogicalId>`` keeps functions whose module names
    clash apart (the web function's ``app`` is one): a plain ``import app`` would return
    whichever was imported first.
    """
    path = _module_file(registered)
    with _IMPORT_LOCK:
        module = _MODULES.get(path)
        if module is None:
            module = _import_file(registered, path)
            _MODULES[path] = module
    try:
        return getattr(module, registered.spec.handler_attr)
    except AttributeError:
        raise _HandlerLoadError(
            "Runtime.HandlerNotFound",
            f"Handler '{registered.spec.handler_attr}' missing on module "
            f"'{registered.spec.handler_module}'",
        ) from None


def _import_file(registered: _RegisteredFunction, path: Path) -> ModuleType:
    # NOTE: handlers are imported once per process; an edited handler needs a restart.
    if not path.exists():
        raise _HandlerLoadError(
            "Runtime.ImportModuleError",
            f"Unable to import module '{registered.spec.handler_module}': no file {path}",
        )
    name = f"daojiao_fn_{registered.spec.logical_id}"
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "")) != path:
        name = f"{name}_{uuid.uuid4().hex[:8]}"

    # Lambda puts the code folder on sys.path so that a handler can import its siblings.
    # NOTE: here every function's code folder shares one sys.path (appended, so installed
    # packages win), so two folders with a sibling module of the same name would clash.
    code_dir = str(registered.code_dir)
    if code_dir not in sys.path:
        sys.path.append(code_dir)

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise _HandlerLoadError(
            "Runtime.ImportModuleError",
            f"Unable to import module '{registered.spec.handler_module}': "
            f"{type(error).__name__}: {error}",
        ) from error
    return module


def _error_payload(error_type: str, message: str, error: BaseException) -> bytes:
    return json.dumps(
        {
            "errorType": error_type,
            "errorMessage": message,
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
    ).encode()


def _run_handler(
    registered: _RegisteredFunction,
    function_name: str,
    function_arn: str,
    body: Any,
    response_headers: dict[str, str],
) -> bytes:
    """Call the handler as the Lambda runtime would; an exception becomes an error payload."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    event = json.loads(body) if body else {}
    context = LambdaContext(function_name, function_arn, registered.spec)
    try:
        handler = _load_handler(registered)
        result = handler(event, context)
    except _HandlerLoadError as error:
        response_headers["x-amz-function-error"] = "Unhandled"
        return _error_payload(error.error_type, str(error), error)
    except Exception as error:  # noqa: BLE001 - as the Lambda runtime, report any exception
        logger.info("function %s raised %s", function_name, type(error).__name__)
        response_headers["x-amz-function-error"] = "Unhandled"
        return _error_payload(type(error).__name__, str(error), error)
    return json.dumps(result, default=str).encode()


def function_name_of(name_or_arn: str) -> str:
    """``NAME`` from a name, ``NAME:qualifier``, a partial ARN or a full ARN."""
    parts = name_or_arn.split(":")
    if name_or_arn.startswith("arn:") and len(parts) >= 7:
        return parts[6]  # arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    if len(parts) >= 3 and parts[1] == "function":
        return parts[2]  # ACCOUNT:function:NAME[:QUALIFIER]
    return parts[0]


_DYNAMODB_LOCK = threading.RLock()
_DYNAMODB_METHODS = ("transact_write_items", "put_item", "update_item", "delete_item",
                     "get_item", "query", "scan", "batch_write_item", "batch_get_item",
                     "transact_get_items")


def serialise_moto_dynamodb() -> None:
    """Run moto's in-memory DynamoDB one request at a time. Idempotent.

    NOTE: moto's DynamoDB backend is not thread-safe: TransactWriteItems deep-copies a table
    while another thread (a handler on moto's worker thread, the web app) writes to it, and
    fails with "dictionary changed size during iteration". DynamoDB serialises per item; one
    lock for the whole in-memory backend is coarser but right. DynamoDB Local (server mode)
    needs none of this.
    """
    from moto.dynamodb.models import DynamoDBBackend

    for name in _DYNAMODB_METHODS:
        method = getattr(DynamoDBBackend, name)
        if getattr(method, "_serialised", False):
            continue

        def locked(self, *args, __method=method, **kwargs):
            with _DYNAMODB_LOCK:
                return __method(self, *args, **kwargs)

        locked._serialised = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)


def install_lambda_runner() -> None:
    """Make moto's Docker-less Lambda backend run registered handlers in this process.

    Idempotent. Functions this module does not know keep moto's behaviour (echo the input), so
    other tests in the same process that use moto's Lambda are not disturbed.
    """
    original = LambdaSimpleBackend.invoke
    if getattr(original, "_daojiao_runner", False):
        return

    def invoke(
        self: LambdaSimpleBackend,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> str | bytes | None:
        name = function_name_of(function_name)
        registered = _FUNCTIONS.get(name)
        if registered is None:
            return original(self, function_name, qualifier, body, headers, response_headers)
        function = self.get_function(name, qualifier)  # unknown -> moto's 404, as on AWS
        if headers.get("X-Amz-Invocation-Type") == "Event":
            # NOTE: asynchronous invocations run on a plain thread: no retries, no DLQ.
            worker = threading.Thread(
                target=_run_handler,
                args=(registered, name, function.function_arn, body, {}),
                daemon=True,
            )
            worker.start()
            return b""
        return _run_handler(registered, name, function.function_arn, body, response_headers)

    invoke._daojiao_runner = True  # type: ignore[attr-defined]
    LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]


# --- the deployment ----------------------------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    """Names and ARNs of what ``deploy()`` created, and the values it used."""

    table_names: dict[str, str]  # logical id -> table name
    state_machine_arns: dict[str, str]  # logical id -> ARN
    function_arns: dict[str, str]  # logical id -> ARN
    parameters: dict[str, str]
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def table_name(self) -> str:
        """The table's name, for a template with exactly one table."""
        return _only(self.table_names, "table")

    @property
    def state_machine_arn(self) -> str:
        """The state machine's ARN, for a template with exactly one state machine."""
        return _only(self.state_machine_arns, "state machine")


def _only(values: Mapping[str, str], what: str) -> str:
    if len(values) != 1:
        raise LocalCloudError(f"the template has {len(values)} of {what}, not exactly one")
    return next(iter(values.values()))


def _dummy_zip() -> bytes:
    """moto needs some code for create_function; the real code is run from the work tree."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "Run from the work tree by daojiao_local.\n")
    return buffer.getvalue()


class LocalCloud:
    """Deploys ``<repo_root>/template.yaml`` into moto and runs its handlers in this process."""

    def __init__(
        self,
        repo_root: Path,
        region: str = "us-east-1",
        parameter_overrides: dict[str, str] | None = None,
    ) -> None:
        self.repo_root = Path(repo_root).resolve()
        self.region = region
        self.parameter_overrides = dict(parameter_overrides or {})
        self.template = load_template(self.repo_root / "template.yaml")
        self.endpoint_url: str | None = None
        self.deployment: Deployment | None = None
        self._saved_env: dict[str, str | None] = {}
        self._mock: Any = None
        self._config_patch: Any = None
        self._server: ThreadedMotoServer | None = None
        self._registered: list[str] = []

    # -- environment ----------------------------------------------------------------------

    def _setenv(self, name: str, value: str | None) -> None:
        """Set (or with None remove) a variable, remembering its first value for stop()."""
        if name not in self._saved_env:
            self._saved_env[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def _restore_env(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()

    def _set_account_env(self) -> None:
        # Fake credentials, and no profile: a developer's AWS_PROFILE must never be used (or,
        # naming a profile absent here, make every client fail).
        for name, value in FAKE_CREDENTIALS.items():
            self._setenv(name, value)
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            self._setenv(name, None)
        self._setenv("AWS_DEFAULT_REGION", self.region)
        self._setenv("AWS_REGION", self.region)

    # -- starting and stopping ------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._mock is not None or self._server is not None

    def start_inprocess(self) -> Self:
        """Intercept this process's AWS calls with ``mock_aws`` (DynamoDB included). For tests."""
        self._refuse_if_running()
        # A custom endpoint would take the calls past moto's interception to a real socket.
        for name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
            self._setenv(name, None)
        self._set_account_env()
        self._mock = mock_aws(config=MOTO_CONFIG)  # type: ignore[arg-type]
        self._mock.start()
        serialise_moto_dynamodb()
        install_lambda_runner()
        return self

    def start_server(self, port: int, dynamodb_endpoint: str | None = None) -> Self:
        """Serve Step Functions, Lambda and IAM over HTTP on 127.0.0.1:``port`` from this process.

        ``dynamodb_endpoint`` is DynamoDB Local's URL. Without it moto serves DynamoDB as well,
        in memory only.
        """
        self._refuse_if_running()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # ThreadedMotoServer would wait forever for a server that failed to bind.
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise LocalCloudError(f"port {port} is already in use")

        self._set_account_env()
        # What a POST to /moto-api/config does, undone at stop() as mock_aws undoes its own.
        self._config_patch = patch.dict(default_user_config, MOTO_CONFIG)
        self._config_patch.start()
        moto_api_backend.reset()  # every start is a fresh cloud, whatever ran before
        # moto's server is werkzeug's; left alone, werkzeug logs every call the interpreter
        # makes at INFO. Keep warnings, unless the caller chose a level for it.
        werkzeug_logger = logging.getLogger("werkzeug")
        if werkzeug_logger.level == logging.NOTSET:
            werkzeug_logger.setLevel(logging.WARNING)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        try:
            server.start()
        except BaseException:
            self.stop()
            raise
        self._server = server
        self.endpoint_url = f"http://127.0.0.1:{port}"

        # The interpreter inside moto calls Lambda at http://localhost:$MOTO_PORT.
        self._setenv("MOTO_PORT", str(port))
        for service in SERVER_SERVICES:
            self._setenv(f"AWS_ENDPOINT_URL_{service}", self.endpoint_url)
        self._setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint or self.endpoint_url)
        # NOTE: a state machine's direct service integrations (arn:aws:states:::dynamodb:*)
        # still reach moto's own DynamoDB, not DynamoDB Local: moto pins the interpreter's
        # clients to its own endpoint. The product's state machines only invoke functions.
        install_lambda_runner()
        return self

    def _refuse_if_running(self) -> None:
        if self.running:
            raise LocalCloudError("this LocalCloud is already started; stop() it first")

    def stop(self) -> None:
        """Stop moto, forget this cloud's functions and restore the environment. Idempotent."""
        # NOTE: executions live in moto's memory only; one still running (waiting for a task
        # token, say) is lost here, while what its handlers wrote to DynamoDB Local stays.
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        if self._config_patch is not None:
            self._config_patch.stop()
            self._config_patch = None
        for name in self._registered:
            _FUNCTIONS.pop(name, None)
        self._registered.clear()
        self._restore_env()
        self.endpoint_url = None

    def __enter__(self) -> Self:
        if not self.running:
            self.start_inprocess()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback_: TracebackType | None,
    ) -> None:
        self.stop()

    # -- deploying ------------------------------------------------------------------------

    def client(self, service: str) -> Any:
        """A boto3 client for this cloud (the endpoint comes from the variables set at start)."""
        return boto3.session.Session(region_name=self.region).client(service)

    def deploy(self) -> Deployment:
        """Create (or bring up to date) every table, function and state machine of the template.

        Safe to run again: existing tables are kept with their data, state machines are
        updated in place.
        """
        if not self.running:
            raise LocalCloudError("start_inprocess() or start_server() before deploy()")
        parameter_values = resolve_parameters(self.template, self.parameter_overrides)
        refs: dict[str, str] = dict(parameter_values)
        attributes: dict[tuple[str, str], str] = {}

        role_arn = self._ensure_role()
        resolver = Resolver(
            refs=refs,
            attributes=attributes,
            region=self.region,
            account_id=role_arn.split(":")[4],
            conditions=self.template.get("Conditions") or {},
        )

        table_names: dict[str, str] = {}
        for logical_id, properties in tables(self.template).items():
            name = str(resolver(properties.get("TableName", logical_id)))
            arn = self._ensure_table(name, properties, resolver)
            table_names[logical_id] = refs[logical_id] = name
            attributes[(logical_id, "Arn")] = arn

        function_arns = self._ensure_functions(role_arn, refs, attributes)

        state_machine_arns: dict[str, str] = {}
        for logical_id, machine in state_machines(self.template).items():
            name = str(resolver(machine.name))
            arn = self._ensure_state_machine(name, machine, role_arn, resolver)
            state_machine_arns[logical_id] = refs[logical_id] = arn
            attributes[(logical_id, "Arn")] = arn
            attributes[(logical_id, "Name")] = name

        environment = self._export_environment(resolver)
        self.deployment = Deployment(
            table_names=table_names,
            state_machine_arns=state_machine_arns,
            function_arns=function_arns,
            parameters=parameter_values,
            environment=environment,
        )
        return self.deployment

    def _ensure_role(self) -> str:
        iam = self.client("iam")
        try:
            role = iam.create_role(
                RoleName=ROLE_NAME,
                AssumeRolePolicyDocument=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {
                                    "Service": ["lambda.amazonaws.com", "states.amazonaws.com"]
                                },
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                ),
            )
        except iam.exceptions.EntityAlreadyExistsException:
            role = iam.get_role(RoleName=ROLE_NAME)
        return role["Role"]["Arn"]

    def _ensure_table(self, name: str, properties: dict[str, Any], resolver: Resolver) -> str:
        """Create the table as the template declares it, or check the existing one matches.

        An existing table keeps its data (DynamoDB Local's file outlives restarts); an index
        the template gained since is added, a changed key schema is refused.
        """
        dynamodb = self.client("dynamodb")
        # NOTE: properties with no local meaning (PointInTimeRecoverySpecification,
        # SSESpecification, Tags, DeletionProtectionEnabled, ...) are skipped.
        wanted = {
            key: resolver(properties[key])
            for key in (
                "AttributeDefinitions",
                "KeySchema",
                "GlobalSecondaryIndexes",
                "LocalSecondaryIndexes",
                "BillingMode",
                "ProvisionedThroughput",
                "StreamSpecification",
            )
            if key in properties
        }
        if "StreamSpecification" in wanted:
            wanted["StreamSpecification"] = {"StreamEnabled": True, **wanted["StreamSpecification"]}

        try:
            table = dynamodb.describe_table(TableName=name)["Table"]
        except dynamodb.exceptions.ResourceNotFoundException:
            dynamodb.create_table(TableName=name, **wanted)
            ttl = properties.get("TimeToLiveSpecification")
            if ttl is not None:
                dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=resolver(ttl))
            return self._wait_for_table(name)

        if table["KeySchema"] != wanted.get("KeySchema"):
            raise LocalCloudError(
                f"table {name} exists with key schema {table['KeySchema']}, but the template "
                f"says {wanted.get('KeySchema')}: delete the local data folder to recreate it"
            )
        present = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
        for index in wanted.get("GlobalSecondaryIndexes", []):
            if index["IndexName"] not in present:
                # DynamoDB accepts one new index per UpdateTable call.
                logger.info("adding index %s to existing table %s", index["IndexName"], name)
                dynamodb.update_table(
                    TableName=name,
                    AttributeDefinitions=wanted["AttributeDefinitions"],
                    GlobalSecondaryIndexUpdates=[{"Create": index}],
                )
                self._wait_for_table(name)
        return table["TableArn"]

    def _wait_for_table(self, name: str, timeout: float = 30.0) -> str:
        dynamodb = self.client("dynamodb")
        deadline = time.monotonic() + timeout
        while True:
            table = dynamodb.describe_table(TableName=name)["Table"]
            statuses = [table["TableStatus"]] + [
                index.get("IndexStatus", "ACTIVE")
                for index in table.get("GlobalSecondaryIndexes", [])
            ]
            if all(status == "ACTIVE" for status in statuses):
                return table["TableArn"]
            if time.monotonic() > deadline:
                raise LocalCloudError(f"table {name} is not ACTIVE after {timeout} s: {statuses}")
            time.sleep(0.2)

    def _ensure_functions(
        self,
        role_arn: str,
        refs: dict[str, str],
        attributes: dict[tuple[str, str], str],
    ) -> dict[str, str]:
        """Create each function in moto's Lambda (name = logical id) and register its handler."""
        lambda_ = self.client("lambda")
        arns: dict[str, str] = {}
        for logical_id, spec in functions(self.template).items():
            try:
                configuration = lambda_.get_function(FunctionName=logical_id)["Configuration"]
            except lambda_.exceptions.ResourceNotFoundException:
                configuration = lambda_.create_function(
                    FunctionName=logical_id,
                    Runtime=spec.runtime,
                    Role=role_arn,
                    Handler=f"{spec.handler_module}.{spec.handler_attr}",
                    Code={"ZipFile": _dummy_zip()},
                    Timeout=spec.timeout,
                    MemorySize=spec.memory_size,
                )
            arns[logical_id] = attributes[(logical_id, "Arn")] = configuration["FunctionArn"]
            refs[logical_id] = logical_id
            _FUNCTIONS[logical_id] = _RegisteredFunction(
                spec=spec, code_dir=(self.repo_root / spec.code_uri).resolve()
            )
            if logical_id not in self._registered:
                self._registered.append(logical_id)
        return arns

    def definition(self, machine: StateMachineSpec, resolver: Resolver) -> str:
        """The state machine's ASL with every ``${Key}`` of DefinitionSubstitutions replaced."""
        if machine.definition_uri is not None:
            path = self.repo_root / machine.definition_uri
            if not path.exists():
                raise LocalCloudError(f"{machine.logical_id}: DefinitionUri {path} does not exist")
            text = path.read_text(encoding="utf-8")
        else:
            text = json.dumps(machine.definition)

        values: dict[str, str] = {}
        for key, raw in machine.definition_substitutions.items():
            try:
                values[key] = as_environment_value(resolver(raw))
            except TemplateError as error:
                raise LocalCloudError(
                    f"{machine.logical_id}: DefinitionSubstitutions {key}: {error}"
                ) from error

        missing: set[str] = set()

        def substitute(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in values:
                missing.add(key)
                return match.group(0)
            return values[key]

        text = _PLACEHOLDER.sub(substitute, text)
        if missing:
            raise LocalCloudError(
                f"{machine.logical_id}: the definition uses {sorted(missing)}, which "
                "DefinitionSubstitutions does not give"
            )
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            raise LocalCloudError(
                f"{machine.logical_id}: the substituted definition is not JSON: {error}"
            ) from error
        return text

    def _ensure_state_machine(
        self, name: str, machine: StateMachineSpec, role_arn: str, resolver: Resolver
    ) -> str:
        stepfunctions = self.client("stepfunctions")
        definition = self.definition(machine, resolver)
        for page in stepfunctions.get_paginator("list_state_machines").paginate():
            for existing in page["stateMachines"]:
                if existing["name"] == name:
                    stepfunctions.update_state_machine(
                        stateMachineArn=existing["stateMachineArn"],
                        definition=definition,
                        roleArn=role_arn,
                    )
                    return existing["stateMachineArn"]
        created = stepfunctions.create_state_machine(
            name=name, definition=definition, roleArn=role_arn, type=machine.type
        )
        return created["stateMachineArn"]

    def _export_environment(self, resolver: Resolver) -> dict[str, str]:
        """Put every function's environment into this process's environment, once.

        The web app runs in this process too, so it finds STATE_MACHINE_ARN and TABLE_NAME
        where it would on Lambda.
        """
        # NOTE: per-function environment is not isolated. Handlers run on moto's shared worker
        # threads (Parallel and Map branches at the same time) and os.environ is one per
        # process, so all step functions, and the web function, share one environment here.
        # A variable that two functions set to different values is refused rather than one
        # value silently winning.
        environment: dict[str, str] = {}
        given_by: dict[str, str] = {}
        for logical_id, spec in functions(self.template, resolver).items():
            for name, value in spec.environment.items():
                if name in environment and environment[name] != value:
                    raise LocalCloudError(
                        f"{name} is {environment[name]!r} for {given_by[name]} but {value!r} "
                        f"for {logical_id}; functions share one environment locally"
                    )
                environment[name] = value
                given_by[name] = logical_id
        # A dynamic reference ({{resolve:secretsmanager:…}}) has no local value: the variable
        # is left unset, and whoever runs the product locally provides it (serve.py does).
        environment = {name: value for name, value in environment.items()
                       if not value.startswith("{{resolve:")}
        for name, value in environment.items():
            self._setenv(name, value)
        return environment
