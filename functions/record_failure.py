"""RecordFailure: when a step fails for good, the case records why, so no case ends silently.
An administrator redrives it from the console; it resumes where its events say."""

from daojiao.domain.steps import failure_of
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "RecordFailure")
    data = failure_of(event.get("error") or {})
    case = platform().run_step(case_id, lambda c: [("WorkflowFailed", data)],
                               after_withdrawal=True)
    logger.error("workflow failed", extra={"error": data["error"]})
    return {"status": case.status}
