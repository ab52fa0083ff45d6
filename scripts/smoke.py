#!/usr/bin/env python3
"""Smoke test of a running gateway, local or deployed, with the official openai SDK.

    OPENAI_BASE_URL=https://gateway.example.com/v1 OPENAI_API_KEY=sk-... MODEL=my-model make smoke

Checks, in order: GET /health (the shim and the translator answer), GET /v1/models (MODEL is listed;
without MODEL the first listed model is used), "Hello!" streamed with the reply printed as it arrives,
the time to first token and the total time, the same request not streamed, and a wrong key (401).
Exits 0 when all pass; otherwise 1 with a one-line reason on stderr ("smoke: FAIL: ...").
"""
from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request

TIMEOUT_SECONDS = float(os.environ.get("SMOKE_TIMEOUT_SECONDS", "60"))


class SmokeFailure(Exception):
    """One failed check; its message is the one line the script ends with."""


def say(text: str = "", end: str = "\n") -> None:
    print(text, end=end, flush=True)


def check_health(base_url: str) -> None:
    root = base_url.rstrip("/")
    root = root[: -len("/v1")] if root.endswith("/v1") else root
    try:
        with urllib.request.urlopen(root + "/health", timeout=TIMEOUT_SECONDS) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        raise SmokeFailure(f"GET {root}/health answered {error.code}: {error.read()[:200]!r}") from None
    except (urllib.error.URLError, OSError) as error:
        raise SmokeFailure(f"GET {root}/health: {getattr(error, 'reason', error)}") from None
    if status != 200:
        raise SmokeFailure(f"GET {root}/health answered {status}")
    say(f"health      {status} {body.decode(errors='replace').strip()[:120]}")


def pick_model(client, wanted: str | None) -> str:
    ids = [m.id for m in client.models.list().data]
    say(f"models      {', '.join(ids) or '(none)'}")
    if wanted:
        if wanted not in ids:
            raise SmokeFailure(f"MODEL {wanted!r} is not in /v1/models ({', '.join(ids) or 'empty'})")
        return wanted
    if not ids:
        raise SmokeFailure("/v1/models lists no model and MODEL is not set")
    return ids[0]


def streamed_hello(client, model: str) -> None:
    say(f"stream      {model}: ", end="")
    started = time.monotonic()
    first_token = None
    text = []
    finish = None
    stream = client.chat.completions.create(model=model, stream=True, max_tokens=64,
                                            messages=[{"role": "user", "content": "Hello!"}])
    for chunk in stream:
        for choice in chunk.choices:
            delta = choice.delta.content or ""
            if delta:
                if first_token is None:
                    first_token = time.monotonic() - started
                text.append(delta)
                say(delta, end="")
            finish = choice.finish_reason or finish
    total = time.monotonic() - started
    say()
    if not text:
        raise SmokeFailure(f"the stream from {model} carried no content")
    if finish is None:
        raise SmokeFailure(f"the stream from {model} ended without a finish_reason")
    say(f"            time to first token {first_token:.3f} s, total {total:.3f} s, finish_reason {finish}")


def plain_hello(client, model: str) -> None:
    started = time.monotonic()
    answer = client.chat.completions.create(model=model, max_tokens=64,
                                            messages=[{"role": "user", "content": "Hello!"}])
    total = time.monotonic() - started
    content = answer.choices[0].message.content if answer.choices else None
    if not content:
        raise SmokeFailure(f"the non-streamed answer from {model} has no content")
    usage = answer.usage
    tokens = f", {usage.prompt_tokens}+{usage.completion_tokens} tokens" if usage else ""
    say(f"complete    {content.strip()[:120]!r} in {total:.3f} s{tokens}")


def wrong_key_is_refused(openai, base_url: str) -> None:
    client = openai.OpenAI(base_url=base_url, api_key="sk-smoke-test-wrong-key", max_retries=0, timeout=TIMEOUT_SECONDS)
    try:
        client.models.list()
    except openai.AuthenticationError as error:
        say(f"wrong key   {error.status_code} as expected")
        return
    except openai.APIStatusError as error:
        raise SmokeFailure(f"a wrong key got {error.status_code}, not 401") from None
    raise SmokeFailure("a wrong key was accepted: the gateway is not checking keys")


def run() -> None:
    base_url = os.environ.get("OPENAI_BASE_URL", "").strip()
    key = os.environ.get("OPENAI_API_KEY", "").strip()
    if not base_url or not key:
        raise SmokeFailure("set OPENAI_BASE_URL (e.g. https://gateway.example.com/v1) and OPENAI_API_KEY")
    try:
        import openai
    except ImportError:
        raise SmokeFailure("the openai package is missing: python3 -m pip install openai") from None
    say(f"gateway     {base_url}")
    check_health(base_url)
    client = openai.OpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=TIMEOUT_SECONDS)
    try:
        model = pick_model(client, os.environ.get("MODEL", "").strip() or None)
        streamed_hello(client, model)
        plain_hello(client, model)
        wrong_key_is_refused(openai, base_url)
    except openai.APIStatusError as error:
        raise SmokeFailure(f"{error.status_code} {one_line(error)}") from None
    except openai.APIConnectionError as error:
        raise SmokeFailure(f"cannot reach {base_url}: {error.__cause__ or error}") from None


def one_line(error) -> str:
    body = getattr(error, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    return " ".join(str(message or error).split())[:300]


def main() -> int:
    try:
        run()
    except SmokeFailure as failure:
        say()
        print(f"smoke: FAIL: {' '.join(str(failure).split())}", file=sys.stderr, flush=True)
        return 1
    except Exception as error:  # anything unforeseen still ends in one line, not a traceback
        say()
        print(f"smoke: FAIL: {type(error).__name__}: {' '.join(str(error).split())[:300]}", file=sys.stderr, flush=True)
        return 1
    say("smoke: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
