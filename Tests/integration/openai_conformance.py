"""Every answer the gateway gives a test is checked against OpenAI's published OpenAPI spec, in one place.

The pytest plugin here wraps the HTTP clients the tests use: httpx's transports (the openai SDK, sync and async, and
so LangChain and the Agents SDK; httpx2 too, where newer SDKs moved) and http.client (urllib and direct `HTTPConnection`s). Each answer from a gateway port
(see `gateway_procs.GATEWAY_PORTS`) is checked as the client reads it: a JSON body against the schema the spec names
for that route, method and status (`CreateChatCompletionResponse`, `ListModelsResponse`, ...), every error against
`ErrorResponse`, every SSE `data:` line of a stream against the stream's schema (`CreateChatCompletionStreamResponse`,
the Responses event of its `type`, ...; `data: {"error": ...}` against `ErrorResponse`). Helpers that read raw sockets
call `check_raw_response`. A violation fails the test that received the answer (after its own checks have run).

Not checked, on purpose:
- Anthropic's `/v1/messages` (and `/count_tokens`): not OpenAI's API; its own tests check Anthropic's shapes.
- `GET /ping` and `GET /health`: the gateway's own probes, not in OpenAI's spec; /health answers 200 or 503 with the
  same status document (`{"status": ..., "translator": ...}`) for monitors to read, not an error object. Other
  methods there get OpenAI errors, and are checked.
- A body the client did not read to its end (a test that stops reading a stream early): only whole SSE events are.
- Responses from anything but the gateway (the emulator, the tests' stand-in servers).

Without the spec (../shared/testdata/openai-openapi/openapi.yaml, or OPENAI_OPENAPI_SPEC) nothing is checked, and
pytest says so in a warning and in its summary."""
from __future__ import annotations

import functools
import http.client
import importlib
import json
import re
import threading
import zlib
from urllib.parse import urlsplit

import pytest

import gateway_procs
import openai_spec

ANTHROPIC_PREFIX = "/v1/messages"
GATEWAY_PROBES = ("/ping", "/health")
# A body larger than this is not kept for checking (the gateway's own answers are far smaller).
MAX_CHECKED_BODY = 64 << 20


