"""RenderAgreement: the mediation agreement (调解协议书) rendered from its template."""

from daojiao import documents
from daojiao.lambda_support import logger, platform, start


@logger.inject_lambda_context
def handler(event, context):
    case_id = start(event, "RenderAgreement")
    app = platform()
    rendered = {}

    def render(case):
        if case.status != "agreed":
            return []
        rendered["html"] = documents.render("agreement", case, app.names())
        return [("DocumentRendered", {"kind": "agreement",
                                      "document_id": f"agreement-{case.version + 1}"})]

    def store_document(case, new):
        return [app.store.document_write(case_id, data["document_id"], "agreement",
                                         rendered["html"]) for kind, data in new]

    case = app.run_step(case_id, render, extra=store_document)
    return {"document_id": case.documents.get("agreement")}
