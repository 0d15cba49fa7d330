"""An independent simulation of bf-boin as docs/designs/bf-boin.md states its rules (written from
the document, not from the C#), in the setting of docs/examples/bf-boin-zhao2024.yaml."""
import math, random, sys

TARGET = 0.25
P1, P2 = 0.6 * TARGET, 1.4 * TARGET
LE = math.log((1 - P1) / (1 - TARGET)) / math.log(TARGET * (1 - P1) / (P1 * (1 - TARGET)))
LD = math.log((1 - TARGET) / (1 - P2)) / math.log(P2 * (1 - TARGET) / (TARGET * (1 - P2)))
WINDOW, GAP = 30.0, 10.0           # 3.04375 arrivals per 30.4375-day month: mean gap 10 days
ESC_MAX, CS, NEARLY, CAP = 30, 3, 9, 12

def beta_cdf_int(t, a, b):         # P(Beta(a, b) <= t) for integer a, b = P(Bin(a + b - 1, t) >= a)
    n = a + b - 1
    return sum(math.comb(n, k) * t**k * (1 - t)**(n - k) for k in range(a, n + 1))

def p_above(n, y):                 # P(p > target | y of n, Beta(1,1))
    return 1 - beta_cdf_int(TARGET, y + 1, n - y + 1)

ELIM = {}
def eliminates(n, y):
    if n < 3: return False
    k = (n, y)
    if k not in ELIM: ELIM[k] = p_above(n, y) > 0.95
    return ELIM[k]

def b_e(n): return math.floor(LE * n)
def b_d(n):
    d = math.ceil(LD * n)
    # the de-escalation boundary capped at the elimination boundary
    for y in range(0, n + 1):
        if eliminates(n, y): return min(d, y)
    return d

def action(n, y):                  # escalate / stay / deescalate from one dose's data (elimination counts as deescalate)
    if y >= b_d(n) or eliminates(n, y): return 'D'
    if y <= b_e(n): return 'E'
    return 'S'

def verdict(n, y):
    if n == 0: return 'E'
    if eliminates(n, y): return 'X'
    return action(n, y)

def lowest_eliminated(N, Y):
    for i in range(len(N)):
        if eliminates(N[i], Y[i]): return i
    return len(N)

def pava(v, w):
    v, w = list(v), list(w)
    blocks = [[v[i], w[i], 1] for i in range(len(v))]
    i = 0
    while i < len(blocks) - 1:
        if blocks[i][0] > blocks[i + 1][0]:
            a, b = blocks[i], blocks[i + 1]
            tw = a[1] + b[1]
            blocks[i] = [(a[0] * a[1] + b[0] * b[1]) / tw, tw, a[2] + b[2]]
            del blocks[i + 1]
            i = max(i - 1, 0)
        else: i += 1
    out = []
    for val, _, c in blocks: out += [val] * c
    return out

def select_mtd(N, Y):              # BOIN::select.mtd, boundMTD = FALSE
    K = len(N)
    elim = K
    for i in range(K):
        if N[i] >= 3 and p_above(N[i], Y[i]) > 0.95: elim = i; break
    if elim == 0: return -1
    tried = [i for i in range(elim) if N[i] > 0]
    if not tried: return -1
    ph = [(Y[i] + 0.05) / (N[i] + 0.1) for i in tried]
    var = [(Y[i] + 0.05) * (N[i] - Y[i] + 0.05) / ((N[i] + 0.1) ** 2 * (N[i] + 0.1 + 1)) for i in tried]
    est = pava(ph, [1 / v for v in var])
    est = [e + 1e-10 * (j + 1) for j, e in enumerate(est)]
    best = min(range(len(tried)), key=lambda j: (abs(est[j] - TARGET), j))
    # ties: BOIN takes the lower estimate's dose when two are equally close (which.min on the first)
    return tried[best]

