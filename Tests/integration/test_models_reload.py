"""MODELS_FILE re-read on SIGHUP (issue 7) without dropping a request in flight; a bad new file is refused
and logged, and the old table stays."""
from __future__ import annotations

import json
import signal
import threading
import time

import openai

from gateway_procs import cleanup_dir, make_gateway, wait_for, module_emulator

GREETING = "Hello from the SageMaker emulator. You said: "


emulator = module_emulator("--endpoint", "demo-endpoint", "--endpoint", "other-endpoint")


def write(path, models):
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"models": models}))
    tmp.replace(path)


def test_sighup_reloads_under_load_and_refuses_a_bad_file(emulator, tmp_path):
    models = tmp_path / "models.json"
    write(models, [{"id": "alpha", "endpoint": "demo-endpoint"}])
    gw = make_gateway(emulator, translator_env={"SAGEMAKER_ENDPOINT_NAME": None, "MODELS_FILE": str(models)})
    client = openai.OpenAI(base_url=gw.base_url, api_key="sk-test-key", max_retries=0, timeout=60)
    failures: list[str] = []
    done = threading.Event()
    count = 0

    def load():
        nonlocal count
        while not done.is_set():
            try:
                r = client.chat.completions.create(model="alpha", messages=[{"role": "user", "content": "load"}])
                assert r.choices[0].message.content == GREETING + "load"
                count += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported
                failures.append(repr(e))

    try:
        # A slow stream that starts before the reload and must finish after it, on its old route.
        stream = client.chat.completions.create(
            model="alpha", stream=True,
            messages=[{"role": "user", "content": "[tokens=20] [delay_ms=100] long"}])
        threads = [threading.Thread(target=load) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(0.3)

        write(models, [{"id": "alpha", "endpoint": "demo-endpoint"}, {"id": "delta", "endpoint": "other-endpoint"}])
        gw.translator.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "reloaded MODELS_FILE" in gw.translator.log(), what="reload")
        assert [m.id for m in client.models.list().data] == ["alpha", "delta"]
        assert client.chat.completions.create(
            model="delta", messages=[{"role": "user", "content": "new"}]).choices[0].message.content == GREETING + "new"

        # A bad file: refused with the entry and field named; the table stays as it was.
        write(models, [{"id": "alpha", "endpoint": "demo-endpoint"}, {"id": "broken", "format": "tgi"}])
        gw.translator.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "refusing the new MODELS_FILE" in gw.translator.log(), what="refusal")
        assert "endpoint" in gw.translator.log().split("refusing the new MODELS_FILE", 1)[1].splitlines()[0]
        assert [m.id for m in client.models.list().data] == ["alpha", "delta"]

        # SIGHUP reaching the shim (a signal sent to the whole task) does not stop it.
        gw.shim.proc.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        assert gw.shim.alive()

        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        assert text.split() == [f"t{i}" for i in range(1, 21)]
        done.set()
        for t in threads:
            t.join(timeout=30)
        assert not failures, failures[:3]
        assert count > 0
        assert gw.translator.alive()
    finally:
        done.set()
        gw.stop()
        cleanup_dir(gw.workdir)
