"""The FastAPI application: ``/v1/check``, ``/v1/check-batch``, ``/healthz``, ``/v1/info`` and the page.

Every failure a client can cause gets a JSON answer of one shape,
``{"error": {"status", "code", "message", "details"}}``, with a 4xx status:
400 malformed JSON, 404/405 wrong route or method, 413 body over the limit,
415 not JSON, 422 a well-formed request that asks for something wrong (wrong
types, unknown check or format, too many documents, unreadable text).
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Literal, TypeVar

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..checks import GROUP_FLAG_TYPES, resolve_checks
from ..errors import ConfigError, InputError
from ..pipeline import Detector
from ..report import FLAG_TYPES, Report
from .workers import WorkerRegistry

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
REPORT_SCHEMA = Path(__file__).resolve().parents[1] / "schema" / "report.schema.json"
BATCH_SCHEMA_ID = "detector.batch/1"

# The page loads nothing from anywhere but this server; the policy makes the
# browser enforce that, and forbids inline script as a second line against injection.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

# JSON may carry lone UTF-16 surrogates ("\ud800"); Python keeps them in str, and
# they cannot be encoded in the answer. One code point each way keeps offsets exact.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

T = TypeVar("T")


@dataclass(frozen=True)
class ServerSettings:
    """Limits of one server; ``detector serve`` exposes each as an option."""

    max_body_bytes: int = 2 * 1024 * 1024
    max_batch_documents: int = 64
    # Checks running at once; more would only queue for the encoder and hold memory.
    max_concurrent_checks: int = 4


class ApiError(Exception):
    """A failure the client caused, answered as JSON with ``status``."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


# -- request and response models ------------------------------------------------

# Text formats only: a JSON body carries text, not the bytes of a .docx or .pdf.
InputFormat = Literal["auto", "plain", "markdown", "html", "html-page"]


class _StrictModel(BaseModel):
    # Strict types and no unknown fields: "min_score": "0.5" or a misspelt field is
    # the caller's bug, better reported than silently coerced or ignored.
    model_config = ConfigDict(extra="forbid", strict=True)


class _CheckOptions(_StrictModel):
    checks: list[str] | None = Field(
        None,
        description="Groups (filler, contradiction, figures) or check names to run; all loaded checks when omitted.",
        examples=[["filler", "figures"]],
    )
    min_score: float = Field(0.0, ge=0.0, le=1.0, allow_inf_nan=False, description="Report only flags scoring at least this.")
    ignore: list[str] = Field(
        default_factory=list, description="Flag codes or prefixes to drop, e.g. filler.repetition.", examples=[["filler.repetition"]]
    )


class SourceText(_StrictModel):
    """The text the copy was written from (a wire story, a press release)."""

    text: str = Field(description="The source as written; evidence offsets of source.* flags point into it.")
    name: str | None = Field(None, description="A name for the source, echoed as the report's meta.against.")
    format: InputFormat = Field("auto", description="How to read the source text.")


class CheckRequest(_CheckOptions):
    text: str = Field(description="The document as written. Offsets in the report are character offsets into it.")
    format: InputFormat = Field("auto", description="How to read the text; auto sniffs Markdown and HTML (a whole web page: its article only); html-page checks only the article of a saved page.")
    source: str | SourceText | None = Field(
        None,
        description="A string names the document (echoed as the report's source). An object {text, name} is the source "
                    "text the copy was written from: the copy is then checked against it (source.contradicted, "
                    "source.unsupported, scores.against_source).",
        examples=[{"text": "The council approved the budget by 7 votes to 2.", "name": "wire.txt"}],
    )
    id: str | None = Field(None, description="A name for the document, echoed as the report's source (as a string 'source' is).")


class BatchDocument(_StrictModel):
    text: str
    id: str | None = Field(None, description="Echoed as the report's source.")
    format: InputFormat | None = Field(None, description="Overrides the request's format for this document.")


