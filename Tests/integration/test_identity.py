"""AWS identity end to end: every credential source against the emulator (STS, IMDSv2, the container endpoint,
shared files), the SDKs' source order, refresh of short-lived credentials under load, and API-key rotation and
Secrets Manager outages — all through the openai SDK, the shim and the translator.

Nothing here may reach a real AWS address: every endpoint (STS, IMDS, container, Secrets Manager, SageMaker)
points at the emulator on loopback, and the shared files live in a temporary directory.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import openai
import pytest

from gateway_procs import ACCESS_KEY, SECRET_KEY, cleanup_dir, make_gateway, running_emulator, module_emulator

GREETING = "Hello from the SageMaker emulator. You said: "
WEB_TOKEN = "irsa-token-abc"
CONTAINER_TOKEN = "ecs-token-123"
ROLE_ARN = "arn:aws:iam::123456789012:role/irsa"


emulator = module_emulator(
    "--web-identity-token", WEB_TOKEN,
    "--container-credentials-token", CONTAINER_TOKEN,
    "--secret", 'keys={"api_keys": ["sk-secret"]}',
)


@pytest.fixture
def home(tmp_path):
    """An empty HOME and no shared files, so only what a test configures is found."""
    return tmp_path


def no_static_keys(home: Path, **extra) -> dict:
    env = {
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "HOME": str(home),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_CONFIG_FILE": str(home / "no-config"),
    }
    env.update(extra)
    return env


def web_identity_env(emulator, home: Path, token: str = WEB_TOKEN) -> dict:
    token_file = home / "irsa-token"
    token_file.write_text(token + "\n")
    return {
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
        "AWS_ROLE_ARN": ROLE_ARN,
        "AWS_ROLE_SESSION_NAME": "gateway-test",
        "AWS_ENDPOINT_URL_STS": emulator.url,
    }


def container_env(emulator) -> dict:
    return {"AWS_CONTAINER_CREDENTIALS_FULL_URI": emulator.url + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN}


def imds_env(emulator) -> dict:
    # Only here is instance metadata switched on, and then only at the emulator.
    return {"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url}


def profile_env(home: Path, access_key=ACCESS_KEY, secret_key=SECRET_KEY) -> dict:
    creds = home / "credentials"
    creds.write_text(
        "[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n"
        f"# the profile the gateway should use\n[gateway]\naws_access_key_id = {access_key}\naws_secret_access_key = {secret_key}\n"
    )
    return {"AWS_PROFILE": "gateway", "AWS_SHARED_CREDENTIALS_FILE": str(creds)}


def client(gw, key="sk-test-key"):
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=30)


def chat(gw, key="sk-test-key", text="hi", stream=False):
    c = client(gw, key)
    messages = [{"role": "user", "content": text}]
    if stream:
        chunks = c.chat.completions.create(model="m", messages=messages, stream=True)
        return "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    return c.chat.completions.create(model="m", messages=messages).choices[0].message.content


def assert_chats(gw, key="sk-test-key"):
    assert chat(gw, key) == GREETING + "hi"
    assert chat(gw, key, "streamed", stream=True) == GREETING + "streamed"


COUNTERS = ("credential_fetches", "web_identity_fetches", "assume_role_fetches", "imds_credential_fetches")


def fetch_deltas(emulator, before: dict) -> dict:
    after = emulator.stats()
    return {k: after[k] - before[k] for k in COUNTERS}


def run_gateway(emulator, env, body):
    gw = make_gateway(emulator, translator_env=env)
    try:
        body(gw)
    except BaseException:
        print(gw.logs())
        raise
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)
    return gw


# --- each source end to end ---------------------------------------------------------------------------------


def test_web_identity(emulator, home):
    before = emulator.stats()

    def body(gw):
        assert_chats(gw)
        assert fetch_deltas(emulator, before) == {**dict.fromkeys(COUNTERS, 0), "web_identity_fetches": 1}
        logs = gw.logs()
        assert "web identity token file" in logs and ROLE_ARN in logs
        assert WEB_TOKEN not in logs

    run_gateway(emulator, no_static_keys(home, **web_identity_env(emulator, home)), body)


def test_web_identity_token_file_is_reread(emulator, home):
    """A wrong token fails (502, nothing leaked); once the kubelet rewrites the file, the next refresh uses it."""
    env = no_static_keys(home, **web_identity_env(emulator, home, token="stale-token"))

    def body(gw):
        with pytest.raises(openai.APIStatusError) as e:
            chat(gw)
        assert e.value.status_code == 502
        (home / "irsa-token").write_text(WEB_TOKEN)
        time.sleep(1.2)  # the state machine retries a failed refresh after a second
        assert_chats(gw)
        assert "stale-token" not in gw.logs() and WEB_TOKEN not in gw.logs()

    run_gateway(emulator, env, body)


def test_shared_credentials_profile(emulator, home):
    before = emulator.stats()

    def body(gw):
        assert_chats(gw)
        assert fetch_deltas(emulator, before) == dict.fromkeys(COUNTERS, 0)
        logs = gw.logs()
        assert "shared credentials file profile gateway" in logs
        assert SECRET_KEY not in logs

    run_gateway(emulator, no_static_keys(home, **profile_env(home)), body)


def test_assume_role_profile(emulator, home):
    (home / "credentials").write_text(f"[base]\naws_access_key_id={ACCESS_KEY}\naws_secret_access_key={SECRET_KEY}\n")
    (home / "config").write_text(
        "[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n"
    )
    env = no_static_keys(
        home,
        AWS_PROFILE="admin",
        AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
        AWS_CONFIG_FILE=str(home / "config"),
        AWS_ENDPOINT_URL_STS=emulator.url,
    )
    before = emulator.stats()

    def body(gw):
        assert_chats(gw)
        assert fetch_deltas(emulator, before) == {**dict.fromkeys(COUNTERS, 0), "assume_role_fetches": 1}
        assert "role arn:aws:iam::123456789012:role/admin assumed with STS AssumeRole" in gw.logs()

    run_gateway(emulator, env, body)


def test_container_endpoint(emulator, home):
    before = emulator.stats()

    def body(gw):
        assert_chats(gw)
        assert fetch_deltas(emulator, before) == {**dict.fromkeys(COUNTERS, 0), "credential_fetches": 1}
        assert CONTAINER_TOKEN not in gw.logs()

    run_gateway(emulator, no_static_keys(home, **container_env(emulator)), body)


def test_instance_metadata_v2(emulator, home):
    before = emulator.stats()

    def body(gw):
        assert_chats(gw)
        assert fetch_deltas(emulator, before) == {**dict.fromkeys(COUNTERS, 0), "imds_credential_fetches": 1}
        assert emulator.stats()["imds_tokens"] == before["imds_tokens"] + 1
        assert f"EC2 instance metadata (IMDSv2) at {emulator.url}" in gw.logs()

    run_gateway(emulator, no_static_keys(home, **imds_env(emulator)), body)


# --- order -----------------------------------------------------------------------------------------------------


def test_source_order(emulator, home):
    """Every source configured at once; remove the winner and the next one in botocore's order takes over."""
    env = {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "no-config"),
        **web_identity_env(emulator, home),
        **profile_env(home),
        **container_env(emulator),
        **imds_env(emulator),
    }
    steps = [
        ("environment variables", None, ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")),
        ("web identity token file", "web_identity_fetches", ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")),
        ("shared credentials file profile gateway", None, ("AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE")),
        ("container credentials endpoint", "credential_fetches", ("AWS_CONTAINER_CREDENTIALS_FULL_URI",)),
        ("EC2 instance metadata (IMDSv2)", "imds_credential_fetches", ()),
    ]
    for description, counter, remove in steps:
        before = emulator.stats()

        def body(gw):
            assert chat(gw) == GREETING + "hi"
            assert f"credentials from {description}" in gw.logs()
            expected = dict.fromkeys(COUNTERS, 0)
            if counter:
                expected[counter] = 1
            assert fetch_deltas(emulator, before) == expected, description

        run_gateway(emulator, dict(env), body)
        for name in remove:
            env[name] = None
    # With nothing left (and instance metadata off) the translator refuses to start and says why.
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_EC2_METADATA_SERVICE_ENDPOINT=None)
    with pytest.raises(RuntimeError, match="no AWS credentials found"):
        make_gateway(emulator, translator_env=env)


# --- refresh of short-lived credentials ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory):
    with running_emulator(
        tmp_path_factory.mktemp("emu20"),
        "--credentials-lifetime", "20",
        "--web-identity-token", WEB_TOKEN,
        "--container-credentials-token", CONTAINER_TOKEN,
    ) as emu:
        yield emu


@pytest.mark.parametrize("source", ["web_identity", "container", "imds"])
def test_twenty_second_credentials_refresh_under_load(short_lived, home, source):
    """45 s of back-to-back requests (streamed and not) across two expiries: every one succeeds, because the
    translator refreshes in the background before expiry; a request signed with expired credentials would get
    ExpiredTokenException from the emulator and fail the test."""
    emulator = short_lived
    extra, counter = {
        "web_identity": (web_identity_env(emulator, home), "web_identity_fetches"),
        "container": (container_env(emulator), "credential_fetches"),
        "imds": (imds_env(emulator), "imds_credential_fetches"),
    }[source]
    before = emulator.stats()

    def body(gw):
        deadline = time.monotonic() + 45
        n = 0
        while time.monotonic() < deadline:
            stream = n % 2 == 1
            assert chat(gw, text=f"n{n}", stream=stream) == GREETING + f"n{n}", f"request {n}"
            n += 1
            time.sleep(0.2)
        after = emulator.stats()
        assert after["signature_failures"] == before["signature_failures"]
        # The first fetch, then at least two refreshes (each at about half the 20 s lifetime).
        assert after[counter] - before[counter] >= 3
        assert n > 50

    run_gateway(emulator, no_static_keys(home, **extra), body)


# --- API keys: rotation and outage -----------------------------------------------------------------------------


def poll(fn, timeout, interval=0.25):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fn()
        except (openai.APIStatusError, AssertionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(interval)


def set_faults(emulator, **faults):
    req = urllib.request.Request(emulator.url + "/_emulator/faults", data=json.dumps(faults).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


def test_key_rotation(emulator):
    emulator.set_secret("rotating", json.dumps({"api_keys": ["sk-old", "sk-stays"]}))
    gw = make_gateway(emulator, api_keys=None, translator_env={"AUTH_SECRET_ID": "rotating", "API_KEY_CACHE_TTL": "2"})
    try:
        assert chat(gw, "sk-old") == GREETING + "hi"
        with pytest.raises(openai.AuthenticationError):
            chat(gw, "sk-new")
        emulator.set_secret("rotating", json.dumps({"api_keys": ["sk-new", "sk-stays"]}))
        started = time.monotonic()
        # A key not in the cache triggers a (rate-limited) refetch: the rotated key works within seconds.
        assert poll(lambda: chat(gw, "sk-new"), timeout=8) == GREETING + "hi"
        assert time.monotonic() - started < 8
        # The removed key stops working once the new set is fetched; the kept one never stops.
        with pytest.raises(openai.AuthenticationError):
            chat(gw, "sk-old")
        assert chat(gw, "sk-stays", stream=True) == GREETING + "hi"
        logs = gw.logs()
        assert "sk-old" not in logs and "sk-new" not in logs
    except BaseException:
        print(gw.logs())
        raise
    finally:
        gw.stop()
        cleanup_dir(gw.workdir)


@pytest.fixture
def faulty(tmp_path):
    """An emulator of its own: faults are global to the emulator."""
    with running_emulator(tmp_path, "--secret", 'keys={"api_keys": ["sk-good"]}') as emu:
        yield emu


def test_secrets_manager_outage_keeps_the_last_good_keys(faulty):
    gw = make_gateway(faulty, api_keys=None, translator_env={"AUTH_SECRET_ID": "keys", "API_KEY_CACHE_TTL": "1"})
    try:
        assert chat(gw, "sk-good") == GREETING + "hi"
        assert set_faults(faulty, secretsmanager="unavailable") == {"secretsmanager": "unavailable"}
        fetches = faulty.stats()["secret_fetches"]
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            assert chat(gw, "sk-good") == GREETING + "hi"
            time.sleep(0.2)
        # The translator did try (and fail) to refresh the set meanwhile.
        assert faulty.stats()["secret_fetches"] > fetches
        assert "serving the last good key set" in gw.logs()
        with pytest.raises(openai.AuthenticationError):
            chat(gw, "sk-wrong")
        assert chat(gw, "sk-good", stream=True) == GREETING + "hi"
    except BaseException:
        print(gw.logs())
        raise
    finally:
        set_faults(faulty, secretsmanager="ok")
        gw.stop()
        cleanup_dir(gw.workdir)


def test_secrets_manager_outage_before_any_fetch_is_503_then_recovers(faulty):
    set_faults(faulty, secretsmanager="unavailable")
    gw = make_gateway(faulty, api_keys=None, translator_env={"AUTH_SECRET_ID": "keys", "API_KEY_CACHE_TTL": "60"})
    try:
        for key in ("sk-good", "sk-wrong"):
            with pytest.raises(openai.InternalServerError) as e:
                chat(gw, key)
            assert e.value.status_code == 503
        set_faults(faulty, secretsmanager="ok")
        # The retry backoff after the failures is a few seconds at most.
        assert poll(lambda: chat(gw, "sk-good"), timeout=15, interval=0.5) == GREETING + "hi"
        with pytest.raises(openai.AuthenticationError):
            chat(gw, "sk-wrong")
    except BaseException:
        print(gw.logs())
        raise
    finally:
        set_faults(faulty, secretsmanager="ok")
        gw.stop()
        cleanup_dir(gw.workdir)


# --- the emulator's STS and IMDS speak what botocore expects ------------------------------------------------------


def test_emulator_sts_answers_botocore(emulator):
    import boto3
    from botocore.config import Config

    sts = boto3.client(
        "sts", endpoint_url=emulator.url, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, config=Config(retries={"total_max_attempts": 1}),
    )
    creds = sts.assume_role_with_web_identity(RoleArn=ROLE_ARN, RoleSessionName="sess", WebIdentityToken=WEB_TOKEN)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"] and creds["Expiration"]
    assumed = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/admin", RoleSessionName="sess")
    assert assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/admin/sess"
    with pytest.raises(sts.exceptions.InvalidIdentityTokenException):
        sts.assume_role_with_web_identity(RoleArn=ROLE_ARN, RoleSessionName="sess", WebIdentityToken="wrong")
    bad = boto3.client(
        "sts", endpoint_url=emulator.url, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key="wrong", config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(bad.exceptions.ClientError) as e:
        bad.assume_role(RoleArn="arn:aws:iam::123456789012:role/admin", RoleSessionName="sess")
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_emulator_imds_answers_botocore(emulator):
    from botocore.utils import InstanceMetadataFetcher

    # env={}: the test process sets AWS_EC2_METADATA_DISABLED=true, which botocore would honour here too.
    fetcher = InstanceMetadataFetcher(timeout=2, num_attempts=1, base_url=emulator.url, env={})
    creds = fetcher.retrieve_iam_role_credentials()
    assert creds["role_name"] == "emulator-instance-role"
    assert creds["access_key"].startswith("ASIA") and creds["secret_key"] and creds["token"] and creds["expiry_time"]
    # IMDSv2 only: without a session token the metadata paths answer 401.
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(emulator.url + "/latest/meta-data/iam/security-credentials/", timeout=5)
    assert e.value.code == 401


def test_unknown_key_while_credentials_back_off_is_answered_at_once(emulator, home):
    """A key in neither set starts a refetch of the secret. When the credentials that fetch needs are inside
    their second of failure backoff, the fetch fails before the key check could wait for it; the check is still
    answered at once (the last good set does not hold the key: 401), not when some later fetch ends."""
    env = no_static_keys(home, **web_identity_env(emulator, home, token="not-the-token"),
                         AUTH_SECRET_ID="keys", API_KEY_CACHE_TTL="120")

    def body(gw):
        # The startup fetch of the secret failed for want of credentials: both back off a second.
        time.sleep(1.3)
        # A static key's call fetches the stale set and the credentials again: both fail. The key set now backs
        # off two seconds, the credentials one.
        with pytest.raises(openai.APIStatusError):
            chat(gw)
        time.sleep(1.5)
        # Credentials may retry, the key set not yet: this call's refresh fails, and they back off a second more.
        with pytest.raises(openai.APIStatusError):
            chat(gw)
        time.sleep(0.7)
        # The key set may refetch for an unknown key; the credentials are still backing off.
        started = time.monotonic()
        with pytest.raises(openai.AuthenticationError):
            client(gw, "sk-unknown").with_options(timeout=10).chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}])
        assert time.monotonic() - started < 3
        assert "sk-unknown" not in gw.logs()

    run_gateway(emulator, env, body)
