/*
 * The reference C program for docs/performance.md: Monte Carlo operating characteristics of the
 * 3+3 design, escalation only (no de-escalation, no expansion at the top dose), 3 doses, written
 * as fast as we can in C, to measure `dose-escalation simulate` against.
 *
 * Technique (the one docs/performance.md describes for the C# AVX-512 path, written
 * independently):
 *  - the design is compiled into a count-based state graph (14 non-terminal states for 3 doses:
 *    the level, patients and DLTs per level) and each non-terminal state's cohort outcome
 *    (0..3 DLTs of 3 patients) into three cumulative thresholds on a 53-bit uniform;
 *  - 16 xoshiro256** generators live in AVX-512 registers as two 8-lane vectors; each lane walks
 *    its own trial, one uniform per cohort;
 *  - the seven table columns (three thresholds, four next states) of the at most 16 table slots
 *    are fourteen zmm registers; one vpermi2q looks a column up for eight lanes, three compares
 *    and masked moves choose the next state;
 *  - a terminal state is encoded as (terminal + 1) * 16 + 15, so its low four bits (all a permute
 *    reads) select slot 15, a copy of the root: a lane that ended a trial starts the next one on
 *    its next draw, with no branch;
 *  - ended trials are compressed (vpcompressq, register form: the memory form is slow on AMD)
 *    into a buffer that is added to the terminal counts every 64 rounds; each lane has its own
 *    copy of the counters, and the buffer holds counter addresses (the encoded terminal state plus
 *    the lane's base, one vector add before the compress), so a flush is a load and an increment
 *    per ended trial, and neighbours from one round never chain their increments through memory
 *    (with one copy, two equal neighbours wait for each other's store: 13% of the whole run);
 *  - two batches (8 lanes each, 65,536 trials each) walk interleaved, so 16 trials are in flight;
 *    a batch stops its vector rounds with fewer than 16 trials left and finishes exactly its
 *    number of trials in a scalar loop;
 *  - pthreads take pairs of batches from an atomic counter; each thread has its own counts.
 *
 * Build (gcc 12, see benchmarks/c/Makefile):  gcc -O3 -march=native -pthread threeplusthree.c -o threeplusthree -lm
 * Run:  ./threeplusthree TRIALS THREADS [SEED] [p1,p2,p3]
 * Prints the selection frequencies (none, DL1..DL3), the mean number of patients and the
 * trials per second of the walk.
 */
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DOSES 3
#define MAX_NODES 128
#define SLOTS 16
#define LANES 8
#define BATCH 65536
#define FLUSH_ROUNDS 64

/* ---------- the state graph ---------- */

typedef struct {
    int level;          /* current dose (0-based) */
    int n[DOSES], x[DOSES];
    int terminal;       /* 1 when the trial has stopped */
    int selected;       /* -1: no dose; else the selected dose (terminal states only) */
} State;

static State states[MAX_NODES];
static int state_count;
static int child[MAX_NODES][4];     /* next state after 0..3 DLTs (non-terminal states) */

static int find_or_add(const State *s)
{
    for (int i = 0; i < state_count; i++)
        if (states[i].level == s->level && states[i].terminal == s->terminal && states[i].selected == s->selected &&
            !memcmp(states[i].n, s->n, sizeof s->n) && !memcmp(states[i].x, s->x, sizeof s->x))
            return i;
    if (state_count == MAX_NODES) { fprintf(stderr, "threeplusthree: too many states\n"); exit(1); }
    states[state_count] = *s;
    return state_count++;
}

/* 3+3, escalation only: a cohort of 3 at the current dose; 0/3 or at most 1/6 escalates (at the top
 * dose: stop and select it); 1/3 adds a cohort; otherwise stop and select the dose below. */
static State after_cohort(const State *s, int dlts)
{
    State c = *s;
    int d = c.level;
    c.n[d] += 3;
    c.x[d] += dlts;
    int escalate = c.n[d] == 3 ? c.x[d] == 0 : c.x[d] <= 1;
    int stay = c.n[d] == 3 && c.x[d] == 1;
    if (stay) return c;
    if (escalate && d + 1 < DOSES) { c.level = d + 1; return c; }
    c.terminal = 1;
    c.selected = escalate ? d : d - 1;
    return c;
}

