"""OpenPeriod: the deadline of a human decision, in China time; or, with `expired`, the record
that the period ran out."""

from pydantic import BaseModel

from daojiao.domain import steps
from daojiao.domain.deadlines import utc_now
from daojiao.lambda_support import logger, platform, start


class PeriodInput(BaseModel):
    case_id: str
    kind: str
    period: str = "30d"
    expired: bool = False


@logger.inject_lambda_context
def handler(event, context):
    start(event, "OpenPeriod")
    request = PeriodInput.model_validate(event)
    app = platform()
    if request.expired:
        case = app.run_step(request.case_id, lambda c: steps.expire_period(c, request.kind))
        logger.info("period expired", extra={"kind": request.kind})
        return {"kind": request.kind, "status": case.status}
    seconds = {}

    def open_(case):
        events, seconds["left"] = steps.open_period(case, request.kind, request.period, utc_now())
        return events

    case = app.run_step(request.case_id, open_)
    deadline = case.deadlines[request.kind]
    return {"kind": request.kind, "ends_at": deadline["ends_at"], "seconds": seconds["left"]}
