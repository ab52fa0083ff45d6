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

## Starts emulator + translator + shim on http://127.0.0.1:8080 and prints a demo key.
run: build-release
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

bench: build-release
	@scripts/install-deps.sh --with-python
	GATEWAY_BIN_DIR="$$(swift build -c release --show-bin-path)" python3 scripts/bench.py

lint:
	swift format lint --strict --recursive Sources Tests Package.swift Fuzz/Sources

clean:
	rm -rf .build .run .build-static .build-fuzz

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
