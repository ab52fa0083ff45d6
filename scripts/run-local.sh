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
EMULATOR_PORT="${EMULATOR_PORT:-8081}"
DEMO_KEY="${DEMO_KEY:-sk-demo-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')}"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$BIN/sagemaker-emulator" --host 127.0.0.1 --port "$EMULATOR_PORT" --endpoint demo-endpoint >"$RUN_DIR/emulator.out" 2>"$RUN_DIR/emulator.log" &
pids+=($!)
for _ in $(seq 1 50); do grep -q LISTENING "$RUN_DIR/emulator.out" 2>/dev/null && break; sleep 0.1; done

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
  "$BIN/httpshim" &
pids+=($!)

# The banner only once the shim answers: a reader who pastes the lines at once must find it up.
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done
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