class _Tally:
    """Violations waiting to fail the current test, and counts for the summary; shared by the clients' threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.violations: list[str] = []
        self.counts = {"responses": 0, "events": 0, "anthropic skipped": 0}

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n

    def violation(self, text: str) -> None:
        with self.lock:
            self.violations.append(text)

    def take(self) -> list[str]:
        with self.lock:
            out, self.violations = self.violations, []
            return out


TALLY = _Tally()


# --- which schema an answer must match ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _operations() -> list[tuple[re.Pattern, dict]]:
    """The spec's paths as patterns under the gateway's `/v1` (the spec's server URL ends in /v1)."""
    out = []
    for template, item in openai_spec.require_spec()["paths"].items():
        if "?" in template:
            continue
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        out.append((re.compile("/v1" + pattern + "$"), item))
    # Literal paths before templated ones: /responses/compact is not /responses/{response_id}.
    out.sort(key=lambda entry: "[^/]+" in entry[0].pattern)
    return out


def _schema_name(ref_holder: dict) -> str | None:
    ref = (ref_holder or {}).get("schema", {}).get("$ref", "")
    return ref.rsplit("/", 1)[1] if ref.startswith("#/components/schemas/") else None


class Route:
    """What an answer must be: `json` with a schema name, or `sse` whose events match `event_schema`."""

    def __init__(self, label: str, kind: str, schema: str):
        self.label, self.kind, self.schema = label, kind, schema


def route_for(method: str, path: str, status: int, content_type: str) -> Route | str | None:
    """The Route an answer must follow; None for an answer not checked; a string for one that is already wrong."""
    label = f"{method} {path} -> {status}"
    if path == ANTHROPIC_PREFIX or path.startswith(ANTHROPIC_PREFIX + "/"):
        TALLY.count("anthropic skipped")
        return None
    if method == "HEAD" or status < 200 or status in (204, 304):
        return None
    if method == "GET" and path in GATEWAY_PROBES:
        return None
    media = content_type.split(";")[0].strip().lower()
    if status >= 400:
        if media != "application/json":
            return f"{label}: an error must be an OpenAI error object (application/json), got {content_type!r}"
        return Route(label, "json", "ErrorResponse")
    operation = next((item for pattern, item in _operations() if pattern.match(path)), {}).get(method.lower())
    if operation is None:
        return f"{label}: a success on a route OpenAI's spec does not have"
    content = (operation["responses"].get(str(status)) or {}).get("content", {})
    if not content:
        return f"{label}: OpenAI's spec gives no {status} answer for this operation"
    if media == "text/event-stream":
        # /completions lists only its JSON body; its stream chunks are the same object (as OpenAI documents).
        schema = _schema_name(content.get("text/event-stream")) or _schema_name(content.get("application/json"))
        if schema == "CreateCompletionResponse":
            schema = openai_spec.COMPLETION_STREAM_CHUNK
        return Route(label, "sse", schema) if schema else f"{label}: OpenAI's spec has no stream for this route"
    if media == "application/json":
        schema = _schema_name(content.get("application/json"))
        return Route(label, "json", schema) if schema else f"{label}: OpenAI's spec has no JSON body for this route"
    return f"{label}: unexpected Content-Type {content_type!r}"


def classify(method, path, port, status, content_type) -> Route | None:
    """The Route for an answer from the gateway, or None; violations found here are recorded."""
    if port not in gateway_procs.GATEWAY_PORTS or openai_spec._spec() is None:
        return None
    route = route_for((method or "GET").upper(), urlsplit(path or "/").path, status, content_type or "")
    if isinstance(route, str):
        TALLY.violation(route)
        return None
    return route


def _check(value, schema: str, where: str) -> None:
    try:
        openai_spec.validate(value, schema)
    except AssertionError as error:
        TALLY.violation(f"{where}: {error}\n  value: {json.dumps(value)[:600]}")


# --- reading bodies as the client reads them ---------------------------------------------------------------------

class BodyCheck:
    """Fed the body's bytes (framing removed) in order; checks whole SSE events as they arrive and a JSON body
    once it is complete."""

    def __init__(self, route: Route, content_encoding: str = ""):
        self.route = route
        self.buffer = b""
        self.done = False
        self.events = 0
        self.saw_done_sentinel = False
        encoding = content_encoding.strip().lower()
        self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS) \
            if encoding in ("gzip", "deflate") else None

    def feed(self, data: bytes) -> None:
        if self.done or not data:
            return
        try:
            if self.inflate is not None:
                data = self.inflate.decompress(data)
            self.buffer += data
            if len(self.buffer) > MAX_CHECKED_BODY:
                self.done = True
            elif self.route.kind == "sse":
                self._events()
        except Exception as error:  # a checker bug must show, not break the client
            TALLY.violation(f"{self.route.label}: checking the body failed: {error!r}")
            self.done = True

    def finish(self, complete: bool) -> None:
        if self.done:
            return
        self.done = True
        try:
            if self.route.kind == "json" and complete:
                TALLY.count("responses")
                try:
                    value = json.loads(self.buffer)
                except ValueError as error:
                    return TALLY.violation(f"{self.route.label}: body is not JSON ({error}): {self.buffer[:300]!r}")
                _check(value, self.route.schema, self.route.label)
            elif self.route.kind == "sse":
                if complete:
                    self.buffer += b"\n\n"
                    self._events()
                # The SDKs close a stream after `[DONE]` without reading the last (empty) chunk.
                if complete or self.events:
                    TALLY.count("responses")
        except Exception as error:
            TALLY.violation(f"{self.route.label}: checking the body failed: {error!r}")

    def _events(self) -> None:
        text = self.buffer.replace(b"\r\n", b"\n")
        *whole, rest = text.split(b"\n\n")
        self.buffer = rest
        for block in whole:
            if block.strip():
                self._event(block.decode("utf-8", errors="strict"))

    def _event(self, block: str) -> None:
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if not data:
            return
        where = f"{self.route.label} stream event {self.events}"
        self.events += 1
        TALLY.count("events")
        payload = "\n".join(data)
        if self.saw_done_sentinel:
            return TALLY.violation(f"{where}: data after [DONE]: {payload[:200]!r}")
        if payload == "[DONE]":
            self.saw_done_sentinel = True
            if self.route.schema == "ResponseStreamEvent":
                TALLY.violation(f"{where}: Responses streams end with response.completed, not [DONE]")
            return
        try:
            value = json.loads(payload)
        except ValueError as error:
            return TALLY.violation(f"{where}: data is not JSON ({error}): {payload[:200]!r}")
        if self.route.schema == "ResponseStreamEvent":
            if name is not None and isinstance(value, dict) and name != value.get("type"):
                TALLY.violation(f"{where}: `event: {name}` but data.type is {value.get('type')!r}")
            schema = openai_spec.stream_event_schemas().get(value.get("type")) if isinstance(value, dict) else None
            if schema is None:
                return TALLY.violation(f"{where}: {str(value)[:100]} is not a Responses stream event type in the spec")
        elif isinstance(value, dict) and "error" in value and "object" not in value:
            schema = "ErrorResponse"  # an error after the stream began: `data: {"error": {...}}`
        else:
            schema = self.route.schema
        _check(value, schema, where)


