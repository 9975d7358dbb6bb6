#!/usr/bin/env bash
# The fixed-interval Cloudneeti poller users write by hand (curl + sleep + jq), the baseline of
# `npm run bench`: account token → rescan → `sleep $INTERVAL` + job status until Success/Failed →
# the job's benchmark report → a verdict file. Bounded by MAX_POLLS and TIMEOUT seconds.
#
# Environment: CN_URL CN_KEY CN_APP_ID CN_APP_SECRET CN_LICENSE CN_ACCOUNT (required),
# INTERVAL (seconds, default 10), BENCHMARK (default CSBP), OUT_DIR (default .),
# MAX_POLLS (default 1000), TIMEOUT (default 1800).
# Writes $OUT_DIR/report.json and then $OUT_DIR/verdict.json ({result, score, jobId, polls}).
# Exit: 0 pass, 1 fail, 2 error.
set -euo pipefail

: "${CN_URL:?}" "${CN_KEY:?}" "${CN_APP_ID:?}" "${CN_APP_SECRET:?}" "${CN_LICENSE:?}" "${CN_ACCOUNT:?}"
INTERVAL="${INTERVAL:-10}"
BENCHMARK="${BENCHMARK:-CSBP}"
OUT_DIR="${OUT_DIR:-.}"
MAX_POLLS="${MAX_POLLS:-1000}"
TIMEOUT="${TIMEOUT:-1800}"

die() {
  echo "naive-poller: $*" >&2
  exit 2
}

api() { # api METHOD PATH [curl args...]
  local method="$1" path="$2"
  shift 2
  curl -sS --fail-with-body --max-time 30 -X "$method" \
    -H "Ocp-Apim-Subscription-Key: $CN_KEY" "$@" "$CN_URL$path"
}

token=$(api POST "/authorize/license/$CN_LICENSE/token?accountId=$CN_ACCOUNT" \
  -H 'Content-Type: application/json' \
  -d "{\"APIApplicationId\":\"$CN_APP_ID\",\"Secret\":\"$CN_APP_SECRET\"}" | jq -r '.result.token') ||
  die "token request failed"
[[ -n "$token" && "$token" != null ]] || die "no token in the response"
auth=(-H "Authorization: Bearer $token")
account="/license/$CN_LICENSE/account/$CN_ACCOUNT"

job=$(api GET "/compliance$account/rescan" "${auth[@]}" | jq -r '.result.jobId') || die "rescan failed"
[[ -n "$job" && "$job" != null ]] || die "no jobId in the rescan response"

deadline=$((SECONDS + TIMEOUT))
polls=0
status=Pending
while ((polls < MAX_POLLS)); do
  ((SECONDS < deadline)) || die "timed out waiting for job $job (last status $status)"
  sleep "$INTERVAL"
  polls=$((polls + 1))
  status=$(api GET "/compliance$account/job/$job/status" "${auth[@]}" | jq -r '.result.jobStatus') ||
    die "status request failed"
  case "$status" in
  Success) break ;;
  Failed) die "scan job $job failed" ;;
  esac
done
[[ "$status" == Success ]] || die "gave up after $polls polls (last status $status)"

api GET "/audit$account/job/$job/benchmark/$BENCHMARK/summary" "${auth[@]}" >"$OUT_DIR/report.json" ||
  die "report request failed"

# Fail on any High or Critical policy that is Red or Amber; score as the service computed it.
jq --arg job "$job" --argjson polls "$polls" '
  [.result.resourceCategories[].policies[]
   | select((.compliance == "Red" or .compliance == "Amber")
            and (.severity == "High" or .severity == "Critical"))] as $blocking
  | {result: (if ($blocking | length) > 0 then "fail" else "pass" end),
     score: ((.result.posture.compliancePercent * 100 | round) / 100),
     jobId: $job, polls: $polls}' "$OUT_DIR/report.json" >"$OUT_DIR/verdict.json.tmp" ||
  die "could not evaluate the report"
mv "$OUT_DIR/verdict.json.tmp" "$OUT_DIR/verdict.json"

[[ "$(jq -r .result "$OUT_DIR/verdict.json")" == pass ]] || exit 1
