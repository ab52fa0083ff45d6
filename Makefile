# The two commands README.md promises: `make run` and `make test`.
SHELL := /bin/bash
export AWS_EC2_METADATA_DISABLED := true

.PHONY: deps build build-release build-static run test unit-test integration-test deploy-test fuzz fuzz-ci bench lint clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build

build-release: deps
	swift build -c release

## The container images' build (Dockerfile runs the same script), then the runtime-library check.
build-static: deps
	SWIFT_SCRATCH_PATH=.build-static scripts/build-release.sh --out .build-static/bin
	scripts/check-runtime-libs.sh .build-static/bin
	scripts/check-no-full-foundation.sh .build-static/bin

## Starts emulator + translator + shim on http://127.0.0.1:8080 and prints a demo key.
run: deps
	@scripts/run-local.sh

## Every test: Swift unit tests, then the executables end to end with the openai SDK.
test: lint unit-test integration-test deploy-test

unit-test: deps
	swift build --build-tests
	swift test --skip-build

integration-test: deps
	@scripts/install-deps.sh --with-python
	swift build
	GATEWAY_BIN_DIR="$$(swift build --show-bin-path)" python3 -m pytest -q Tests/integration

## Dockerfile, compose, ECS task, IAM policy, CloudFormation and deploy scripts, checked without AWS or Docker.
deploy-test:
	@scripts/install-deps.sh --with-python
	@scripts/install-deploy-tools.sh
	python3 -m pytest -q Tests/deploy

## libFuzzer on every decoder and validator (scripts/fuzz.sh), FUZZ_SECONDS per target; fails on a crash.
FUZZ_SECONDS ?= 60
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

## The short run CI makes after `make test`: about a minute in all, from the checked-in seeds.
fuzz-ci: deps
	scripts/fuzz.sh 6

## Checks a running gateway, local or deployed, with the openai SDK (scripts/smoke.py): set OPENAI_BASE_URL,
## OPENAI_API_KEY and optionally MODEL. Health, models, a streamed and a plain "Hello!" with timings, a wrong key.
.PHONY: smoke
smoke:
	@python3 -c 'import openai' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check "openai>=1.40"
	@python3 scripts/smoke.py

## Issue 9's instrument: the figures beside their targets (scripts/bench.py --help); wrk is the load generator.
## It measures the static binaries the image ships (RSS and size depend on the linking).
## BENCH_ARGS=--write-results keeps the table in bench/RESULTS.md.
bench: build-static
	@scripts/install-deps.sh --with-python
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	GATEWAY_BIN_DIR="$(CURDIR)/.build-static/bin" python3 scripts/bench.py $(BENCH_ARGS)

lint:
	swift format lint --strict --recursive Sources Tests Package.swift Fuzz/Sources

clean:
	rm -rf .build .run .build-static .build-fuzz .build-asan .build-tsan .build-ubsan

## The unit and integration tests under ASan, TSan and UBSan (scripts/sanitize.sh, builds in .build-<san>);
## fails on a failed test or any sanitizer report. SANITIZERS picks some: `make sanitize SANITIZERS=tsan`.
.PHONY: sanitize soak
SANITIZERS ?= asan tsan ubsan
sanitize: deps
	scripts/sanitize.sh $(SANITIZERS)

## SOAK_MINUTES of mixed traffic with faults injected against the release build (scripts/soak.py); fails on
## an unexplained failure, a crash, or RSS/fd growth after warm-up.
SOAK_MINUTES ?= 10
soak: build-release
	@scripts/install-deps.sh --with-python
	GATEWAY_BIN_DIR="$$(swift build -c release --show-bin-path)" python3 scripts/soak.py --minutes $(SOAK_MINUTES)
