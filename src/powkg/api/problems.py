"""The one error handler: every failure becomes an RFC 9457 problem, never a stack trace.

A PowkgError answers with its own ``status_code`` and message (they say what was wrong and where, the
parser's message included); HTTP-level refusals (unknown route, wrong method, body too large, missing
token) keep their status. Anything else is a bug: the server log gets the traceback, the client a 500
that says so and nothing more. Browsers get the same problem as a small HTML page, clients that only
take plain text get the message as text.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..errors import NotAcceptable, PowkgError
from . import html
from .negotiation import Representation, negotiate

log = logging.getLogger("powkg.api")

PROBLEM = Representation("problem", "application/problem+json", ("application/json",))
TEXT = Representation("text", "text/plain")
_OFFERS = (PROBLEM, html.HTML, TEXT)


def problem_response(status: int, detail: str, *, accept: str | None = None, kind: str = "",
                     headers: dict[str, str] | None = None, extra: dict[str, object] | None = None) -> Response:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    try:
        chosen = negotiate(accept, _OFFERS)
    except NotAcceptable:
        chosen = PROBLEM
    if chosen is html.HTML:
        body = html.page(f"{status} {title}", f'<p class="problem">{html.esc(detail)}</p>').encode("utf-8")
    elif chosen is TEXT:
        body = f"{status} {title}: {detail}\n".encode()
    else:
        content: dict[str, object] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        if kind:
            content["error"] = kind
        content.update(extra or {})
        body = json.dumps(content, ensure_ascii=False).encode("utf-8")
    all_headers = {"Vary": "Accept", **(headers or {})}
    return Response(body, status_code=status, media_type=chosen.content_type, headers=all_headers)


async def on_powkg_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PowkgError)
    if exc.status_code >= 500:
        log.warning("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    extra: dict[str, object] = {"available": exc.offered} if isinstance(exc, NotAcceptable) else {}
    return problem_response(exc.status_code, str(exc), accept=request.headers.get("accept"),
                            kind=type(exc).__name__, extra=extra)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"nothing is served at {request.url.path}; the home page lists what is"
    if exc.status_code == 405 and detail == "Method Not Allowed":
        detail = f"{request.method} is not accepted at {request.url.path}"
    return problem_response(exc.status_code, detail, accept=request.headers.get("accept"),
                            headers=dict(exc.headers or {}))


async def on_invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" + (
            f" (got {error['input']!r})" if isinstance(error.get("input"), str | int | float) else ""))
    return problem_response(400, "invalid parameter: " + "; ".join(parts), accept=request.headers.get("accept"),
                            kind="InvalidParameter")


async def on_bug(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "internal error: the server log has the details",
                            accept=request.headers.get("accept"), kind="InternalError")


def install(app: FastAPI) -> None:
    app.add_exception_handler(PowkgError, on_powkg_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(Exception, on_bug)
