"""CloseCase: the case is closed, saying how it ended."""

from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "CloseCase")
    case = platform().run_step(
        case_id, lambda c: [] if c.status == "closed" else [steps.close_case(c)],
        after_withdrawal=True)
    logger.info("case closed", extra={"ending": case.ending})
    return {"ending": case.ending}
