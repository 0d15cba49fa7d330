/*
 * The linux-x64 tool package carries the CLI compiled three times by NativeAOT: for the portable
 * x86-64-v2 baseline (this binary, the tool's entry point), for x86-64-v3 (AVX2) and for
 * x86-64-v4 (AVX-512). NativeAOT fixes AVX, AVX2 and AVX-512 when it compiles (it cannot put
 * VEX/EVEX code behind a run-time check), so one binary cannot take the wide SIMD paths of the
 * Monte Carlo walk only where the CPU has them. This constructor runs before the .NET runtime
 * starts: it finds the widest level the CPU and the kernel support and, when the binary built for
 * it lies beside this one, replaces this process with it (execve: same arguments, environment,
 * standard streams and process id), so the choice costs one exec and no runtime start-up.
 *
 * DOSE_ESCALATION_ISA=x86-64-v2|x86-64-v3|x86-64-v4 runs that build instead (an error if this CPU
 * lacks the level or the build is not installed); unset or empty, the widest the CPU runs.
 * Every build prints the same bytes for the same command (deploy/native/check-identical.sh).
 *
 * Only the baseline build links this file (src/DoseEscalation.Cli/DoseEscalation.Cli.csproj).
 */
#include <cpuid.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static uint64_t xcr0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

/* 2, 3 or 4: the x86-64 level this CPU and kernel run, by the criteria the .NET runtime checks
 * before it starts a binary compiled for that level (a wrong "yes" would make the exec'd binary
 * refuse to start). */
static int cpu_level(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 2;
    const unsigned osxsave = 1u << 27, avx = 1u << 28, fma = 1u << 12, movbe = 1u << 22, f16c = 1u << 29;
    if ((c & (osxsave | avx | fma | movbe | f16c)) != (osxsave | avx | fma | movbe | f16c)) return 2;
    uint64_t xcr = xcr0();
    if ((xcr & 0x6) != 0x6) return 2; /* the kernel saves XMM and YMM state */
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d) || !(c & (1u << 5))) return 2; /* LZCNT */
    if (__get_cpuid_max(0, 0) < 7) return 2;
    __cpuid_count(7, 0, a, b, c, d);
    const unsigned avx2 = 1u << 5, bmi1 = 1u << 3, bmi2 = 1u << 8;
    if ((b & (avx2 | bmi1 | bmi2)) != (avx2 | bmi1 | bmi2)) return 2;
    /* AVX-512 F, DQ, CD, BW, VL, and the kernel saves the opmask and ZMM state */
    const unsigned v4 = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
    return (b & v4) == v4 && (xcr & 0xE0) == 0xE0 ? 4 : 3;
}

static int parse_level(const char *s)
{
    if (strcmp(s, "x86-64-v2") == 0) return 2;
    if (strcmp(s, "x86-64-v3") == 0) return 3;
    if (strcmp(s, "x86-64-v4") == 0) return 4;
    return 0;
}

__attribute__((constructor)) static void dispatch(int argc, char **argv)
{
    (void)argc;
    const char *asked = getenv("DOSE_ESCALATION_ISA");
    int level = cpu_level(), want = level;
    if (asked && *asked)
    {
        want = parse_level(asked);
        if (!want)
        {
            fprintf(stderr, "dose-escalation: DOSE_ESCALATION_ISA: unknown level '%s' (x86-64-v2, x86-64-v3 or x86-64-v4)\n", asked);
            _exit(2);
        }
        if (want > level)
        {
            fprintf(stderr, "dose-escalation: DOSE_ESCALATION_ISA: this CPU does not run %s (it runs x86-64-v%d)\n", asked, level);
            _exit(2);
        }
    }
    if (want == 2) return; /* this binary */

    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || n >= (ssize_t)sizeof self - 1) return; /* no /proc (or a path too long): run this build */
    self[n] = '\0';
    char target[PATH_MAX + 16];
    snprintf(target, sizeof target, "%s-x86-64-v%d", self, want);
    execve(target, argv, environ);
    /* execve returned: the wider build could not be started */
    if (asked && *asked)
    {
        fprintf(stderr, "dose-escalation: DOSE_ESCALATION_ISA=%s: cannot run %s: %s\n", asked, target, strerror(errno));
        _exit(2);
    }
    if (errno != ENOENT) /* not silent: this build runs the 128-bit path, several times slower */
        fprintf(stderr, "dose-escalation: warning: cannot run %s (%s); running the x86-64-v2 build\n", target, strerror(errno));
}
