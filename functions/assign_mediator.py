"""AssignMediator: a mediator from the roster by region, type and current load."""

from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "AssignMediator")
    app = platform()

    def assign(case):
        if case.status != "assessed":
            return []
        return [steps.assign_mediator(case, app.store.roster())]

    case = app.run_step(case_id, assign)
    logger.info("mediator assignment", extra={"assigned": case.status == "mediator_assigned"})
    return {"assigned": case.status == "mediator_assigned", "mediator_id": case.mediator_id}
