"""An ASGI middleware for limits every response shares: the request body size, and safe headers.

The body limit (the max_body_bytes setting) is checked twice: a declared Content-Length past it is
refused before a byte is read, and a body sent without one (chunked) is counted as it arrives and
refused at the first chunk past the limit. Every response says ``X-Content-Type-Options: nosniff``;
HTML pages also carry a Content-Security-Policy that lets them load scripts, styles and data from
this server only.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


class Guard:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def _too_large(self) -> str:
        return (f"the request body is larger than {self.max_body_bytes} bytes "
                "(the max_body_bytes setting, POWKG_MAX_BODY_BYTES)")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            accept = headers.get(b"accept", b"").decode("latin-1")
            response = problem_response(413, self._too_large(), accept=accept)
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(413, self._too_large())
            return message

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff")]
                content_type = next((v for k, v in message.get("headers", ()) if k == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    extra.append((b"content-security-policy", CSP.encode("ascii")))
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await self.app(scope, limited_receive, secured_send)