class _ChunkedDecoder:
    """The raw bytes of a `Transfer-Encoding: chunked` body in, the body out; `ended` after the last chunk."""

    def __init__(self, out):
        self.out, self.pending, self.left, self.ended = out, b"", None, False

    def feed(self, data: bytes) -> None:
        self.pending += data
        while not self.ended:
            if self.left is None:
                line, sep, rest = self.pending.partition(b"\r\n")
                if not sep:
                    return
                self.pending = rest
                self.left = int(line.split(b";")[0].strip() or b"0", 16)
                if self.left == 0:
                    self.ended = True
                    return
            if self.left > 0:
                piece = self.pending[:self.left]
                self.pending = self.pending[self.left:]
                self.left -= len(piece)
                self.out(piece)
                if self.left:
                    return
            if len(self.pending) < 2:
                return
            self.pending, self.left = self.pending[2:], None


class _FileTee:
    """Stands in for an http.client response's socket file: what http.client reads is passed on to the check."""

    def __init__(self, fp, response: http.client.HTTPResponse, check: BodyCheck):
        self._fp, self._check = fp, check
        self._seen = 0
        self._length = response.length
        self._eof = False
        self._chunked = _ChunkedDecoder(check.feed) if response.chunked else None

    def _took(self, data: bytes, asked: int | None) -> bytes:
        if data:
            self._seen += len(data)
            if self._chunked is not None:
                self._chunked.feed(data)
            else:
                self._check.feed(data)
        elif asked != 0:
            self._eof = True
        return data

    def read(self, n=-1):
        return self._took(self._fp.read(n), n)

    def read1(self, n=-1):
        return self._took(self._fp.read1(n), n)

    def readline(self, limit=-1):
        return self._took(self._fp.readline(limit), limit)

    def readinto(self, buffer):
        count = self._fp.readinto(buffer)
        self._took(bytes(memoryview(buffer)[:count]), len(buffer))
        return count

    def peek(self, n=0):
        return self._fp.peek(n)

    def close(self):
        if self._chunked is not None:
            complete = self._chunked.ended
        elif self._length is not None:
            complete = self._seen >= self._length
        else:
            complete = self._eof
        self._check.finish(complete)
        self._fp.close()

    def __getattr__(self, name):
        return getattr(self._fp, name)


def check_raw_response(status: int, headers: dict[str, str], body: bytes, method="GET", path=None) -> None:
    """For tests that read the gateway's answers off a raw socket (a malformed request has no client library): the
    same checks; without the request's `path`, only an error (which must be an OpenAI error object whatever the
    route) is checked."""
    if openai_spec._spec() is None or (path is None and status < 400):
        return
    lowered = {k.lower(): v for k, v in headers.items()}
    route = route_for(method, path or "/", status, lowered.get("content-type", ""))
    if isinstance(route, str):
        return TALLY.violation(route)
    if route is not None:
        check = BodyCheck(route, lowered.get("content-encoding", ""))
        check.feed(body)
        check.finish(True)


# --- the client hooks ----------------------------------------------------------------------------------------------

