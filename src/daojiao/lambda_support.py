"""What every step handler shares: one Platform per container, built at module scope on first
use, and the structured logger with the case id appended."""

from functools import cache

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict

from daojiao.platform import Platform

logger = Logger(service="daojiao")


class StepInput(BaseModel):
    """What the state machine passes to a step (see statemachines/case_workflow.asl.json)."""

    model_config = ConfigDict(extra="ignore")
    case_id: str


@cache
def platform() -> Platform:
    return Platform()


def start(event: dict, step: str) -> str:
    """Parses the step input and tags every log line of this invocation with the case id."""
    case_id = StepInput.model_validate(event).case_id
    # Per-thread keys: locally, handlers run on moto's worker threads side by side.
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(case_id=case_id, step=step)
    logger.info("step started")
    return case_id