/* Node numbering after build: non-terminal 0..first-1 (root 0), terminal first..count-1. */
static int node_of[MAX_NODES], first_terminal, node_count;
static State nodes[MAX_NODES];
static int node_child[MAX_NODES][4];

static void build_graph(void)
{
    State root = {0};
    root.selected = -1;
    find_or_add(&root);
    for (int i = 0; i < state_count; i++) {
        if (states[i].terminal) continue;
        for (int y = 0; y <= 3; y++) {
            State c = after_cohort(&states[i], y);
            child[i][y] = find_or_add(&c);
        }
    }
    int k = 0;
    for (int i = 0; i < state_count; i++) if (!states[i].terminal) node_of[i] = k++;
    first_terminal = k;
    for (int i = 0; i < state_count; i++) if (states[i].terminal) node_of[i] = k++;
    node_count = k;
    for (int i = 0; i < state_count; i++) {
        nodes[node_of[i]] = states[i];
        if (!states[i].terminal)
            for (int y = 0; y < 4; y++) node_child[node_of[i]][y] = node_of[child[i][y]];
    }
    if (first_terminal > SLOTS - 1) { fprintf(stderr, "threeplusthree: %d non-terminal states do not fit the register tables\n", first_terminal); exit(1); }
}

/* ---------- thresholds and register tables ---------- */

static uint64_t thr[MAX_NODES][3];    /* u >= thr[k] means more than k DLTs; u is 53 bits */

static uint64_t to_threshold(double c)
{
    double t = nearbyint(c * 9007199254740992.0);
    return t >= 9007199254740992.0 ? 9007199254740992ULL : (uint64_t)t;
}

static void compile_scenario(const double *p)
{
    for (int i = 0; i < first_terminal; i++) {
        double q = p[nodes[i].level];
        double c0 = pow(1 - q, 3), c1 = c0 + 3 * q * (1 - q) * (1 - q), c2 = c1 + 3 * q * q * (1 - q);
        thr[i][0] = to_threshold(c0);
        thr[i][1] = to_threshold(c1);
        thr[i][2] = to_threshold(c2);
    }
}

static int64_t encode(int node) { return node < first_terminal ? node : ((int64_t)(node - first_terminal + 1) << 6) | 15; }
static int decode(int64_t s) { return s < SLOTS ? (int)s : (int)(s >> 6) - 1 + first_terminal; }

static int64_t table[7][SLOTS] __attribute__((aligned(64)));

static void build_tables(void)
{
    for (int slot = 0; slot < SLOTS; slot++) {
        int n = slot < first_terminal ? slot : 0; /* later slots repeat the root */
        for (int k = 0; k < 3; k++) table[k][slot] = (int64_t)thr[n][k] - 1; /* u > T-1 iff u >= T */
        for (int y = 0; y < 4; y++) table[3 + y][slot] = encode(node_child[n][y]);
    }
}

/* ---------- generators ---------- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef struct { __m512i s0, s1, s2, s3; } Lanes;

static Lanes seed_lanes(uint64_t seed, uint64_t batch)
{
    uint64_t x = seed ^ (batch * 0xD1B54A32D192ED03ULL), w[4][LANES];
    for (int j = 0; j < LANES; j++)
        for (int k = 0; k < 4; k++) w[k][j] = splitmix64(&x);
    Lanes g;
    g.s0 = _mm512_loadu_si512(w[0]); g.s1 = _mm512_loadu_si512(w[1]);
    g.s2 = _mm512_loadu_si512(w[2]); g.s3 = _mm512_loadu_si512(w[3]);
    return g;
}

/* xoshiro256**: rotl(s1 * 5, 7) * 9, multiplications as shifts and adds. */
static inline __attribute__((always_inline)) __m512i next_u53(__m512i *s0, __m512i *s1, __m512i *s2, __m512i *s3)
{
    __m512i m5 = _mm512_add_epi64(*s1, _mm512_slli_epi64(*s1, 2));
    __m512i r = _mm512_rol_epi64(m5, 7);
    __m512i out = _mm512_add_epi64(r, _mm512_slli_epi64(r, 3));
    __m512i t = _mm512_slli_epi64(*s1, 17);
    *s2 = _mm512_xor_si512(*s2, *s0);
    *s3 = _mm512_xor_si512(*s3, *s1);
    *s1 = _mm512_xor_si512(*s1, *s2);
    *s0 = _mm512_xor_si512(*s0, *s3);
    *s2 = _mm512_xor_si512(*s2, t);
    *s3 = _mm512_rol_epi64(*s3, 45);
    return _mm512_srli_epi64(out, 11);
}

