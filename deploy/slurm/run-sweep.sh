#!/usr/bin/env bash
# Runs a sweep on Slurm as a job array of N shards, waits for it, and merges the parts:
#   deploy/slurm/run-sweep.sh GRID.yaml N RESULT [--format csv|parquet]
# The parts and the tasks' logs go to RESULT.parts/ (kept: the parts are the run's raw counters).
# DOSE_ESCALATION names the tool (default: dose-escalation on PATH); it must be reachable by the
# compute nodes under the same path (a shared file system), as must GRID and RESULT's folder.
set -euo pipefail
grid="${1:?usage: run-sweep.sh GRID.yaml N RESULT [merge options]}"
n="${2:?usage: run-sweep.sh GRID.yaml N RESULT [merge options]}"
result="${3:?usage: run-sweep.sh GRID.yaml N RESULT [merge options]}"
shift 3
here="$(cd "$(dirname "$0")" && pwd)"
parts="$result.parts"
mkdir -p "$parts"
rm -f "$parts"/part-*.json
# --wait: sbatch returns when every task has ended, with a non-zero code if any failed.
sbatch --wait --quiet --array="0-$((n - 1))" --output="$parts/slurm-%A_%a.out" \
  "$here/sweep-array.sbatch" "$(realpath "$grid")" "$(realpath "$parts")"
${DOSE_ESCALATION:-dose-escalation} merge "$parts"/part-*.json --out "$result" "$@"
echo "merged $n shards into $result"