class BatchRequest(_CheckOptions):
    documents: list[BatchDocument] = Field(description="The documents; their reports come back in the same order.")
    format: InputFormat = "auto"
    source: SourceText | None = Field(None, description="A source text every document is checked against.")


class ErrorDetail(BaseModel):
    location: str
    message: str


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(BaseModel):
    error: ErrorBody


class BatchResponse(BaseModel):
    schema_: str = Field(BATCH_SCHEMA_ID, alias="schema")
    count: int
    errors: int = Field(description="Documents that could not be checked; their reports carry an 'error'.")
    reports: list[dict[str, Any]] = Field(description="One detector.report/1 per document, in input order.")


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorResponse} for status in statuses}


# -- the application ------------------------------------------------------------


def create_app(detector: Detector, settings: ServerSettings | None = None, workers: WorkerRegistry | None = None) -> FastAPI:
    """The application serving ``detector``, which must be loaded already.

    ``workers`` is how ``/healthz`` learns about the other worker processes of a
    ``detector serve --workers N``; without it the server is this one process.
    """
    settings = settings or ServerSettings()
    workers = workers or WorkerRegistry()
    state: dict[str, anyio.CapacityLimiter] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state["limiter"] = anyio.CapacityLimiter(settings.max_concurrent_checks)
        await workers.start()
        try:
            yield
        finally:
            await workers.stop()

    app = FastAPIOffline(
        title="news-copy detector",
        version=__version__,
        description=(
            "Checks news copy sentence by sentence for filler, internal contradictions and unsupported figures. "
            "Reports follow the `detector.report/1` contract: every sentence carries exact character offsets "
            "into the text as sent, and every flag says why."
        ),
        lifespan=lifespan,
        # ReDoc's bundle fetches its logo from a CDN; Swagger UI at /docs is served whole from here.
        redoc_url=None,
        swagger_ui_parameters={"validatorUrl": None},
        static_url="/static-offline-docs",
    )
    app.state.detector = detector
    app.state.settings = settings

    async def in_thread(fn: Callable[[], T]) -> T:
        # Checks are CPU work; a thread keeps the event loop answering other requests.
        limiter = state.get("limiter")
        return await anyio.to_thread.run_sync(fn, limiter=limiter)

    _install_error_handlers(app, settings)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    if workers.expected > 1:
        app.add_middleware(CloseAfterCheckMiddleware)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers=PAGE_SECURITY_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(
        "/healthz",
        tags=["service"],
        summary="Liveness: the model is loaded and the server answers; how many worker processes answer, and their memory.",
    )
    async def healthz() -> dict[str, Any]:
        # Reading the other workers' heartbeat files is file I/O: off the event loop.
        report = await anyio.to_thread.run_sync(workers.report)
        status = "ok" if report["answering"] >= report["expected"] else "degraded"
        return {"status": status, "profile": detector.profile, "version": __version__, "workers": report}

    @app.get("/v1/info", tags=["service"], summary="The loaded checks, their flag codes, and the server's limits.")
    async def info() -> dict[str, Any]:
        return {
            "version": __version__,
            "profile": detector.profile,
            "types": list(FLAG_TYPES),
            "groups": dict(GROUP_FLAG_TYPES),
            "formats": list(InputFormat.__args__),
            "checks": [
                {"name": c.name, "group": c.group, "type": c.flag_type, "codes": dict(c.codes)} for c in detector.checks
            ],
            "limits": {**asdict(settings), "max_chars": detector.max_chars},
        }

    @app.post(
        "/v1/check",
        tags=["check"],
        summary="Check one document.",
        response_description="The report (detector.report/1).",
        responses={
            200: {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}},
            **_errors(400, 413, 415, 422),
        },
        dependencies=[Depends(_require_json)],
    )
    async def check(body: CheckRequest) -> Response:
        names = _known_checks(body.checks)
        text = _LONE_SURROGATE.sub("\ufffd", body.text)
        if isinstance(body.source, str) and body.id is not None and body.source != body.id:
            raise ApiError(422, "invalid_request", "give the document's name once: as 'id', or as a string 'source'")
        name = body.source if isinstance(body.source, str) else body.id
        against = body.source if isinstance(body.source, SourceText) else None

        def run() -> str:
            # Serialising a large report takes time too: it stays off the event loop.
            source = _load_source(detector, against)
            report = detector.check(text, format=body.format, source=name, checks=names, source_text=source)
            return report.filtered(min_score=body.min_score, ignore=body.ignore).to_json()

        try:
            payload = await in_thread(run)
        except InputError as exc:
            raise ApiError(422, "unreadable_input", str(exc)) from None
        except ConfigError as exc:
            raise ApiError(422, "unknown_check", str(exc)) from None
        return Response(payload, media_type="application/json")

    @app.post(
        "/v1/check-batch",
        tags=["check"],
        summary="Check several documents; one that cannot be checked gets a report with an 'error', the rest go on.",
        response_model=BatchResponse,
        responses=_errors(400, 413, 415, 422),
        dependencies=[Depends(_require_json)],
    )
    async def check_batch(body: BatchRequest) -> Response:
        if len(body.documents) > settings.max_batch_documents:
            raise ApiError(
                422,
                "too_many_documents",
                f"{len(body.documents)} documents is over the limit of {settings.max_batch_documents} per batch; "
                f"send them in several requests",
            )
        names = _known_checks(body.checks)
        documents = body.documents

        def run() -> str:
            source = _load_source(detector, body.source)
            # check_many takes one format per call: group by format, keep input order.
            by_format: dict[str, list[int]] = {}
            for i, doc in enumerate(documents):
                by_format.setdefault(doc.format or body.format, []).append(i)
            reports: list[Report | None] = [None] * len(documents)
            for fmt, indexes in by_format.items():
                found = detector.check_many(
                    [_LONE_SURROGATE.sub("\ufffd", documents[i].text) for i in indexes],
                    format=fmt,
                    sources=[documents[i].id for i in indexes],
                    checks=names,
                    source_text=source,
                )
                for i, report in zip(indexes, found):
                    reports[i] = report
            batch = {
                "schema": BATCH_SCHEMA_ID,
                "count": len(reports),
                "errors": sum(1 for r in reports if not r.ok),
                "reports": [r.filtered(min_score=body.min_score, ignore=body.ignore).to_dict() for r in reports],
            }
            return json.dumps(batch, ensure_ascii=False)

        try:
            payload = await in_thread(run)
        except InputError as exc:
            raise ApiError(422, "unreadable_input", str(exc)) from None
        except ConfigError as exc:
            raise ApiError(422, "unknown_check", str(exc)) from None
        return Response(payload, media_type="application/json")

    app.openapi = _openapi_with_report_schema(app)  # type: ignore[method-assign]
    return app