/* ---------- the walk ---------- */

typedef struct {
    __m512i t0a, t0b, t1a, t1b, t2a, t2b, n0a, n0b, n1a, n1b, n2a, n2b, n3a, n3b, last, base;
} Tables;

typedef struct { int64_t counts[8 * (MAX_NODES + 1) + 8]; } Tally;  /* 8 copies a terminal; see flush */

/* One round of eight lanes: draw, look up, choose the next states, buffer the lanes that ended. */
#define ROUND(T, S, G, BUF, COUNT)                                                                   \
    do {                                                                                             \
        __m512i u_ = next_u53(&(G).s0, &(G).s1, &(G).s2, &(G).s3);                                   \
        __m512i nx_ = _mm512_permutex2var_epi64((T).n0a, (S), (T).n0b);                              \
        __mmask8 m0_ = _mm512_cmpgt_epi64_mask(u_, _mm512_permutex2var_epi64((T).t0a, (S), (T).t0b)); \
        __mmask8 m1_ = _mm512_cmpgt_epi64_mask(u_, _mm512_permutex2var_epi64((T).t1a, (S), (T).t1b)); \
        __mmask8 m2_ = _mm512_cmpgt_epi64_mask(u_, _mm512_permutex2var_epi64((T).t2a, (S), (T).t2b)); \
        nx_ = _mm512_mask_mov_epi64(nx_, m0_, _mm512_permutex2var_epi64((T).n1a, (S), (T).n1b));     \
        nx_ = _mm512_mask_mov_epi64(nx_, m1_, _mm512_permutex2var_epi64((T).n2a, (S), (T).n2b));     \
        nx_ = _mm512_mask_mov_epi64(nx_, m2_, _mm512_permutex2var_epi64((T).n3a, (S), (T).n3b));     \
        (S) = nx_;                                                                                   \
        __mmask8 e_ = _mm512_cmpgt_epi64_mask(nx_, (T).last);                                        \
        _mm512_storeu_si512((BUF) + (COUNT), _mm512_maskz_compress_epi64(e_, _mm512_add_epi64(nx_, (T).base)));                  \
        (COUNT) += __builtin_popcount(e_);                                                           \
    } while (0)

/* The buffer holds counter addresses: lane j's copy of terminal t's counter is the long at byte
 * (t + 1) * 64 + 15 + 8j from the tally's base - 15, so an encoded terminal state plus the lane's
 * base (added in the vector before the compress) is its address; equal neighbours in the buffer
 * of one round come from different lanes, so their increments do not chain through memory. */
static inline __m512i lane_bases(int64_t *tail)
{
    return _mm512_add_epi64(_mm512_set1_epi64((int64_t)((char *)tail - 15)), _mm512_setr_epi64(0, 8, 16, 24, 32, 40, 48, 56));
}

static inline void flush(const int64_t *buf, int count)
{
    int i = 0;
    for (; i + 4 <= count; i += 4) {
        (*(int64_t *)buf[i])++;
        (*(int64_t *)buf[i + 1])++;
        (*(int64_t *)buf[i + 2])++;
        (*(int64_t *)buf[i + 3])++;
    }
    for (; i < count; i++) (*(int64_t *)buf[i])++;
}

/* Rounds that may run back to back while >= 16 trials remain before each: a round ends at most 8. */
static inline int safe_rounds(int remaining) { return (remaining - 2 * LANES) / LANES + 1; }

