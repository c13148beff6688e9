"""The local cloud deploys template.yaml as written and runs the real handlers.

Three promises are checked here: the template is read as CloudFormation reads it; a state
machine deployed locally runs the handlers' own code, with Retry and Catch matching the Python
exception's class name as on AWS; and DynamoDB Local keeps what was written through a stop, a
``kill -9`` of Java and a ``kill -9`` of the process that started it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import boto3
import pytest
from daojiao_local import (
    DynamoDBLocal,
    DynamoDBLocalError,
    LocalCloud,
    LocalCloudError,
    Resolver,
    TemplateError,
    functions,
    load_template,
    parameters,
    resolve_parameters,
    state_machines,
    tables,
)
from daojiao_local.dynamodb_local import find_jar

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"

needs_java = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="java is not installed (scripts/setup installs default-jre-headless)",
)

# --- a tiny stack: two functions, a table and a state machine ------------------------------

TINY_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Label:
    Type: String
    Default: filed
Globals:
  Function:
    Runtime: python3.11
    Timeout: 10
    CodeUri: functions/
    Environment:
      Variables:
        TABLE_NAME: !Ref CasesTable
Resources:
  CasesTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
  CheckFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: check.handler
  RecordFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: record.handler
  CaseFlow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: tiny-case-flow
      DefinitionUri: statemachines/flow.asl.json
      DefinitionSubstitutions:
        CheckArn: !GetAtt CheckFunction.Arn
        RecordArn: !GetAtt [RecordFunction, Arn]
        Label: !Ref Label
"""

TINY_DEFINITION = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Task",
            "Resource": "${CheckArn}",
            "Retry": [
                {
                    "ErrorEquals": ["TransientGlitch"],
                    "IntervalSeconds": 1,
                    "MaxAttempts": 2,
                    "BackoffRate": 1.0,
                }
            ],
            "Catch": [
                {"ErrorEquals": ["PoliceRecordMissing"], "ResultPath": "$.failure", "Next": "Flag"}
            ],
            "Next": "Record",
        },
        "Record": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {
                "FunctionName": "${RecordArn}",
                "Payload": {
                    "case_id.$": "$.case_id",
                    "attempts.$": "$.attempts",
                    "label": "${Label}",
                },
            },
            "OutputPath": "$.Payload",
            "End": True,
        },
        "Flag": {"Type": "Pass", "End": True},
    },
}

CHECK_PY = '''\
"""Fails once with a retryable error, or for good when told to."""

ATTEMPTS: dict[str, int] = {}


class TransientGlitch(Exception):
    """Worth another try."""


class PoliceRecordMissing(Exception):
    """The case cannot go on without the police record."""


def handler(event, context):
    case_id = event["case_id"]
    ATTEMPTS[case_id] = ATTEMPTS.get(case_id, 0) + 1
    if event.get("behaviour") == "missing_record":
        raise PoliceRecordMissing(f"no police record for {case_id}")
    if event.get("behaviour") == "broken":
        raise ValueError("unreadable claim")
    if ATTEMPTS[case_id] == 1:
        raise TransientGlitch("the first attempt always fails")
    return {"case_id": case_id, "attempts": ATTEMPTS[case_id]}
'''

