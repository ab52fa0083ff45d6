#!/usr/bin/env bash
# Deploys the gateway to ECS Fargate. Three ways:
#
#   scripts/deploy.sh stack     (default) create or update the CloudFormation stack in
#                               deploy/cloudformation.yaml: ALB, cluster, service, roles, logs, scaling
#   scripts/deploy.sh task      register deploy/ecs-task.json (rendered) and roll an existing service to it
#   scripts/deploy.sh render    print the rendered task definition and task-role policy; calls nothing
#
# Images: HTTPSHIM_IMAGE, TRANSLATOR_IMAGE (eval "$(scripts/build-and-push.sh)" sets both).
# Always: AWS_REGION (or the CLI's region), SAGEMAKER_ENDPOINT_NAME, AUTH_SECRET_ARN (the secret's full ARN).
# stack:  VPC_ID, LB_SUBNET_IDS and TASK_SUBNET_IDS (comma-separated); optional STACK_NAME
#         (default sagemaker-openai-gateway), CERTIFICATE_ARN, ASSIGN_PUBLIC_IP, LB_SCHEME, ALLOWED_CIDR,
#         DESIRED_COUNT, MAX_COUNT, CPU_ARCHITECTURE, LOG_LEVEL, API_KEY_CACHE_TTL.
# task:   CLUSTER, SERVICE, TASK_ROLE_ARN, EXECUTION_ROLE_ARN, LOG_GROUP; optional TASK_FAMILY, TASK_CPU,
#         TASK_MEMORY, CPU_ARCHITECTURE, LOG_LEVEL, API_KEY_CACHE_TTL.
# render: the task variables, and ACCOUNT_ID (no call to STS is made).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/aws-partition.sh
source scripts/aws-partition.sh

mode="${1:-stack}"
need() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || { echo "deploy.sh $mode: set $name" >&2; exit 2; }
  done
}

AWS_REGION="$(resolve_region)"
export AWS_REGION
partition_for_region "$AWS_REGION"
export LOG_LEVEL="${LOG_LEVEL:-info}" API_KEY_CACHE_TTL="${API_KEY_CACHE_TTL:-3600}"
export CPU_ARCHITECTURE="${CPU_ARCHITECTURE:-X86_64}" TASK_CPU="${TASK_CPU:-512}" TASK_MEMORY="${TASK_MEMORY:-1024}"
export TASK_FAMILY="${TASK_FAMILY:-sagemaker-openai-gateway}"
need HTTPSHIM_IMAGE TRANSLATOR_IMAGE SAGEMAKER_ENDPOINT_NAME AUTH_SECRET_ARN
# The translator takes the secret by ARN; SageMaker's ARNs carry the endpoint name in lowercase.
export AUTH_SECRET_ID="$AUTH_SECRET_ARN"
SAGEMAKER_ENDPOINT_NAME_LOWER="$(printf '%s' "$SAGEMAKER_ENDPOINT_NAME" | tr '[:upper:]' '[:lower:]')"
export SAGEMAKER_ENDPOINT_NAME_LOWER

# Templates are rendered into temporary files; the tracked ones are never edited.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
render() { python3 scripts/render-template.py "$1" "$2"; }

case "$mode" in
  render)
    need TASK_ROLE_ARN EXECUTION_ROLE_ARN LOG_GROUP ACCOUNT_ID
    render deploy/ecs-task.json "$workdir/task.json"
    render deploy/iam-policy.json "$workdir/policy.json"
    cat "$workdir/task.json"
    echo
    cat "$workdir/policy.json"
    ;;
  task)
    need CLUSTER SERVICE TASK_ROLE_ARN EXECUTION_ROLE_ARN LOG_GROUP
    render deploy/ecs-task.json "$workdir/task.json"
    arn="$(aws ecs register-task-definition --region "$AWS_REGION" --cli-input-json "file://$workdir/task.json" \
      --query taskDefinition.taskDefinitionArn --output text)"
    echo "registered $arn" >&2
    aws ecs update-service --region "$AWS_REGION" --cluster "$CLUSTER" --service "$SERVICE" \
      --task-definition "$arn" --query service.serviceArn --output text >/dev/null
    aws ecs wait services-stable --region "$AWS_REGION" --cluster "$CLUSTER" --services "$SERVICE"
    echo "service $SERVICE runs $arn" >&2
    ;;
  stack)
    need VPC_ID LB_SUBNET_IDS TASK_SUBNET_IDS
    stack="${STACK_NAME:-sagemaker-openai-gateway}"
    aws cloudformation deploy --region "$AWS_REGION" --stack-name "$stack" \
      --template-file deploy/cloudformation.yaml --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
      --parameter-overrides \
        "VpcId=$VPC_ID" "LoadBalancerSubnetIds=$LB_SUBNET_IDS" "TaskSubnetIds=$TASK_SUBNET_IDS" \
        "AssignPublicIp=${ASSIGN_PUBLIC_IP:-DISABLED}" "LoadBalancerScheme=${LB_SCHEME:-internet-facing}" \
        "AllowedCidr=${ALLOWED_CIDR:-0.0.0.0/0}" "CertificateArn=${CERTIFICATE_ARN:-}" \
        "HttpshimImage=$HTTPSHIM_IMAGE" "TranslatorImage=$TRANSLATOR_IMAGE" \
        "SageMakerEndpointName=$SAGEMAKER_ENDPOINT_NAME_LOWER" "AuthSecretArn=$AUTH_SECRET_ARN" \
        "ApiKeyCacheTtl=$API_KEY_CACHE_TTL" "LogLevel=$LOG_LEVEL" "CpuArchitecture=$CPU_ARCHITECTURE" \
        "TaskCpu=$TASK_CPU" "TaskMemory=$TASK_MEMORY" \
        "DesiredCount=${DESIRED_COUNT:-2}" "MaxCount=${MAX_COUNT:-10}"
    url="$(aws cloudformation describe-stacks --region "$AWS_REGION" --stack-name "$stack" \
      --query "Stacks[0].Outputs[?OutputKey=='GatewayUrl'].OutputValue" --output text)"
    echo "OPENAI_BASE_URL=$url"
    ;;
  *)
    sed -n '2,17p' "$0" >&2
    exit 2
    ;;
esac