/* Vector rounds of one batch until fewer than 16 of its trials remain. */
static void phase1(const Tables *tp, __m512i *state, Lanes *g, int trials, int *done_ref, int64_t *tail)
{
    Tables T = *tp;
    T.base = lane_bases(tail);
    int64_t buf[FLUSH_ROUNDS * LANES + LANES];
    __m512i s = *state;
    Lanes G = *g;
    int done = *done_ref;
    while (trials - done >= 2 * LANES) {
        int count = 0, rounds = safe_rounds(trials - done);
        if (rounds > FLUSH_ROUNDS) rounds = FLUSH_ROUNDS;
        for (int r = 0; r < rounds; r++) ROUND(T, s, G, buf, count);
        flush(buf, count);
        done += count;
    }
    *state = s; *g = G; *done_ref = done;
}

/* The last trials of a batch, lane by lane: lanes mid-trial finish; lanes free start new trials
 * while the budget allows, so the batch runs exactly `trials` trials. */
static void finish(__m512i state, Lanes *g, int trials, int done, int64_t *tail)
{
    int64_t sv[LANES];
    int s[LANES], in_flight = 0;
    _mm512_storeu_si512(sv, state);
    for (int j = 0; j < LANES; j++) {
        int n = decode(sv[j]);
        /* no edge leads to the root: a lane on the root has not started, one on a terminal has ended */
        if (n == 0 || n >= first_terminal) s[j] = -1; else { s[j] = n; in_flight++; }
    }
    int to_start = trials - done - in_flight;
    for (int j = 0; j < LANES && to_start > 0; j++)
        if (s[j] < 0) { s[j] = 0; to_start--; in_flight++; }
    int64_t u[LANES];
    while (in_flight > 0) {
        _mm512_storeu_si512(u, next_u53(&g->s0, &g->s1, &g->s2, &g->s3));
        for (int j = 0; j < LANES; j++) {
            int n = s[j];
            if (n < 0) continue;
            uint64_t w = (uint64_t)u[j];
            int y = (w >= thr[n][0]) + (w >= thr[n][1]) + (w >= thr[n][2]);
            n = node_child[n][y];
            if (n >= first_terminal) {
                tail[8 * (n - first_terminal + 1)]++;
                if (to_start > 0) { to_start--; n = 0; } else { n = -1; in_flight--; }
            }
            s[j] = n;
        }
    }
}

/* Two batches interleaved, each with its own generator, budget and stopping rule. */
static void run_pair(const Tables *tp, uint64_t seed, long ba, int ta, long bb, int tb, int64_t *tail)
{
    Tables T = *tp;
    T.base = lane_bases(tail);
    Lanes A = seed_lanes(seed, (uint64_t)ba), B = seed_lanes(seed, (uint64_t)bb);
    __m512i sa = _mm512_setzero_si512(), sb = sa;
    int64_t bufa[FLUSH_ROUNDS * LANES + LANES], bufb[FLUSH_ROUNDS * LANES + LANES];
    int da = 0, db = 0;
    while (ta - da >= 2 * LANES && tb - db >= 2 * LANES) {
        int ca = 0, cb = 0;
        int ra = safe_rounds(ta - da), rb = safe_rounds(tb - db);
        int rounds = ra < rb ? ra : rb;
        if (rounds > FLUSH_ROUNDS) rounds = FLUSH_ROUNDS;
        for (int r = 0; r < rounds; r++) {
            ROUND(T, sa, A, bufa, ca);
            ROUND(T, sb, B, bufb, cb);
        }
        flush(bufa, ca);
        flush(bufb, cb);
        da += ca; db += cb;
    }
    /* fresh copies for the by-address calls: the loop's states stay in registers */
    __m512i stA = sa, stB = sb;
    Lanes gA = A, gB = B;
    phase1(tp, &stA, &gA, ta, &da, tail);
    phase1(tp, &stB, &gB, tb, &db, tail);
    finish(stA, &gA, ta, da, tail);
    finish(stB, &gB, tb, db, tail);
}

