#!/usr/bin/env bash
# Stops the daemons deploy/slurm/cluster-up.sh STATE_DIR started (by their pid files only).
set -uo pipefail
state="$(realpath -m "${1:?usage: cluster-down.sh STATE_DIR}")"
for pidfile in "$state/slurmd.pid" "$state/slurmctld.pid" "$state/munge/munged.pid"; do
  if [ -s "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
done
