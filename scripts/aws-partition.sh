# Sourced by build-and-push.sh and deploy.sh: the partition and DNS suffix follow from the region,
# as in the translator (docs/design.md): cn-* regions are the aws-cn partition on amazonaws.com.cn.
# shellcheck shell=bash

# Sets PARTITION and DNS_SUFFIX for region $1.
partition_for_region() {
  case "$1" in
    cn-*) PARTITION=aws-cn; DNS_SUFFIX=amazonaws.com.cn ;;
    us-gov-*) PARTITION=aws-us-gov; DNS_SUFFIX=amazonaws.com ;;
    *) PARTITION=aws; DNS_SUFFIX=amazonaws.com ;;
  esac
  export PARTITION DNS_SUFFIX
}

# The region from AWS_REGION, AWS_DEFAULT_REGION or the CLI's configuration.
resolve_region() {
  local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  [ -n "$region" ] || region="$(aws configure get region 2>/dev/null || true)"
  [ -n "$region" ] || { echo "set AWS_REGION" >&2; return 1; }
  printf '%s\n' "$region"
}
