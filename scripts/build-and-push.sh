#!/usr/bin/env bash
# Builds the httpshim and translator images (Dockerfile targets) and pushes them to ECR in this
# account and region, creating the repositories when missing. Works in the aws and aws-cn
# partitions. Prints the two image URIs as shell assignments for scripts/deploy.sh:
#
#   eval "$(scripts/build-and-push.sh)"    # sets HTTPSHIM_IMAGE and TRANSLATOR_IMAGE
#
# Environment: AWS_REGION (or the CLI's region), REPOSITORY_PREFIX (default sagemaker-openai-gateway),
# IMAGE_TAG (default: the git commit; -dirty-TIME for uncommitted changes), PLATFORM (default
# linux/amd64; linux/arm64 for Graviton, with CpuArchitecture ARM64 at deploy time).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/aws-partition.sh
source scripts/aws-partition.sh

region="$(resolve_region)"
partition_for_region "$region"
account="$(aws sts get-caller-identity --query Account --output text --region "$region")"
registry="$account.dkr.ecr.$region.$DNS_SUFFIX"
prefix="${REPOSITORY_PREFIX:-sagemaker-openai-gateway}"
platform="${PLATFORM:-linux/amd64}"
tag="${IMAGE_TAG:-}"
if [ -z "$tag" ]; then
  tag="$(git rev-parse --short=12 HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)"
  # Repositories are tag-immutable: a build of uncommitted changes gets a tag of its own each time.
  [ -z "$(git status --porcelain 2>/dev/null)" ] || tag="$tag-dirty-$(date -u +%Y%m%d%H%M%S)"
fi

echo "registry $registry ($PARTITION), tag $tag, platform $platform" >&2
aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry" >&2

for target in httpshim translator; do
  repository="$prefix/$target"
  if ! aws ecr describe-repositories --region "$region" --repository-names "$repository" >/dev/null 2>&1; then
    echo "creating ECR repository $repository" >&2
    aws ecr create-repository --region "$region" --repository-name "$repository" \
      --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE >/dev/null
  fi
  image="$registry/$repository:$tag"
  docker build --platform "$platform" --target "$target" --tag "$image" . >&2
  docker push "$image" >&2
  name="$(echo "$target" | tr '[:lower:]' '[:upper:]')_IMAGE"
  printf '%s=%q\n' "$name" "$image"
done
