"""PayClaims: one-click claim (一键理赔). Each insurer gets one payment instruction and pays it
exactly once: the instruction id is the idempotency key, so a retried step pays nothing twice."""

from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "PayClaims")
    app = platform()
    case = app.store.load(case_id)
    if case.status != "confirmed":
        return {"paid": len(case.payments)}
    receipts = []
    for instruction in steps.payment_instructions(case):
        if instruction["insurer_id"] not in case.payments:
            receipts.append(app.insurers.pay(instruction))

    def settle(case):
        if case.status != "confirmed":
            return []
        new = [("PaymentInstructed", r) for r in receipts if r["insurer_id"] not in case.payments]
        new += [("ClaimPaid", r) for r in receipts if r["insurer_id"] not in case.payments]
        return new + [("ClaimsSettled", {})]

    case = app.run_step(case_id, settle)
    logger.info("claims paid", extra={"insurers": len(case.payments)})
    return {"paid": len(case.payments)}
