"""Golden values for src/engine/results/stats-math.ts, computed with scipy/numpy.
Run: /usr/bin/python3 test/engine/results/stats-golden.py > test/engine/results/stats-golden.json
"""
import json
import numpy as np
import scipy
from scipy import stats

cases = {
    "small": ([98.0, 102.0, 100.0], [128.0, 132.0, 130.0, 135.0]),
    "noisy": ([12.1, 9.8, 11.4, 10.2, 13.9, 8.7, 10.5], [14.2, 15.9, 11.8, 16.4, 13.1]),
    "overlap": ([1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 3.0, 4.0, 5.0, 6.5, 1.5]),
}
out = {"versions": {"scipy": scipy.__version__, "numpy": np.__version__}, "cases": {}}
for name, (a, b) in cases.items():
    a = np.array(a); b = np.array(b)
    r = stats.ttest_ind(b, a, equal_var=False)
    va = a.var(ddof=1) / len(a); vb = b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    diff = b.mean() - a.mean(); se = np.sqrt(va + vb); q = stats.t.ppf(0.975, df)
    sp = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
    g = diff / sp * (1 - 3 / (4 * (len(a) + len(b)) - 9))
    bs = stats.bootstrap((b, a), lambda x, y, axis=-1: x.mean(axis=axis) - y.mean(axis=axis), method="percentile",
                         n_resamples=20000, random_state=np.random.default_rng(1), vectorized=True)
    bsr = stats.bootstrap((b, a), lambda x, y, axis=-1: x.mean(axis=axis) / y.mean(axis=axis), method="percentile",
                          n_resamples=20000, random_state=np.random.default_rng(1), vectorized=True)
    out["cases"][name] = {
        "a": a.tolist(), "b": b.tolist(),
        "t": float(r.statistic), "p": float(r.pvalue), "df": float(df), "ci": [float(diff - q * se), float(diff + q * se)],
        "hedgesG": float(g),
        "madA": float(stats.median_abs_deviation(a, scale="normal")),
        "quantile25A": float(np.quantile(a, 0.25)),
        "bootDiff": [float(bs.confidence_interval.low), float(bs.confidence_interval.high)],
        "bootRatio": [float(bsr.confidence_interval.low), float(bsr.confidence_interval.high)],
        "zPrime": float(1 - 3 * (a.std(ddof=1) + b.std(ddof=1)) / abs(a.mean() - b.mean())),
    }
import itertools
def perm_p(a, b):
    pooled = list(a) + list(b); n = len(pooled); nb = len(b)
    obs = abs(np.mean(b) - np.mean(a)); hits = 0; total = 0
    for idx in itertools.combinations(range(n), nb):
        bb = [pooled[i] for i in idx]; aa = [pooled[i] for i in range(n) if i not in idx]
        total += 1
        if abs(np.mean(bb) - np.mean(aa)) >= obs * (1 - 1e-12) - 1e-12: hits += 1
    return hits / total
for name, c in out["cases"].items():
    c["permutationP"] = perm_p(c["a"], c["b"])
out["tCdf"] = [[t, df, float(stats.t.cdf(t, df))] for t, df in [(-2.5, 3), (0.7, 4.5), (1.96, 1000), (-4.0, 1.2), (3.1, 12.7)]]
out["tPpf"] = [[p, df, float(stats.t.ppf(p, df))] for p, df in [(0.975, 2), (0.975, 5.3), (0.9, 30), (0.025, 8)]]
out["normPpf"] = [[p, float(stats.norm.ppf(p))] for p in [0.975, 0.8, 0.01, 0.5, 0.999]]
print(json.dumps(out, indent=1))
