"""AssessCompensation: the compensation calculator (理赔计算器) on the claimed amounts."""

from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "AssessCompensation")
    app = platform()

    def assess(case):
        if case.status != "police_record_attached":
            return []
        return [steps.assess_compensation(case, app.calculate)]

    case = app.run_step(case_id, assess)
    return {"total": (case.assessment or {}).get("victims", [{}])[0].get("total")}
