"""IntakeCheck: the filing is complete and consistent (立案审查)."""

from daojiao.domain import steps
from daojiao.domain.deadlines import china_today
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "IntakeCheck")
    case = platform().run_step(
        case_id, lambda c: [steps.intake_check(c, china_today())] if c.status == "filed" else [])
    return {"status": case.status}
