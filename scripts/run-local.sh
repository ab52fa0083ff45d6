#!/usr/bin/env bash
# Starts the whole gateway on this machine with no AWS account: the SageMaker emulator, the
# translator and the shim, wired as they are in ECS but on loopback. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_DIR="${RUN_DIR:-$PWD/.run}"
mkdir -p "$RUN_DIR"
# GATEWAY_BIN_DIR runs binaries built elsewhere (the integration test runs this script on its debug build).
if [ -n "${GATEWAY_BIN_DIR:-}" ]; then
  BIN="$GATEWAY_BIN_DIR"
else
  # The compiler's ~400 lines go to a log; a newcomer sees one line now and the summary after.
  echo "Building the release binaries: the first build takes several minutes (later ones seconds); log in $RUN_DIR/build.log" >&2
  started=$SECONDS
  if ! swift build -c release >"$RUN_DIR/build.log" 2>&1; then
    tail -n 40 "$RUN_DIR/build.log" >&2
    echo "The build failed; the whole log is $RUN_DIR/build.log" >&2
    exit 1
  fi
  warnings=$(grep -c ': warning:' "$RUN_DIR/build.log" || true)
  echo "Built in $((SECONDS - started)) s ($warnings compiler warnings; see $RUN_DIR/build.log)." >&2
  BIN="$(swift build -c release --show-bin-path)"
fi
PORT="${PORT:-8080}"
EMULATOR_PORT_WANTED="${EMULATOR_PORT:-8081}"
DEMO_KEY="${DEMO_KEY:-sk-demo-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')}"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$BIN/sagemaker-emulator" --host 127.0.0.1 --port "$EMULATOR_PORT_WANTED" --endpoint demo-endpoint >"$RUN_DIR/emulator.out" 2>"$RUN_DIR/emulator.log" &
pids+=($!)
# A process that cannot start (its port taken, say) must stop the script here: a banner printed over
# someone else's listener would send the reader to a gateway that is not this one.
gave_up() {
  echo "$1" >&2
  exit 1
}
# PORT=0 or EMULATOR_PORT=0 take the port the kernel picks: the only choice no other program can race.
EMULATOR_PORT=""
for _ in $(seq 1 100); do
  EMULATOR_PORT=$(sed -n 's/^LISTENING \([0-9][0-9]*\)$/\1/p' "$RUN_DIR/emulator.out" 2>/dev/null || true)
  [ -n "$EMULATOR_PORT" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || gave_up "The SageMaker emulator did not start: $(tail -n 5 "$RUN_DIR/emulator.log")"
  sleep 0.1
done
[ -n "$EMULATOR_PORT" ] || gave_up "The SageMaker emulator did not say it was listening within 10 s; see $RUN_DIR/emulator.log"

env -i PATH="$PATH" HOME="${HOME:-/root}" \
  AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  AWS_ACCESS_KEY_ID=AKIDEMULATOR AWS_SECRET_ACCESS_KEY=emulator-secret-key \
  AWS_ENDPOINT_URL="http://127.0.0.1:$EMULATOR_PORT" \
  SAGEMAKER_ENDPOINT_NAME=demo-endpoint API_KEYS="$DEMO_KEY" \
  TRANSLATOR_SOCKET="$RUN_DIR/translator.sock" LOG_LEVEL="${LOG_LEVEL:-info}" \
  "$BIN/translator" &
pids+=($!)

env -i PATH="$PATH" HOME="${HOME:-/root}" \
  HOST=127.0.0.1 PORT="$PORT" TRANSLATOR_SOCKET="$RUN_DIR/translator.sock" LOG_LEVEL="${LOG_LEVEL:-info}" \
  "$BIN/httpshim" 2> >(tee "$RUN_DIR/httpshim.log" >&2) &
pids+=($!)

# The banner only once the shim has bound its port (it says so only then), answers its /ping and the
# translator's socket is there: a reader who pastes the lines at once must find the whole gateway up.
bound=""
ready=""
for _ in $(seq 1 100); do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || gave_up "The gateway did not start (its log is above; the shim's is in $RUN_DIR/httpshim.log)"
  done
  if [ -z "$bound" ]; then
    # tee may not have made the file yet: sed's failure must not end the script under `set -e`.
    bound=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\);.*|\1|p' "$RUN_DIR/httpshim.log" 2>/dev/null | head -n 1 || true)
  fi
  if [ -n "$bound" ] && [ -S "$RUN_DIR/translator.sock" ] &&
    env -i PATH="$PATH" HOST=127.0.0.1 PORT="$bound" TRANSLATOR_SOCKET="$RUN_DIR/translator.sock" \
      "$BIN/httpshim" --check >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.1
done
[ -n "$bound" ] || gave_up "The shim did not say it was listening within 10 s; see $RUN_DIR/httpshim.log"
[ -n "$ready" ] || gave_up "The shim on :$bound did not answer GET /ping within 10 s; see $RUN_DIR/httpshim.log"
PORT="$bound"
cat <<MSG

  sagemaker-openai-gateway is running on http://127.0.0.1:$PORT  (SageMaker emulator on :$EMULATOR_PORT)
  Single-endpoint mode: every model name reaches the emulator's endpoint "demo-endpoint".
  In another terminal, paste:

export OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 OPENAI_API_KEY=$DEMO_KEY

  then try it:

curl \$OPENAI_BASE_URL/chat/completions -H "Authorization: Bearer \$OPENAI_API_KEY" \\
     -H 'Content-Type: application/json' \\
     -d '{"model":"demo-endpoint","messages":[{"role":"user","content":"Hello!"}],"stream":true}'
MODEL=demo-endpoint make smoke

  Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
