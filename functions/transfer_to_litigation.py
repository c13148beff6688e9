"""TransferToLitigation: the whole case file goes to the court (调解转诉讼)."""

from daojiao import documents
from daojiao.domain import steps
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "TransferToLitigation")
    app = platform()
    courts = app.roster_data["courts"]
    rendered = {}

    def transfer(case):
        if case.status != "mediation_failed":
            return []
        event = steps.transfer_to_litigation(case, courts)
        document_id = f"case-file-{case.version + 1}"
        rendered["id"] = document_id
        rendered["html"] = documents.render("case_file", case, app.names(), transfer=event[1])
        return [event, ("DocumentRendered", {"kind": "case_file", "document_id": document_id})]

    def store(case, new):
        if not new:
            return []
        return [app.store.document_write(case_id, rendered["id"], "case_file", rendered["html"])]

    case = app.run_step(case_id, transfer, extra=store)
    return {"court_id": case.court_id}
