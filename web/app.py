"""The web app (Chalice): the parties' filing form and case pages, the inboxes of mediators,
courts and insurers, the calculator, the administrator console, and the JSON API.

Every route is a few lines: it reads the request, calls the platform through
`daojiao.web_support`, and returns JSON or a page. Errors become status codes there too.

NOTE: links and form actions are absolute from the site root (/cases, /file). Behind API
Gateway's default URL, whose path starts with the stage (/Prod/), the site needs a custom
domain that maps the stage to the root; the app does not rewrite its links for a prefix.
"""

import functools
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response

from daojiao import web_support as web
from daojiao.platform import FilingRejected

app = Chalice(app_name="daojiao")
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json"]


def api(path: str, methods: tuple[str, ...] = ("GET",), public: bool = False):
    """A JSON route: the view gets the signed-in principal (None when public); any error
    becomes `{"error", "field"}` with its status."""
    def register(view: Callable[..., Any]):
        @functools.wraps(view)
        def guarded(**params: str):
            try:
                principal = None if public else web.require_principal(app.current_request)
                result = view(principal, **params)
            except Exception as error:  # noqa: BLE001 - every error becomes a JSON answer
                status, data = web.error_status(error, params.get("case_id"))
                return web.json_response(data, status)
            return result if isinstance(result, Response) else web.json_response(result)
        return app.route(path, methods=list(methods), content_types=CONTENT_TYPES)(guarded)
    return register


def page(path: str, methods: tuple[str, ...] = ("GET",), public: bool = False):
    """An HTML route: the view gets a `web.Page`; signed out → the sign-in page, other
    errors → an error page with their status."""
    def register(view: Callable[..., Any]):
        @functools.wraps(view)
        def guarded(**params: str):
            request = app.current_request
            current = web.Page(request, None)
            try:
                current.principal = web.principal_of(request)
                if current.principal is None and not public:
                    raise web.SignedOut()
                return view(current, **params)
            except Exception as error:  # noqa: BLE001 - every error becomes a page
                return current.error(error, params.get("case_id"))
        return app.route(path, methods=list(methods), content_types=CONTENT_TYPES)(guarded)
    return register


# --- JSON API ------------------------------------------------------------------------------


@api("/api/session", methods=("POST",), public=True)
def api_sign_in(principal):
    return web.session_response(web.body(app.current_request), app.current_request)


@api("/api/session", methods=("DELETE",), public=True)
def api_sign_out(principal):
    return web.json_response({"signed_out": True},
                             headers={"Set-Cookie": web.signed_out_cookie()})


@api("/api/police-records/{report_no}")
def api_police_record(principal, report_no):
    return web.police_record(report_no, principal)


@api("/api/cases", methods=("POST",))
def api_file_case(principal):
    fields = web.body(app.current_request)
    case_id, new = web.file_case(principal, fields.get("filing"), web.submission_id(fields))
    return web.json_response({"case_id": case_id}, 201 if new else 200)


@api("/api/cases")
def api_cases(principal):
    return {"cases": web.case_rows(principal)}


@api("/api/cases/{case_id}")
def api_case(principal, case_id):
    return web.case_view(principal, case_id)


@api("/api/cases/{case_id}/decisions", methods=("POST",))
def api_decide(principal, case_id):
    case = web.decide(principal, case_id, web.body(app.current_request))
    return {"case": web.redacted(principal, case)}


@api("/api/cases/{case_id}/documents/{document_id}")
def api_document(principal, case_id, document_id):
    return web.document_response(case_id, document_id, principal)


@api("/api/calculate", methods=("POST",), public=True)
def api_calculate(principal):
    return web.json_response(web.calculate(web.body(app.current_request)))


@api("/api/admin/executions")
def api_executions(principal):
    web.require_admin(principal)
    return {"executions": web.executions((app.current_request.query_params or {}).get("status"))}


@api("/api/admin/executions/{name}")
def api_execution(principal, name):
    web.require_admin(principal)
    return web.execution(name)


@api("/api/admin/cases/{case_id}/redrive", methods=("POST",))
def api_redrive(principal, case_id):
    web.require_admin(principal)
    return {"case_id": case_id, "execution": web.redrive(case_id)}


# --- pages ---------------------------------------------------------------------------------


@page("/", public=True)
def home(current):
    return current.render("home.html")


@app.route("/favicon.ico")
def favicon():
    return Response(body="", status_code=204)


@page("/login", public=True)
def login_form(current):
    return current.render("login.html", next=web.safe_next(current.query.get("next")))


@page("/login", methods=("POST",), public=True)
def login(current):
    fields = web.body(current.request)
    signed = web.sign_in(fields.get("username", ""), fields.get("password", ""))
    target = web.safe_next(fields.get("next"))
    if signed is None:
        return current.render("login.html", status=401, next=target,
                              username=fields.get("username", ""), failed=True)
    return current.redirect(target, web.session_cookie(signed[1], current.request))


@page("/logout", methods=("GET", "POST"), public=True)
def logout(current):
    return current.redirect("/", web.signed_out_cookie())


@page("/file")
def filing_form(current):
    web.file_case_allowed(current.principal)
    return current.render("file.html", **web.filing_form(current, {}))


@page("/file", methods=("POST",))
def file_dispute(current):
    fields = web.body(current.request)
    if fields.get("fetch"):
        return current.render("file.html", **web.fetched_form(current, fields))
    try:
        filing = web.filing_from_form(fields, current.lang)
        case_id, _ = web.file_case(current.principal, filing, web.submission_id(fields))
    except FilingRejected as rejected:
        return current.render("file.html", status=400,
                              **web.filing_form(current, fields, rejected.errors))
    return current.redirect(f"/cases/{case_id}")


@page("/cases")
def cases(current):
    return current.render("cases.html", cases=web.visible_cases(current.principal),
                          **web.list_helpers(current))


@page("/cases/{case_id}")
def case_page(current, case_id):
    return current.render("case.html", **web.case_page(current, case_id))


@page("/cases/{case_id}/act", methods=("POST",))
def act(current, case_id):
    fields = web.body(current.request)
    try:
        web.decide(current.principal, case_id, fields)
    except web.DomainError as error:
        return current.render("case.html", status=error.status,
                              **web.case_page(current, case_id, typed=fields, error=error))
    return current.redirect(f"/cases/{case_id}?done={fields.get('action', '')}")


@page("/documents/{case_id}/{document_id}")
def document(current, case_id, document_id):
    return web.document_response(case_id, document_id, current.principal)


@page("/calculator", public=True)
def calculator(current):
    return current.render("calculator.html", **web.calculator_page(current, None))


@page("/calculator", methods=("POST",), public=True)
def calculate(current):
    return current.render("calculator.html", **web.calculator_page(current, web.body(
        current.request)))


@page("/admin")
def admin(current):
    web.require_admin(current.principal)
    return current.render("admin.html", **web.admin_page(current.query.get("status"),
                                                          current.query.get("redriven")))


@page("/admin/executions/{name}")
def admin_execution(current, name):
    web.require_admin(current.principal)
    return current.render("execution.html", **web.execution_page(name))


@page("/admin/cases/{case_id}/redrive", methods=("POST",))
def admin_redrive(current, case_id):
    web.require_admin(current.principal)
    return current.redirect(f"/admin?redriven={web.redrive(case_id)}")
