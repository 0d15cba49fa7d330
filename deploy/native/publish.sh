#!/usr/bin/env bash
# The CLI as one native executable (NativeAOT): no .NET runtime on the machine that runs it, and
# about 0.2 s less start-up than the `dotnet tool` build (17 ms against 0.23 s of CPU; the
# csproj's AOT settings say why), which matters for short runs and for the whole-process
# comparison with C (docs/performance.md). The outputs are byte-identical to the tool's
# (deploy/native/check-identical.sh).
#
#   deploy/native/publish.sh [OUT] [ISA]
#
# OUT: the folder to write (default out/native): dose-escalation plus the native libraries the
# charts need (libSkiaSharp.so, libHarfBuzzSharp.so), to be kept together.
# ISA: the x86-64 level compiled for (default: the build machine's, x86-64-v4 when it has
# AVX-512, x86-64-v3 with AVX2, else x86-64-v2). NativeAOT fixes the instruction set when it
# compiles: a v4 binary runs only on CPUs with AVX-512 (it refuses to start elsewhere), and the
# runtime's DOTNET_Enable* switches do not apply to it; `simulate --simd` still chooses any
# narrower path, with the same numbers. (The linux-x64 tool package carries x86-64-v2, v3 and v4
# builds and starts the widest the CPU runs; this script builds the one level, with no hand-over.)
# Needs: the .NET SDK, gcc (or clang) and zlib1g-dev (Debian packages); linux-x64 only. About
# 3-6 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-out/native}"
isa="${2:-}"
if [ -z "$isa" ]; then
  if grep -qw avx512f /proc/cpuinfo; then isa=x86-64-v4
  elif grep -qw avx2 /proc/cpuinfo; then isa=x86-64-v3
  else isa=x86-64-v2; fi
fi
dotnet publish src/DoseEscalation.Cli -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet="$isa" -o "$out"
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.xml # debug symbols and docs: not needed to run
echo "native build ($isa): $out/dose-escalation"
