#!/usr/bin/env bash
# Checks that a build of the CLI (the NativeAOT tool DoseEscalation.Cli.linux-x64, or the binary of
# deploy/native/publish.sh) prints the same bytes as the reference build (the framework-dependent JIT
# build, the tool package DoseEscalation.Cli.any)
# for the same inputs and seeds: simulate, exact and compare (JSON, CSV, table) on every file in
# scenarios/, the standard case on every SIMD path and thread count, the sweep grids in CSV and
# Parquet, reports (less the footer line naming the build's commit, the time and the command line),
# charts, and serve's answers over HTTP.
#
#   deploy/native/check-identical.sh REFERENCE_COMMAND CANDIDATE_COMMAND
#   e.g. deploy/native/check-identical.sh "dotnet out/jit/dose-escalation.dll" out/native/dose-escalation
#   .ci/run: deploy/native/check-identical.sh ANY_TOOL_PATH/dose-escalation NATIVE_TOOL_PATH/dose-escalation
#
# With CHECK_ENV_PATHS=1 the reference also runs with the runtime's SIMD switches
# (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0) against the candidate's
# --simd path of the same width (or its widest, if the candidate does not accelerate that width).
# With CHECK_QUICK=1 only the SIMD paths, the other designs and the switches: CI runs the whole
# check on the installed native tool (the build for this CPU's x86-64 level) and the quick one on
# the package's narrower builds (DOSE_ESCALATION_ISA, src/DoseEscalation.Cli/Native/isa-dispatch.c).
# Exits non-zero at the first difference, naming the command.
set -euo pipefail
cd "$(dirname "$0")/../.."
read -r -a ref <<<"${1:?usage: check-identical.sh REFERENCE_COMMAND CANDIDATE_COMMAND}"
read -r -a cand <<<"${2:?usage: check-identical.sh REFERENCE_COMMAND CANDIDATE_COMMAND}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
checked=0

# same ARGS...: runs both with ARGS (a literal OUT in ARGS becomes each build's own empty folder)
# and compares what they printed and the folders' files. An argument REF:CAND after --simd is REF
# for the reference and CAND for the candidate.
same() {
  local a=() b=() x prev=""
  for x in "$@"; do
    if [ "$prev" = --simd ] && [[ "$x" == *:* ]]; then a+=("${x%%:*}"); b+=("${x##*:}")
    else a+=("${x//OUT/$work/ref}"); b+=("${x//OUT/$work/cand}"); fi
    prev="$x"
  done
  rm -rf "$work/ref" "$work/cand" "$work/ref.txt" "$work/cand.txt"; mkdir "$work/ref" "$work/cand"
  "${ref[@]}" "${a[@]}" >"$work/ref.txt" 2>&1 || true
  "${cand[@]}" "${b[@]}" >"$work/cand.txt" 2>&1 || true
  # the outputs themselves (files or folders) and what each printed, paths made alike
  sed -i "s#$work/ref#OUT#g" "$work/ref.txt"; sed -i "s#$work/cand#OUT#g" "$work/cand.txt"
  # a report's reproducibility footer names the build's commit, the time and the command line
  find "$work/ref" "$work/cand" -name '*.md' -exec sed -i '/; created [0-9-]* [0-9:]* UTC; command: /d' {} +
  if ! cmp -s "$work/ref.txt" "$work/cand.txt" || ! diff -r -q "$work/ref" "$work/cand" >/dev/null; then
    echo "DIFFERENT: $*" >&2
    diff "$work/ref.txt" "$work/cand.txt" | head -20 >&2 || true
    diff -r -q "$work/ref" "$work/cand" >&2 || true
    exit 1
  fi
  checked=$((checked + 1))
}

