"""An independent simulation of BOIN with accelerated titration, written from the BOIN R package's
get.oc (version 2.7.2: titration = TRUE, one flag per trial) and get.boundary / select.mtd, not from
the C#. Plain Python, its own random numbers.

    python3 tests/independent/boin_titration_sim.py [trials] [seed]

Settings: get.oc's documented example, target 0.3, p.true = (0.05, 0.15, 0.3, 0.45, 0.6),
cohortsize 3, and ncohort 10 (max N 30, within reach of our exact engine) and 20 (the example's 60).
Prints selection and mean patients per dose, mean N, each with its Monte Carlo standard error.
docs/designs.md (accelerated titration) compares them with `dose-escalation exact` / `simulate`.
"""
import math, random, sys

def beta_upper(t, a, b):
    # P(Beta(a, b) > t) for integers a, b >= 1: P(Bin(a + b - 1, t) <= a - 1)
    n = a + b - 1
    return sum(math.comb(n, k) * t**k * (1 - t)**(n - k) for k in range(0, a))

def boundaries(target, npts, cutoff_eli=0.95):
    p_saf, p_tox = 0.6 * target, 1.4 * target
    le = math.log((1 - p_saf) / (1 - target)) / math.log(target * (1 - p_saf) / (p_saf * (1 - target)))
    ld = math.log((1 - target) / (1 - p_tox)) / math.log(p_tox * (1 - target) / (target * (1 - p_tox)))
    be, bd, el = {}, {}, {}
    for n in range(1, npts + 1):
        be[n] = math.floor(le * n)
        bd[n] = math.ceil(ld * n)
        el[n] = None
        if n >= 3:
            for ntox in range(1, n + 1):
                if beta_upper(target, ntox + 1, n - ntox + 1) > cutoff_eli:
                    el[n] = ntox
                    break
        if el[n] is not None and bd[n] > el[n]:
            bd[n] = el[n]
    return be, bd, el

def pava(v, w):
    blocks = [[v[i], w[i], 1] for i in range(len(v))]
    i = 0
    while i < len(blocks) - 1:
        if blocks[i][0] > blocks[i + 1][0]:
            a, b = blocks[i], blocks[i + 1]
            tw = a[1] + b[1]
            blocks[i] = [(a[0] * a[1] + b[0] * b[1]) / tw, tw, a[2] + b[2]]
            del blocks[i + 1]
            i = max(i - 1, 0)
        else:
            i += 1
    out = []
    for val, _, cnt in blocks: out += [val] * cnt
    return out

def select_mtd(target, n, y, cutoff_eli=0.95):
    k = len(n)
    elimi = [0] * k
    for i in range(k):
        if n[i] >= 3 and beta_upper(target, y[i] + 1, n[i] - y[i] + 1) > cutoff_eli:
            for j in range(i, k): elimi[j] = 1
            break
    if elimi[0] == 1: return None
    adm = [i for i in range(k) if n[i] != 0 and elimi[i] == 0]
    phat = [(y[i] + 0.05) / (n[i] + 0.1) for i in adm]
    var = [(y[i] + 0.05) * (n[i] - y[i] + 0.05) / ((n[i] + 0.1) ** 2 * (n[i] + 0.1 + 1)) for i in adm]
    phat = pava(phat, [1 / v for v in var])
    phat = [p + (j + 1) * 1e-10 for j, p in enumerate(phat)]
    best = min(range(len(phat)), key=lambda j: (abs(phat[j] - target), j))
    return adm[best]

def trial(rng, p, target, ncohort, cs, tab):
    be, bd, el = tab
    k = len(p)
    npts = ncohort * cs
    y, n, elimi = [0] * k, [0] * k, [0] * k
    ft = True
    # Titration: one patient per dose from dose 1; the first DLT ends it (get.oc draws all doses at once
    # and takes the first toxic one, which is the same thing).
    z = [rng.random() < p[i] for i in range(k)]
    if not any(z):
        d = k - 1
        for i in range(k): n[i] = 1
    else:
        d = z.index(True)
        for i in range(d + 1): n[i] = 1
        y[d] = 1
    earlystop = False
    for _ in range(ncohort):
        if n[d] < cs and ft:
            ft = False
            y[d] += sum(rng.random() < p[d] for _ in range(cs - 1))
            n[d] += cs - 1
        else:
            draws = [rng.random() < p[d] for _ in range(cs)]
            if sum(n) + cs >= npts:
                nremain = npts - sum(n)
                y[d] += sum(draws[:nremain])
                n[d] += nremain
                break
            y[d] += sum(draws)
            n[d] += cs
        if el[n[d]] is not None and y[d] >= el[n[d]]:
            for j in range(d, k): elimi[j] = 1
            if d == 0:
                earlystop = True
                break
        # n.earlystop = 100: never reached here
        if y[d] <= be[n[d]] and d != k - 1:
            if elimi[d + 1] == 0: d += 1
        elif y[d] >= bd[n[d]] and d != 0:
            d -= 1
    sel = None if earlystop else select_mtd(target, n, y)
    return sel, n

def run(p, target, ncohort, cs, trials, seed):
    rng = random.Random(seed)
    tab = boundaries(target, ncohort * cs)
    k = len(p)
    sel = [0] * (k + 1)
    s1, s2 = [0.0] * (k + 1), [0.0] * (k + 1)   # per-dose patients and the total: sums and sums of squares
    for _ in range(trials):
        s, n = trial(rng, p, target, ncohort, cs, tab)
        sel[k if s is None else s] += 1
        tot = sum(n)
        for i, v in enumerate(n + [tot]):
            s1[i] += v; s2[i] += v * v
    out = []
    for i in range(k + 1):
        q = sel[i] / trials
        m = s1[i] / trials
        sd = math.sqrt(max(s2[i] / trials - m * m, 0))
        out.append((q, math.sqrt(q * (1 - q) / trials), m, sd / math.sqrt(trials)))
    return out

if __name__ == "__main__":
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    p = [0.05, 0.15, 0.3, 0.45, 0.6]
    for ncohort in (10, 20):
        res = run(p, 0.3, ncohort, 3, trials, seed)
        print(f"max N {ncohort * 3}, {trials} trials, seed {seed}")
        for i in range(len(p)):
            q, qse, m, mse = res[i]
            print(f"  DL{i + 1}: P(select) {q:.4f} ({qse:.4f})  patients {m:.3f} ({mse:.3f})")
        q, qse, m, mse = res[len(p)]
        print(f"  none: P {q:.4f} ({qse:.4f})  total patients {m:.3f} ({mse:.3f})")
