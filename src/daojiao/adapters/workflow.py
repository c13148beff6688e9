"""Step Functions: starting a case's execution, answering its waiting steps, and what the
administrator console shows."""

import json
from typing import Any

import boto3
from botocore.exceptions import ClientError

# What Step Functions answers for a token nobody waits on any more.
_GONE = ("TaskDoesNotExist", "TaskTimedOut", "InvalidToken", "ExecutionDoesNotExist")


class Workflow:
    def __init__(self, state_machine_arn: str):
        self.state_machine_arn = state_machine_arn
        self.client = boto3.client("stepfunctions")
        self.calls = 0

    def start(self, case_id: str, execution_name: str, resume_at: str = "IntakeCheck") -> str:
        """Starts the case's execution; a name already used means it is already started."""
        self.calls += 1
        try:
            return self.client.start_execution(
                stateMachineArn=self.state_machine_arn, name=execution_name,
                input=json.dumps({"case_id": case_id, "resume_at": resume_at}))["executionArn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            return self.execution_arn(execution_name)

    def execution_arn(self, name: str) -> str:
        return self.state_machine_arn.replace(":stateMachine:", ":execution:") + ":" + name

    def succeed(self, token: str, output: dict[str, Any]) -> bool:
        """Hands a decision to the waiting step. False when the token is no longer waited on
        (the execution ended or was lost): the decision is in the events all the same."""
        return self._answer(self.client.send_task_success, taskToken=token,
                            output=json.dumps(output))

    def fail(self, token: str, error: str, cause: str) -> bool:
        """Fails the waiting step with `error` (the state machine catches it by name)."""
        return self._answer(self.client.send_task_failure, taskToken=token, error=error,
                            cause=cause)

    def _answer(self, send, **arguments) -> bool:
        self.calls += 1
        try:
            send(**arguments)
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] in _GONE:
                return False
            raise

    def is_running(self, execution_name: str) -> bool:
        try:
            status = self.client.describe_execution(
                executionArn=self.execution_arn(execution_name))["status"]
        except ClientError:
            return False
        return status == "RUNNING"

    def executions(self, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"stateMachineArn": self.state_machine_arn, "maxResults": limit}
        if status:
            kwargs["statusFilter"] = status
        return self.client.list_executions(**kwargs)["executions"]

    def history(self, execution_name: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        kwargs = {"executionArn": self.execution_arn(execution_name), "maxResults": 1000}
        while True:
            page = self.client.get_execution_history(**kwargs)
            events += page["events"]
            if not page.get("nextToken"):
                return events
            kwargs["nextToken"] = page["nextToken"]

    def describe(self, execution_name: str) -> dict[str, Any]:
        return self.client.describe_execution(executionArn=self.execution_arn(execution_name))

    def definition(self) -> dict[str, Any]:
        return json.loads(self.client.describe_state_machine(
            stateMachineArn=self.state_machine_arn)["definition"])


def current_state(history: list[dict[str, Any]]) -> str | None:
    """The state an execution is in: the last one entered."""
    for event in reversed(history):
        details = event.get("stateEnteredEventDetails")
        if details:
            return details["name"]
    return None