RECORD_PY = '''\
"""Writes the case to the table named by the template's environment."""

import os

import boto3


def handler(event, context):
    table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    table.put_item(Item={"pk": event["case_id"], "label": event["label"]})
    return {
        **event,
        "function_name": context.function_name,
        "invoked_function_arn": context.invoked_function_arn,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }
'''


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(TINY_TEMPLATE)
    (tmp_path / "statemachines").mkdir()
    (tmp_path / "statemachines" / "flow.asl.json").write_text(json.dumps(TINY_DEFINITION))
    (tmp_path / "functions").mkdir()
    (tmp_path / "functions" / "check.py").write_text(CHECK_PY)
    (tmp_path / "functions" / "record.py").write_text(RECORD_PY)
    return tmp_path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_to_end(state_machine_arn: str, name: str, payload: dict, timeout: float = 30.0) -> dict:
    stepfunctions = boto3.client("stepfunctions")
    execution_arn = stepfunctions.start_execution(
        stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload)
    )["executionArn"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = stepfunctions.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError(f"execution {name} still RUNNING after {timeout} s")


# --- (a) reading the template --------------------------------------------------------------


def test_short_form_tags_read_as_their_long_forms(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            AWSTemplateFormatVersion: 2010-09-09
            Resources:
              Thing:
                Type: Custom::Thing
                Properties:
                  A: !Ref Table
                  B: !GetAtt Fn.Arn
                  C: !GetAtt [Fn, Arn]
                  D: !Sub "${AWS::Region}-${Table}"
                  E: !If [IsProd, !Ref Big, !Ref AWS::NoValue]
                  F: !Join ["-", [a, !Ref Table]]
                  G: !Equals [!Ref Stage, prod]
                  H: !GetAtt Api.Outputs.Url
            """
        )
    )

    template = load_template(path)

    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert template["Resources"]["Thing"]["Properties"] == {
        "A": {"Ref": "Table"},
        "B": {"Fn::GetAtt": ["Fn", "Arn"]},
        "C": {"Fn::GetAtt": ["Fn", "Arn"]},
        "D": {"Fn::Sub": "${AWS::Region}-${Table}"},
        "E": {"Fn::If": ["IsProd", {"Ref": "Big"}, {"Ref": "AWS::NoValue"}]},
        "F": {"Fn::Join": ["-", ["a", {"Ref": "Table"}]]},
        "G": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "H": {"Fn::GetAtt": ["Api", "Outputs.Url"]},
    }


def test_resolver_evaluates_intrinsics_and_refuses_unknown_names() -> None:
    resolver = Resolver(
        refs={"Table": "CasesTable", "Stage": "prod"},
        attributes={("Fn", "Arn"): "arn:fn"},
        region="ap-east-1",
        conditions={"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
    )

    assert resolver({"Fn::Sub": "${AWS::Region}-${Table}-${Fn.Arn}-${!Literal}"}) == (
        "ap-east-1-CasesTable-arn:fn-${Literal}"
    )
    assert resolver({"Fn::If": ["IsProd", "big", "small"]}) == "big"
    assert resolver({"K": {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, 1]}}) == {}
    assert resolver({"Fn::Join": ["/", ["a", {"Ref": "Table"}]]}) == "a/CasesTable"
    with pytest.raises(TemplateError, match="Ref 'Nowhere'"):
        resolver({"Ref": "Nowhere"})
    with pytest.raises(TemplateError, match="Fn.Name"):
        resolver({"Fn::GetAtt": ["Fn", "Name"]})


def test_the_product_template_functions_take_globals_and_their_own_settings() -> None:
    template = load_template(REPO / "template.yaml")
    values = resolve_parameters(template)
    resolver = Resolver(
        refs={**values, "CasesTable": "CasesTable", "CaseWorkflow": "arn:workflow"},
    )

    specs = functions(template, resolver)

    intake = specs["IntakeCheckFunction"]
    assert (intake.handler_module, intake.handler_attr) == ("intake_check", "handler")
    assert intake.code_uri == "functions/"
    assert (intake.timeout, intake.memory_size, intake.runtime) == (30, 512, "python3.11")
    assert intake.environment["TABLE_NAME"] == "CasesTable"
    assert intake.environment["POWERTOOLS_LOG_LEVEL"] == "INFO"
    web = specs["WebFunction"]
    assert (web.code_uri, web.handler_module, web.handler_attr) == ("web/", "app", "app")
    assert web.environment["STATE_MACHINE_ARN"] == "arn:workflow"
    assert web.environment["TABLE_NAME"] == "CasesTable"
    step_functions = {
        "IntakeCheckFunction", "AttachPoliceRecordFunction", "AssessCompensationFunction",
        "AssignMediatorFunction", "OpenPeriodFunction", "AwaitDecisionFunction",
        "RenderAgreementFunction", "ApplyForConfirmationFunction", "PayClaimsFunction",
        "TransferToLitigationFunction", "CloseCaseFunction", "RecordFailureFunction",
    }  # fmt: skip
    assert step_functions <= set(specs)


def test_the_product_template_table_and_state_machine_are_read_as_declared() -> None:
    template = load_template(REPO / "template.yaml")

    table = tables(template)["CasesTable"]
    machine = state_machines(template)["CaseWorkflow"]

    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} >= {
        "by_status",
        "by_actor",
    }
    assert machine.name == "daojiao-case-workflow"
    assert machine.definition_uri == "statemachines/case_workflow.asl.json"
    substitutions = machine.definition_substitutions
    assert substitutions["IntakeCheckArn"] == {"Fn::GetAtt": ["IntakeCheckFunction", "Arn"]}
    assert substitutions["MediationPeriod"] == {"Ref": "MediationPeriod"}


def test_parameters_take_defaults_and_overrides_are_checked() -> None:
    template = load_template(REPO / "template.yaml")

    assert parameters(template)["MediationPeriod"] == "30d"
    assert resolve_parameters(template, {"MediationPeriod": "5s"})["MediationPeriod"] == "5s"
    assert resolve_parameters(template)["LogLevel"] == "INFO"
    with pytest.raises(TemplateError, match="not one of"):
        resolve_parameters(template, {"LogLevel": "LOUD"})
    with pytest.raises(TemplateError, match="NoSuchParameter"):
        resolve_parameters(template, {"NoSuchParameter": "1"})


def test_the_product_template_deploys_with_every_substitution_resolved(tmp_path: Path) -> None:
    # The product's own ASL is someone else's work in progress: stand in a Pass state that
    # echoes every substitution, so the test is about the template alone.
    template = load_template(REPO / "template.yaml")
    keys = state_machines(template)["CaseWorkflow"].definition_substitutions
    shutil.copy(REPO / "template.yaml", tmp_path / "template.yaml")
    (tmp_path / "statemachines").mkdir()
    echo = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True, "Result": {}}}}
    echo["States"]["Echo"]["Result"] = {key: "${" + key + "}" for key in keys}
    (tmp_path / "statemachines" / "case_workflow.asl.json").write_text(json.dumps(echo))
    table_name_before = os.environ.get("TABLE_NAME")

    with LocalCloud(tmp_path, parameter_overrides={"MediationPeriod": "5s"}) as cloud:
        deployment = cloud.deploy()
        output = json.loads(run_to_end(deployment.state_machine_arn, "echo", {})["output"])
        table = boto3.client("dynamodb").describe_table(TableName="CasesTable")["Table"]
        environment = dict(os.environ)

    assert (
        output["IntakeCheckArn"]
        == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:IntakeCheckFunction"
    )
    assert output["MediationPeriod"] == "5s"
    assert output["SigningPeriod"] == "7d"
    assert deployment.table_name == "CasesTable"
    assert deployment.state_machine_arn == (
        f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:daojiao-case-workflow"
    )
    assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} >= {
        "by_status",
        "by_actor",
    }
    assert environment["TABLE_NAME"] == "CasesTable"
    assert environment["STATE_MACHINE_ARN"] == deployment.state_machine_arn
    assert os.environ.get("TABLE_NAME") == table_name_before  # stop() restored it


def test_a_substitution_that_names_nothing_stops_the_deployment(tiny_repo: Path) -> None:
    template = (tiny_repo / "template.yaml").read_text()
    (tiny_repo / "template.yaml").write_text(
        template.replace("!GetAtt CheckFunction.Arn", "!GetAtt NoSuchFunction.Arn")
    )

    with LocalCloud(tiny_repo) as cloud, pytest.raises(LocalCloudError, match="NoSuchFunction"):
        cloud.deploy()


def test_a_placeholder_without_a_substitution_stops_the_deployment(tiny_repo: Path) -> None:
    definition = json.dumps(TINY_DEFINITION).replace("${Label}", "${Lable}")
    (tiny_repo / "statemachines" / "flow.asl.json").write_text(definition)

    with LocalCloud(tiny_repo) as cloud, pytest.raises(LocalCloudError, match="Lable"):
        cloud.deploy()


# --- (a) running the real handlers in process ---------------------------------------------


@pytest.fixture
def tiny_cloud(tiny_repo: Path):
    with LocalCloud(tiny_repo) as cloud:
        yield cloud.deploy()


def test_an_execution_runs_the_handlers_and_retry_matches_the_exception_class(
    tiny_cloud,
) -> None:
    result = run_to_end(tiny_cloud.state_machine_arn, "case-1", {"case_id": "case-1"})

    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    # The first attempt raised TransientGlitch; the Retry naming that class ran it again.
    assert output["attempts"] == 2
    assert output["label"] == "filed"
    assert output["function_name"] == "RecordFunction"
    assert output["invoked_function_arn"] == tiny_cloud.function_arns["RecordFunction"]
    assert 0 < output["remaining_ms"] <= 10_000
    key = {"pk": {"S": "case-1"}}
    item = boto3.client("dynamodb").get_item(TableName="CasesTable", Key=key)["Item"]
    assert item["label"] == {"S": "filed"}


def test_catch_receives_the_exception_class_name_and_message(tiny_cloud) -> None:
    payload = {"case_id": "case-2", "behaviour": "missing_record"}

    result = run_to_end(tiny_cloud.state_machine_arn, "case-2", payload)

    assert result["status"] == "SUCCEEDED"
    failure = json.loads(result["output"])["failure"]
    assert failure["Error"] == "PoliceRecordMissing"
    cause = json.loads(failure["Cause"])
    assert cause["errorType"] == "PoliceRecordMissing"
    assert cause["errorMessage"] == "no police record for case-2"


def test_an_error_neither_retried_nor_caught_fails_the_execution(tiny_cloud) -> None:
    payload = {"case_id": "case-3", "behaviour": "broken"}

    result = run_to_end(tiny_cloud.state_machine_arn, "case-3", payload)

    assert result["status"] == "FAILED"
    assert result["error"] == "ValueError"


# --- (b) DynamoDB Local ------------------------------------------------------------------


def put_case(db: DynamoDBLocal, case_id: str) -> None:
    client = db.client()
    try:
        client.create_table(
            TableName="CasesTable",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    except client.exceptions.ResourceInUseException:
        pass
    client.put_item(TableName="CasesTable", Item={"pk": {"S": case_id}})


def has_case(db: DynamoDBLocal, case_id: str) -> bool:
    item = db.client().get_item(TableName="CasesTable", Key={"pk": {"S": case_id}})
    return "Item" in item


def test_dynamodb_local_says_which_setup_step_installs_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DynamoDBLocalError, match="npm ci"):
        find_jar(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DynamoDBLocalError, match="default-jre-headless"):
        DynamoDBLocal(tmp_path, free_port()).start()


@needs_java
def test_a_filed_case_survives_a_stop_and_start(tmp_path: Path) -> None:
    db = DynamoDBLocal(tmp_path / "db", free_port())

    with db:
        put_case(db, "case-1")
    with db:
        assert has_case(db, "case-1")


@needs_java
def test_a_filed_case_survives_kill_9_of_java(tmp_path: Path) -> None:
    db = DynamoDBLocal(tmp_path / "db", free_port())

    with db:
        put_case(db, "case-1")
        os.kill(db.pid, signal.SIGKILL)
        with pytest.raises(Exception):  # noqa: B017 - any client error: nobody answers
            has_case(db, "case-1")
        db.start()
        assert has_case(db, "case-1")


@needs_java
def test_a_filed_case_survives_kill_9_of_the_process_that_started_java(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "db", free_port()
    product = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""\
                import time
                from pathlib import Path
                from daojiao_local import DynamoDBLocal
                db = DynamoDBLocal(Path({str(data_dir)!r}), {port}).start()
                client = db.client()
                client.create_table(
                    TableName="CasesTable",
                    AttributeDefinitions=[{{"AttributeName": "pk", "AttributeType": "S"}}],
                    KeySchema=[{{"AttributeName": "pk", "KeyType": "HASH"}}],
                    BillingMode="PAY_PER_REQUEST",
                )
                client.put_item(TableName="CasesTable", Item={{"pk": {{"S": "case-1"}}}})
                print("filed", flush=True)
                time.sleep(120)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert product.stdout is not None
        assert product.stdout.readline().strip() == "filed"
    finally:
        product.kill()  # SIGKILL: no cleanup runs, Java is left behind holding the port
        product.wait()

    with DynamoDBLocal(data_dir, port) as db:  # stops the orphan, then serves the same file
        assert has_case(db, "case-1")


# --- (c) server mode ---------------------------------------------------------------------


@needs_java
def test_server_mode_runs_an_execution_over_http_against_dynamodb_local(
    tiny_repo: Path,
) -> None:
    port = free_port()

    with DynamoDBLocal(tiny_repo / ".local" / "db", free_port()) as db:
        with LocalCloud(tiny_repo).start_server(port, dynamodb_endpoint=db.endpoint) as cloud:
            deployment = cloud.deploy()
            stepfunctions_url = boto3.client("stepfunctions").meta.endpoint_url
            result = run_to_end(deployment.state_machine_arn, "case-1", {"case_id": "case-1"})

        assert stepfunctions_url == f"http://127.0.0.1:{port}"
        assert result["status"] == "SUCCEEDED"
        assert json.loads(result["output"])["attempts"] == 2
        assert has_case(db, "case-1")
    assert os.environ.get("AWS_ENDPOINT_URL_SFN") != stepfunctions_url  # stop() restored it