std=(--dlt 0.10,0.25,0.40 --deescalate false --expand-top-dose false --seed 2)
if [ "${CHECK_QUICK:-0}" != 1 ]; then # every scenario file, every command
for f in scenarios/*.yaml; do
  for fmt in json csv table; do
    same simulate "$f" --trials 300000 --seed 11 --threads 1 --format "$fmt" --quiet
    same exact "$f" --format "$fmt" --quiet
    same compare "$f" --trials 50000 --seed 11 --format "$fmt" --quiet
  done
  same simulate "$f" --trials 300000 --seed 11 --threads 2 --format json --quiet
  same compare "$f" --trials 50000 --seed 11 --threads 2 --format json --quiet
  same compare "$f" --trials 20000 --seed 11 --calendar --format json --quiet
  same simulate "$f" --trials 100000 --seed 11 --calendar --format json --quiet
  same table "$f"
  same samplesize "$f" --quiet
  same report "$f" --trials 20000 --seed 3 --format md --out OUT/report.md
  same plot "$f" --trials 20000 --seed 3 --format svg --out OUT/plots
done
fi
# The SIMD paths: each one the reference runs against the same path of the candidate, or, where the
# candidate does not accelerate that path (a portable native build has the 128-bit path and scalar
# only: NativeAOT fixes the instruction set when it compiles), against the candidate's widest path.
# Every path gives the same numbers, so the outputs must still be the same bytes.
accelerates() { "${cand[@]}" simulate "${std[@]}" --trials 1000 --simd "$1" --format json --quiet >/dev/null 2>&1; }
for path in auto vector512 vector256 vector128 scalar; do
  cand_path="$path"; accelerates "$path" || cand_path=auto
  for t in 1 2; do same simulate "${std[@]}" --trials 2000000 --threads "$t" --simd "$path:$cand_path" --format json --quiet; done
done
for d in boin mtpi2 keyboard i3+3 crm a+b; do
  same simulate --design "$d" --dlt 0.05,0.12,0.25,0.40,0.55 --trials 200000 --seed 5 --format json --quiet
  same exact --design "$d" --dlt 0.05,0.12,0.25,0.40,0.55 --format json --quiet
done
if [ "${CHECK_QUICK:-0}" = 1 ]; then # the calendar engines (TITE-CRM's vector arithmetic) on every scenario file
  for f in scenarios/*.yaml; do same compare "$f" --trials 20000 --seed 11 --calendar --format json --quiet; done
fi
if [ "${CHECK_QUICK:-0}" != 1 ]; then # the sweeps, a chart and serve
for g in deploy/slurm/ci-grid.yaml deploy/slurm/ci-calendar-grid.yaml; do
  same sweep "$g" --out OUT/sweep.csv --quiet
  same sweep "$g" --out OUT/sweep.parquet --quiet
done
same plot --dlt 0.05,0.10,0.20 --charts selection --out OUT/png

# serve: each build's server on a free loopback port answers the same bytes for the design catalog,
# a scenario file read, a refused form and a run's status (bash's /dev/tcp: no HTTP client needed).
# serve_answers NAME COMMAND...: starts serve, writes the bodies to $work/NAME.http, stops it.
serve_answers() {
  local name="$1"; shift
  "$@" serve --port 0 >"$work/$name.url" 2>&1 & local pid=$!
  local url="" i
  for i in $(seq 1 300); do url="$(sed -n 's#^dose-escalation serve: http://127.0.0.1:\([0-9]*\)/$#\1#p' "$work/$name.url")"; [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "DIFFERENT: serve did not start ($name): $(cat "$work/$name.url")" >&2; kill "$pid" 2>/dev/null; exit 1; }
  trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  http() { # METHOD PATH [BODY]: the response body
    local LC_ALL=C body="${3:-}" # ${#body} in bytes
    exec 3<>"/dev/tcp/127.0.0.1/$url"
    printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n%s' "$1" "$2" "${#body}" "$body" >&3
    sed '1,/^\r$/d' <&3; exec 3<&-
  }
  {
    http GET /api/designs; echo
    http POST /api/scenario "$(cat scenarios/nct05008536-bcma-car-nk.yaml)"; echo
    http POST /api/runs '{"verb":"simulate","trials":"30x"}'; echo
    http POST /api/runs '{"verb":"table","design":"boin","dlt":"0.1,0.2,0.3"}' | sed 's/"id":"[0-9a-f]*"/"id":"ID"/'; echo
  } >"$work/$name.http"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap 'rm -rf "$work"' EXIT
}
serve_answers ref "${ref[@]}"
serve_answers cand "${cand[@]}"
grep -q '"name":"boin"' "$work/ref.http" || { echo "DIFFERENT: serve (reference) answered no catalog: $(head -c 300 "$work/ref.http")" >&2; exit 1; }
cmp -s "$work/ref.http" "$work/cand.http" || { echo "DIFFERENT: serve's answers" >&2; diff "$work/ref.http" "$work/cand.http" | head -20 >&2; exit 1; }
checked=$((checked + 1))
fi

if [ "${CHECK_ENV_PATHS:-0}" = 1 ]; then
  # The reference on each narrower path through the runtime's switches, the candidate through --simd.
  for pair in DOTNET_EnableAVX512=0:vector256 DOTNET_EnableAVX2=0:vector128 DOTNET_EnableHWIntrinsic=0:scalar; do
    env_var="${pair%%:*}"; path="${pair##*:}"
    accelerates "$path" || path=auto
    for t in 1 2; do
      rm -rf "$work/ref" "$work/cand"
      env "$env_var" "${ref[@]}" simulate "${std[@]}" --trials 2000000 --threads "$t" --format json --quiet >"$work/ref.txt"
      "${cand[@]}" simulate "${std[@]}" --trials 2000000 --threads "$t" --simd "$path" --format json --quiet >"$work/cand.txt"
      cmp -s "$work/ref.txt" "$work/cand.txt" || { echo "DIFFERENT: $env_var reference against --simd $path, $t thread(s)" >&2; exit 1; }
      checked=$((checked + 1))
    done
  done
fi
echo "identical: $checked commands"