def decide(N, Y, d, escalated, K):
    left = ESC_MAX - escalated
    if left <= 0: return ('stop', select_mtd(N, Y))
    here = verdict(N[d], Y[d])
    conflict = -1
    for b in range(d - 1, -1, -1):
        v = verdict(N[b], Y[b])
        if (v != 'E') if here == 'E' else (v in ('D', 'X')): conflict = b; break
    el = lowest_eliminated(N, Y)
    if conflict < 0:               # BOIN's own decision
        if el == 0: return ('stop', -1)
        a = action(N[d], Y[d])
        cannot = d == K - 1 or d + 1 >= el
        if N[d] >= NEARLY and (a == 'S' or (a == 'D' and d == 0) or (a == 'E' and cannot)): return ('stop', select_mtd(N, Y))
        nxt = (d if cannot else d + 1) if a == 'E' else (max(d - 1, 0) if a == 'D' else d)
        return ('treat', nxt)
    pn = sum(N[conflict:d + 1]); py = sum(Y[conflict:d + 1])
    a = action(pn, py)
    if a == 'E': nxt = d + 1 if d < K - 1 and d + 1 < el else d
    elif a == 'D':
        safe, cn, cy = -1, 0, 0
        for j in range(conflict, d + 1):
            cn += N[j]; cy += Y[j]
            if action(cn, cy) != 'D': safe = j
        nxt = safe if safe >= 0 else conflict - 1
        if nxt < 0:
            if eliminates(N[0], Y[0]): return ('stop', -1)
            nxt = 0
    else: nxt = d
    if nxt == d and N[d] >= NEARLY: return ('stop', select_mtd(N, Y))
    if nxt >= el:
        if el == 0: return ('stop', -1)
        nxt = el - 1
    return ('treat', nxt)

def trial(rng, p, r):
    K = len(p)
    N = [0] * K; Y = [0] * K; treated = [0] * K; read = [0] * K
    pending = []                   # backfill: (end, level, dlt)
    reads = []                     # (time, level)
    total_n = [0] * K
    t_arr = [0.0]
    def next_arrival():
        t_arr[0] += rng.expovariate(1 / GAP)
        return t_arr[0]
    def resolve(at):
        nonlocal pending, reads
        keep = []
        for (end, lv, dlt) in pending:
            if end <= at: N[lv] += 1; Y[lv] += dlt
            else: keep.append((end, lv, dlt))
        pending = keep
        keep = []
        for (tm, lv) in reads:
            if tm <= at: read[lv] += 1
            else: keep.append((tm, lv))
        reads = keep
    now, d, escalated = 0.0, 0, 0
    arrival = next_arrival()
    while True:
        resolve(now)
        if escalated == 0: kind, lvl = 'treat', 0
        else: kind, lvl = decide(N, Y, d, escalated, K)
        if kind == 'stop':
            for (end, lv, dlt) in pending: N[lv] += 1; Y[lv] += dlt
            return lvl, [N[i] for i in range(K)], now
        d = lvl
        # enrol the cohort: the next arrivals from now (those before now were lost)
        while arrival < now: arrival = next_arrival()
        members = []
        end = 0.0
        for _ in range(CS):
            t = arrival; arrival = next_arrival()
            dlt = rng.random() < p[d]
            resp = rng.random() < r[d]
            treated[d] += 1
            members.append((t + (rng.random() * WINDOW if dlt else WINDOW), dlt))
            if resp: reads.append((t + WINDOW, d))
            end = max(end, t + WINDOW)
            full = t
        # observation: arrivals in (full, end)
        while arrival < end:
            a = arrival; arrival = next_arrival()
            resolve(a)
            KN = N[:]; KY = Y[:]
            for (me, dl) in members:
                if me <= a: KN[d] += 1; KY[d] += dl
            b_open = -1
            for b in range(d):
                n2, y2 = KN[b] + KN[b + 1], KY[b] + KY[b + 1]
                safe = action(max(1, KN[b]), KY[b]) != 'D' or action(max(1, n2), y2) != 'D'
                if not safe: break
                if treated[b] < CAP and read[b] > 0: b_open = b
            if b_open >= 0:
                dlt = rng.random() < p[b_open]
                resp = rng.random() < r[b_open]
                treated[b_open] += 1
                pending.append((a + (rng.random() * WINDOW if dlt else WINDOW), b_open, 1 if dlt else 0))
                if resp: reads.append((a + WINDOW, b_open))
        now = end
        N[d] += CS; Y[d] += sum(1 for (_, dl) in members if dl)
        escalated += CS

def run(p, r, trials, seed):
    rng = random.Random(seed)
    K = len(p)
    sel = [0] * (K + 1); npat = 0.0; dur = 0.0; dur2 = 0.0
    for _ in range(trials):
        s, n, t = trial(rng, p, r)
        sel[s + 1] += 1; npat += sum(n); dur += t; dur2 += t * t
    m = dur / trials
    return [x / trials for x in sel], npat / trials, m, math.sqrt((dur2 / trials - m * m) / trials)

if __name__ == '__main__':
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    for p, r in [([0.25, 0.41, 0.45, 0.49, 0.53], [0.30, 0.40, 0.45, 0.50, 0.55]),
                 ([0.12, 0.25, 0.42, 0.49, 0.55], [0.20, 0.30, 0.40, 0.50, 0.60])]:
        sel, n, m, se = run(p, r, trials, 1)
        print("selection", [round(x, 4) for x in sel], "mean N", round(n, 3), "time to decision", round(m, 2), "se", round(se, 2))