def _install_http_client() -> None:
    connection = http.client.HTTPConnection
    if getattr(connection, "_openai_conformance", False):
        return
    original_putrequest, original_getresponse = connection.putrequest, connection.getresponse

    def putrequest(self, method, url, *args, **kwargs):
        self._conformance_request = (method, url)
        return original_putrequest(self, method, url, *args, **kwargs)

    def getresponse(self):
        response = original_getresponse(self)
        method, url = getattr(self, "_conformance_request", ("GET", "/"))
        route = classify(method, url, self.port, response.status, response.getheader("Content-Type"))
        if route is not None and response.fp is not None:
            check = BodyCheck(route, response.getheader("Content-Encoding") or "")
            response.fp = _FileTee(response.fp, response, check)
        return response

    connection.putrequest, connection.getresponse = putrequest, getresponse
    connection._openai_conformance = True


def _install_httpx(module: str) -> None:
    try:
        httpx = importlib.import_module(module)
    except ImportError:
        return
    if getattr(httpx.HTTPTransport, "_openai_conformance", False):
        return

    class SyncTee(httpx.SyncByteStream):
        def __init__(self, inner, check):
            self.inner, self.check = inner, check

        def __iter__(self):
            for chunk in self.inner:
                self.check.feed(chunk)
                yield chunk
            self.check.finish(True)

        def close(self):
            self.check.finish(False)
            self.inner.close()

    class AsyncTee(httpx.AsyncByteStream):
        def __init__(self, inner, check):
            self.inner, self.check = inner, check

        async def __aiter__(self):
            async for chunk in self.inner:
                self.check.feed(chunk)
                yield chunk
            self.check.finish(True)

        async def aclose(self):
            self.check.finish(False)
            await self.inner.aclose()

    def tee(request, response, wrapper):
        route = classify(request.method, request.url.raw_path.decode("ascii", "replace"), request.url.port,
                         response.status_code, response.headers.get("content-type"))
        if route is not None:
            response.stream = wrapper(response.stream, BodyCheck(route, response.headers.get("content-encoding", "")))
        return response

    original_sync, original_async = httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self, request):
        return tee(request, original_sync(self, request), SyncTee)

    async def handle_async_request(self, request):
        return tee(request, await original_async(self, request), AsyncTee)

    httpx.HTTPTransport.handle_request = handle_request
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request
    httpx.HTTPTransport._openai_conformance = True


# --- pytest: install, fail the receiving test, report ---------------------------------------------------------------

def pytest_configure(config):
    if openai_spec._spec() is None:
        config.issue_config_time_warning(pytest.PytestWarning(
            f"SKIPPED: OpenAI's OpenAPI spec is not at {openai_spec.spec_path()}; "
            "the gateway's answers are NOT checked against it"), stacklevel=2)
        return
    _install_http_client()
    # The openai and anthropic SDKs moved to httpx2, httpx's successor with the same transport API; tests use both.
    for module in ("httpx", "httpx2"):
        _install_httpx(module)


def _fail_on_violations(phase: str):
    TALLY.take()  # whatever arrived between tests belongs to none of them
    try:
        result = yield
    except BaseException as error:
        found = TALLY.take()
        if found:
            error.add_note(f"and OpenAI's spec was violated during {phase}:\n" + "\n".join(found[:10]))
        raise
    found = TALLY.take()
    if found:
        more = f"\n(and {len(found) - 10} more)" if len(found) > 10 else ""
        raise AssertionError(
            f"the gateway's answers violate OpenAI's OpenAPI spec ({len(found)}):\n" + "\n".join(found[:10]) + more)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _fail_on_violations("setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _fail_on_violations("the test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    return (yield from _fail_on_violations("teardown"))


def pytest_terminal_summary(terminalreporter):
    if openai_spec._spec() is None:
        terminalreporter.write_line(
            f"SKIPPED: OpenAI conformance: no spec at {openai_spec.spec_path()}; answers were not checked", yellow=True)
        return
    counts = TALLY.counts
    if counts["responses"] or counts["events"]:
        terminalreporter.write_line(
            f"OpenAI conformance: {counts['responses']} answers and {counts['events']} stream events checked against "
            f"OpenAI's OpenAPI spec; {counts['anthropic skipped']} Anthropic /v1/messages answers not (not OpenAI's API)")
