"""AwaitDecision: records the task token of a human decision. The decision arrives through the
web app, which hands it back with SendTaskSuccess. A decision that was already taken (a resumed
workflow, or an answer faster than this step) is handed back at once."""

from pydantic import BaseModel

from daojiao.lambda_support import logger, platform, start


class AwaitInput(BaseModel):
    case_id: str
    kind: str
    task_token: str


@logger.inject_lambda_context
def handler(event, context):
    start(event, "AwaitDecision")
    request = AwaitInput.model_validate(event)
    app = platform()
    # A case withdrawn meanwhile raises CaseWithdrawn here, and the workflow closes it.
    case = app.run_step(request.case_id, lambda c: [
        ("DecisionAwaited", {"kind": request.kind, "token": request.task_token})])
    if app.deliver(case):
        logger.info("decision was already taken", extra={"kind": request.kind})
    return {"awaiting": request.kind}
