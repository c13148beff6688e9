"""CloseCase: the case is closed, saying how it ended."""

from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "CloseCase")
    app = platform()

    def free_claim(case, new):
        # A withdrawn dispute may be filed again; a settled or litigated one may not.
        if not any(kind == "CaseClosed" and data["ending"] == "withdrawn" for kind, data in new):
            return []
        claim = case.filing["claim"]
        return [app.store.unique_release(
            "CLAIM", f"{case.filing['police_report_no']}#{claim['victim_party_id']}")]

    case = app.run_step(
        case_id, lambda c: [] if c.status == "closed" else [steps.close_case(c)],
        extra=free_claim, after_withdrawal=True)
    logger.info("case closed", extra={"ending": case.ending})
    return {"ending": case.ending}
