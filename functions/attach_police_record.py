"""AttachPoliceRecord: the traffic police's accident record travels with the case."""

from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "AttachPoliceRecord")
    app = platform()

    def attach(case):
        if case.status != "intake_passed":
            return []
        return [steps.attach_police_record(case, app.police.find(case.filing["police_report_no"]))]

    case = app.run_step(case_id, attach)
    return {"found": bool((case.police_record or {}).get("found"))}
