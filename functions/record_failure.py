"""RecordFailure: when a step fails for good, the case records why, so no case ends silently.
An administrator redrives it from the console; it resumes where its events say."""

from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "RecordFailure")
    error = event.get("error") or {}
    data = {"error": str(error.get("Error", "unknown"))[:200],
            "cause": str(error.get("Cause", ""))[:2000]}
    case = platform().run_step(case_id, lambda c: [("WorkflowFailed", data)],
                               after_withdrawal=True)
    logger.error("workflow failed", extra={"error": data["error"]})
    return {"status": case.status}
