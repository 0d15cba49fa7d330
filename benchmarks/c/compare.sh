#!/usr/bin/env bash
# Whole-process comparison of `dose-escalation simulate` with the reference C program on the
# standard case (3+3 escalation-only, p = 0.10/0.25/0.40), with public tools only (GNU time):
# the two commands alternate (C, C#, C, C#, ...), and the throughput ratio C CPU s / C# CPU s is
# taken pair by pair, so a drift of the shared machine's speed cancels within a pair.
#
#   benchmarks/c/compare.sh DOSE_ESCALATION [TRIALS] [THREADS] [PAIRS]
#
# DOSE_ESCALATION is the command to measure: the installed tool, a published binary, or
# "dotnet path/to/dose-escalation.dll". Prints each pair and the median ratios (CPU and wall).
set -euo pipefail
cd "$(dirname "$0")"
tool="${1:?usage: compare.sh DOSE_ESCALATION [TRIALS] [THREADS] [PAIRS]}"
trials="${2:-1000000000}"; threads="${3:-1}"; pairs="${4:-7}"
command -v /usr/bin/time >/dev/null || { echo "compare.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
make -s threeplusthree
c_cmd=(./threeplusthree "$trials" "$threads" 2)
read -r -a cs_cmd <<<"$tool"
cs_cmd+=(simulate --dlt 0.10,0.25,0.40 --deescalate false --expand-top-dose false --trials "$trials" --threads "$threads" --seed 2 --quiet)
measure() { # prints "cpu wall" of one run of "$@"
  local f; f="$(mktemp)"
  /usr/bin/time -f '%U %S %e' -o "$f" "$@" >/dev/null
  awk '{printf "%.3f %.3f\n", $1 + $2, $3}' "$f"; rm -f "$f"
}
"${c_cmd[@]}" >/dev/null; "${cs_cmd[@]}" >/dev/null # warm-up
echo "pair  C cpu  C# cpu  C wall  C# wall  ratio cpu  ratio wall   ($trials trials, $threads thread(s))"
ratios_cpu=(); ratios_wall=()
for i in $(seq 1 "$pairs"); do
  read -r c_cpu c_wall < <(measure "${c_cmd[@]}")
  read -r s_cpu s_wall < <(measure "${cs_cmd[@]}")
  rc=$(awk -v a="$c_cpu" -v b="$s_cpu" 'BEGIN{printf "%.3f", a / b}')
  rw=$(awk -v a="$c_wall" -v b="$s_wall" 'BEGIN{printf "%.3f", a / b}')
  ratios_cpu+=("$rc"); ratios_wall+=("$rw")
  printf '%4d  %5.2f  %6.2f  %6.2f  %7.2f  %9s  %10s\n' "$i" "$c_cpu" "$s_cpu" "$c_wall" "$s_wall" "$rc" "$rw"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
echo "median throughput ratio C# : C (C CPU s / C# CPU s, pair by pair): cpu $(median "${ratios_cpu[@]}"), wall $(median "${ratios_wall[@]}")"