class CloseAfterCheckMiddleware:
    """With several workers, a check's answer closes its connection.

    The workers share one listening socket and the kernel hands a new connection to
    whichever worker's event loop takes it first. A worker's event loop keeps taking
    connections while its threads run checks, so a client that keeps its connection
    alive stays on one worker however busy it is: four clients could all sit on one
    of two workers. Closing after each check makes every request a new connection,
    and a worker whose threads hold the CPU is slower to take it than an idle one.
    On loopback or a LAN a new connection costs far less than a check.
    """

    PATHS = ("/v1/check", "/v1/check-batch")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in self.PATHS:
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)


class BodyTooLarge(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail="Content Too Large")


class BodyLimitMiddleware:
    """Refuses bodies over ``max_body_bytes`` with the JSON 413 every other error has.

    A declared Content-Length over the limit is refused before reading a byte; a
    chunked body is counted as it arrives and refused once it passes the limit, so
    an oversized upload never sits in memory whole.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            response = _error_response(413, "body_too_large", _too_large_message(self.max_body_bytes))
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # An HTTPException passes through FastAPI's body reading to the
                    # exception handlers, which answer with the JSON 413.
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited_receive, send)


def _too_large_message(limit: int) -> str:
    return f"the request body is over the limit of {limit:,} bytes; send less text or split it into several requests"


def _require_json(request: Request) -> None:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        shown = f"{content_type!r}" if content_type else "no Content-Type"
        raise ApiError(415, "unsupported_media_type", f"send the request as JSON with Content-Type: application/json (got {shown})")


def _load_source(detector: Detector, source: SourceText | None):
    """The source text read and encoded once (``InputError`` if it cannot be read), or None."""
    if source is None:
        return None
    text = _LONE_SURROGATE.sub("\ufffd", source.text)
    return detector.load_source(text, name=source.name, format=source.format)


def _known_checks(names: list[str] | None) -> list[str] | None:
    if names is None:
        return None
    try:
        resolve_checks(names)
    except ConfigError as exc:
        raise ApiError(422, "unknown_check", str(exc)) from None
    return names


# -- errors ----------------------------------------------------------------------

_HTTP_CODES = {
    400: "malformed_json",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


def _error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None, headers=None) -> JSONResponse:
    body = {"error": {"status": status, "code": code, "message": message, "details": details or []}}
    return JSONResponse(body, status_code=status, headers=headers)


# The member names pydantic adds to the location of an error inside a union ("source" is a name
# or a source text): the client wrote "source", so that is what the error names.
_UNION_MEMBERS = frozenset({"str", "SourceText"})


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if str(p) not in _UNION_MEMBERS]
    if parts and parts[0] == "body":
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "body"


def _install_error_handlers(app: FastAPI, settings: ServerSettings) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error_response(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        for error in errors:
            if error.get("type") == "json_invalid":
                reason = (error.get("ctx") or {}).get("error", "invalid JSON")
                position = error["loc"][-1] if error.get("loc") else "?"
                return _error_response(400, "malformed_json", f"the request body is not valid JSON: {reason} at character {position}")
        details = []
        for e in errors:
            detail = {"location": _location(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")}
            if detail not in details:
                details.append(detail)
        if any(e.get("type") == "missing" and tuple(e.get("loc", ())) == ("body",) for e in errors):
            return _error_response(422, "invalid_request", "the request has no body; send a JSON object", details)
        if any(tuple(e.get("loc", ())) == ("body",) for e in errors):
            return _error_response(422, "invalid_request", "the request body must be a JSON object", details)
        first = details[0]
        more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
        return _error_response(422, "invalid_request", f"{first['location']}: {first['message']}{more}", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        if status == 413:
            message = _too_large_message(settings.max_body_bytes)
        elif status == 400:
            message = "the request body cannot be read as JSON text (it must be UTF-8)"
        elif status == 404:
            message = f"no such page: {request.url.path}"
        elif status == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return _error_response(status, _HTTP_CODES.get(status, "http_error"), message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error_response(500, "internal_error", f"internal error: {type(exc).__name__} (a bug; the server log has the details)")


# -- OpenAPI ----------------------------------------------------------------------


def _openapi_with_report_schema(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The generated schema plus the report contract as a component, so clients see what /v1/check returns."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        report = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
        definitions = report.pop("$defs", {})
        report.pop("$schema", None)
        report.pop("$id", None)

        def rewrite(node: Any) -> Any:
            if isinstance(node, dict):
                return {
                    k: (v.replace("#/$defs/", "#/components/schemas/Report_") if k == "$ref" and isinstance(v, str) else rewrite(v))
                    for k, v in node.items()
                }
            if isinstance(node, list):
                return [rewrite(v) for v in node]
            return node

        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Report"] = rewrite(report)
        for name, definition in definitions.items():
            components[f"Report_{name}"] = rewrite(definition)
        app.openapi_schema = schema
        return schema

    return openapi
