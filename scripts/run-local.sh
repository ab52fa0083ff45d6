#!/usr/bin/env bash
# Starts the whole gateway on this machine with no AWS account: the SageMaker emulator, the
# translator and the shim, wired as they are in ECS but on loopback. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="$(swift build -c release --show-bin-path)"
RUN_DIR="${RUN_DIR:-$PWD/.run}"
mkdir -p "$RUN_DIR"
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

sleep 0.5
cat <<MSG

  sagemaker-openai-gateway is running on http://127.0.0.1:$PORT  (SageMaker emulator on :$EMULATOR_PORT)
  demo API key: $DEMO_KEY

  curl http://127.0.0.1:$PORT/v1/chat/completions -H "Authorization: Bearer $DEMO_KEY" \\
       -H 'Content-Type: application/json' \\
       -d '{"model":"demo-endpoint","messages":[{"role":"user","content":"Hello!"}],"stream":true}'

  OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 OPENAI_API_KEY=$DEMO_KEY python3 your_app.py

  Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
