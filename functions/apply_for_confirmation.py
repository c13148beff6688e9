"""ApplyForConfirmation: the parties' joint application for judicial confirmation."""

from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "ApplyForConfirmation")
    app = platform()
    courts = app.roster_data["courts"]

    case = app.run_step(case_id, lambda c: [steps.apply_for_confirmation(c, courts)]
                        if c.status == "agreement_signed" else [])
    return {"court_id": case.court_id}
