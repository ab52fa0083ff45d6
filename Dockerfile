# syntax=docker/dockerfile:1
# One image per executable, all from one build stage:
#   docker build --target httpshim   -t gateway-httpshim .
#   docker build --target translator -t gateway-translator .
#   docker build --target emulator   -t gateway-emulator .      (local testing only; see docker-compose.yml)
# The build stage runs scripts/build-release.sh, the same script `make build-static` runs in CI.

# Base images by tag, not digest: the tags fix the Swift and Debian releases while their security
# rebuilds flow in, as for the unpinned packages below. To pin exactly, pass a digest with the tag:
#   docker build --build-arg SWIFT_TAG=6.3.1-bookworm@sha256:<digest> --build-arg DEBIAN_TAG=bookworm-slim@sha256:<digest> ...
# (`docker buildx imagetools inspect debian:bookworm-slim` prints the digest.)
ARG SWIFT_TAG=6.3.1-bookworm
ARG DEBIAN_TAG=bookworm-slim

FROM swift:${SWIFT_TAG} AS build
# Headers for the two system-library targets (CLibevent, CCurl); the toolchain image has the rest.
# Unpinned on purpose: the base tag fixes the Debian release, and its security updates should flow in.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libevent-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not refetch them. Package.* and not Package.resolved by
# name: the lock file is not tracked, and COPY of a missing file by name fails.
COPY Package.* ./
RUN swift package resolve
COPY Sources ./Sources
# Package.swift declares the test targets too; SwiftPM refuses a package whose target folders are missing.
COPY Tests ./Tests
COPY scripts/build-release.sh ./scripts/build-release.sh
RUN scripts/build-release.sh --out /out httpshim translator sagemaker-emulator

# The shared runtime: glibc comes with Debian; the Swift runtime and Foundation are
# linked into the binaries (--static-swift-stdlib), so only libevent and libcurl remain (checked by
# scripts/check-runtime-libs.sh against a local build). Unpinned like the build stage's packages.
FROM debian:${DEBIAN_TAG} AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libevent-2.1-7 libcurl4 libstdc++6 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin gateway \
 && mkdir -p /run/gateway \
 && chown gateway:gateway /run/gateway \
 && chmod 0770 /run/gateway
# The socket directory is shared by the two containers. Declaring it a VOLUME makes Docker, and ECS
# for a task volume mounted at this same path, seed the empty volume from the image, ownership
# included, so the non-root translator can create its socket there.
VOLUME ["/run/gateway"]
# The root filesystem is read-only in ECS and Kubernetes; /tmp is a writable volume of its own there,
# and declared here so ECS seeds it from the image (mode 1777) like the socket directory.
VOLUME ["/tmp"]
ENV TRANSLATOR_SOCKET=/run/gateway/translator.sock \
    LOG_LEVEL=info
USER 10001:10001

FROM runtime AS httpshim
COPY --from=build /out/httpshim /usr/local/bin/httpshim
ENV HOST=0.0.0.0 \
    PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/usr/local/bin/httpshim", "--check"]
ENTRYPOINT ["/usr/local/bin/httpshim"]

FROM runtime AS translator
COPY --from=build /out/translator /usr/local/bin/translator
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/usr/local/bin/translator", "--check"]
ENTRYPOINT ["/usr/local/bin/translator"]

FROM runtime AS emulator
COPY --from=build /out/sagemaker-emulator /usr/local/bin/sagemaker-emulator
ENV EMULATOR_HOST=0.0.0.0 \
    EMULATOR_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 CMD ["/usr/local/bin/sagemaker-emulator", "--check"]
ENTRYPOINT ["/usr/local/bin/sagemaker-emulator"]