static void run_single(const Tables *tp, uint64_t seed, long b, int trials, int64_t *tail)
{
    Lanes G = seed_lanes(seed, (uint64_t)b);
    __m512i s = _mm512_setzero_si512();
    int done = 0;
    phase1(tp, &s, &G, trials, &done, tail);
    finish(s, &G, trials, done, tail);
}

/* ---------- threads ---------- */

static Tables tables;
static long long total_trials;
static long batch_count;
static uint64_t seed;
static atomic_long next_pair;

typedef struct { Tally tally; } Worker;

static int batch_trials(long b)
{
    long long left = total_trials - (long long)b * BATCH;
    return left >= BATCH ? BATCH : (int)left;
}

static void *work(void *arg)
{
    Worker *w = arg;
    int64_t *tail = w->tally.counts;
    for (;;) {
        long p = atomic_fetch_add(&next_pair, 1);
        long a = 2 * p, b = 2 * p + 1;
        if (a >= batch_count) break;
        if (b < batch_count) run_pair(&tables, seed, a, batch_trials(a), b, batch_trials(b), tail);
        else run_single(&tables, seed, a, batch_trials(a), tail);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: threeplusthree TRIALS THREADS [SEED] [p1,p2,p3]\n"); return 2; }
    total_trials = atoll(argv[1]);
    int threads = atoi(argv[2]);
    seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    double p[DOSES] = {0.10, 0.25, 0.40};
    if (argc > 4 && sscanf(argv[4], "%lf,%lf,%lf", &p[0], &p[1], &p[2]) != 3) { fprintf(stderr, "threeplusthree: p must be p1,p2,p3\n"); return 2; }
    if (total_trials <= 0 || threads <= 0 || threads > 256) { fprintf(stderr, "threeplusthree: TRIALS and THREADS must be positive\n"); return 2; }

    build_graph();
    compile_scenario(p);
    build_tables();
    __m512i col[14];
    for (int c = 0; c < 7; c++) {
        col[2 * c] = _mm512_load_si512(&table[c][0]);
        col[2 * c + 1] = _mm512_load_si512(&table[c][8]);
    }
    tables = (Tables){ col[0], col[1], col[2], col[3], col[4], col[5], col[6], col[7], col[8], col[9], col[10], col[11], col[12], col[13],
                       _mm512_set1_epi64(SLOTS - 1), _mm512_setzero_si512() };
    batch_count = (long)((total_trials + BATCH - 1) / BATCH);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    Worker *w = aligned_alloc(64, sizeof(Worker) * threads);
    memset(w, 0, sizeof(Worker) * threads);
    pthread_t tid[256];
    for (int i = 1; i < threads; i++) pthread_create(&tid[i], NULL, work, &w[i]);
    work(&w[0]);
    for (int i = 1; i < threads; i++) pthread_join(tid[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    int64_t counts[MAX_NODES] = {0};
    for (int i = 0; i < threads; i++)
        for (int t = 0; t < node_count - first_terminal; t++) for (int c = 0; c < 8; c++) counts[t] += w[i].tally.counts[8 * (t + 1) + c];
    long long sum = 0;
    double sel[DOSES + 1] = {0}, patients = 0;
    for (int t = 0; t < node_count - first_terminal; t++) {
        const State *s = &nodes[first_terminal + t];
        sum += counts[t];
        sel[s->selected + 1] += (double)counts[t];
        int n = 0;
        for (int d = 0; d < DOSES; d++) n += s->n[d];
        patients += (double)counts[t] * n;
    }
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("3+3 escalation only, p = %.2f/%.2f/%.2f, %lld trials, %d thread(s), %d states (%d non-terminal)\n",
           p[0], p[1], p[2], sum, threads, node_count, first_terminal);
    printf("selection: none %.4f", sel[0] / (double)sum);
    for (int d = 1; d <= DOSES; d++) printf("  DL%d %.4f", d, sel[d] / (double)sum);
    printf("\nmean patients: %.4f\n", patients / (double)sum);
    printf("walk: %.3f s, %.1f M trials/s\n", secs, (double)sum / secs / 1e6);
    free(w);
    return sum == total_trials ? 0 : 1;
}
