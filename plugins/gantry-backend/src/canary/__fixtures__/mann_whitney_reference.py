#!/usr/bin/env python3
"""Reference values for src/canary/stats/mannWhitney.ts.

Regenerate (python3 with SciPy >= 1.7 and NumPy; Debian: python3-scipy):

    python3 plugins/gantry-backend/src/canary/__fixtures__/mann_whitney_reference.py \
        > plugins/gantry-backend/src/canary/__fixtures__/mannWhitney.reference.json

Independent of the TypeScript code on purpose:
  * U and the p-value come from scipy.stats.mannwhitneyu(method='asymptotic',
    use_continuity=True, alternative='two-sided').
  * The interval and the Hodges-Lehmann estimate come from R's wdiff formula evaluated
    by brute force: every pairwise difference is materialised, W(d) is computed with
    scipy.stats.rankdata on c(x - d, y) between each pair of neighbouring differences,
    and the root is where W changes sign (the middle of the stretch where W == 0, if
    any). R's uniroot approximates this point to tol 1e-4; the script checks that
    scipy.optimize.brentq with the same tolerance lands there too.
  * Normal CDF and quantile come from scipy.stats.norm.
"""
import json
import sys

import numpy as np
from scipy import optimize, stats


def w(x, y, d, zq, correct):
    """R's wdiff(d, zq) from wilcox.test (two-sided)."""
    nx, ny = len(x), len(y)
    joint = np.concatenate([x - d, y])
    ranks = stats.rankdata(joint)
    _, ties = np.unique(joint, return_counts=True)
    dz = ranks[:nx].sum() - nx * (nx + 1) / 2 - nx * ny / 2
    correction = np.sign(dz) * 0.5 if correct else 0.0
    n = nx + ny
    sigma = np.sqrt(nx * ny / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
    if sigma == 0:
        return float("nan")
    return (dz - correction) / sigma - zq


def root(x, y, zq, correct, boundary_rule):
    diffs = np.unique(np.subtract.outer(x, y).ravel())  # v_1 < ... < v_K
    mu_min, mu_max = diffs[0], diffs[-1]
    if boundary_rule:
        if w(x, y, mu_min, zq, correct) <= 0:
            return float(mu_min), None
        if w(x, y, mu_max, zq, correct) >= 0:
            return float(mu_max), None
    # One point inside each open stretch between neighbouring differences, and outside.
    probes = np.concatenate(
        [[diffs[0] - 1.0], (diffs[:-1] + diffs[1:]) / 2, [diffs[-1] + 1.0]]
    )
    values = np.array([w(x, y, p, zq, correct) for p in probes])
    k = len(diffs)
    a = next((j for j, v in enumerate(values) if v <= 0), k + 1)
    b = next((j for j, v in enumerate(values) if v < 0), k + 1)
    # The stretch j lies above diffs[j-1]; its left edge is where W crossed.
    edge = lambda j: diffs[min(max(j, 1), k) - 1]
    exact = float((edge(a) + edge(b)) / 2)

    brent = None
    f_lo, f_hi = w(x, y, mu_min, zq, correct), w(x, y, mu_max, zq, correct)
    if f_lo > 0 > f_hi:
        brent = optimize.brentq(lambda d: w(x, y, d, zq, correct), mu_min, mu_max, xtol=1e-4)
        half_stretch = (edge(b) - edge(a)) / 2
        assert abs(brent - exact) <= half_stretch + 1e-4 * (1 + abs(exact)), (brent, exact)
    return exact, brent


def case(name, x, y, conf=0.98, with_ranks=False):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    r = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True, alternative="two-sided")
    zq = stats.norm.ppf((1 - conf) / 2)
    lower, brent_lower = root(x, y, -zq, True, True)
    upper, brent_upper = root(x, y, zq, True, True)
    estimate, brent_estimate = root(x, y, 0.0, False, False)
    out = {
        "name": name,
        "x": x.tolist(),
        "y": y.tolist(),
        "confidenceLevel": conf,
        "u": float(r.statistic),
        "pValue": float(r.pvalue),
        "lower": lower,
        "upper": upper,
        "estimate": estimate,
        "brentq": {"lower": brent_lower, "upper": brent_upper, "estimate": brent_estimate},
    }
    if with_ranks:
        out["jointRanks"] = stats.rankdata(np.concatenate([x, y])).tolist()
    return out


def main():
    rng = np.random.default_rng(20261126)
    cases = [
        # Kayenta's own test (MannWhitneySuite): CI [6, 39], estimate 22.5.
        case("kayenta suite example", [10, 20, 30, 40], [1, 2, 3, 4], conf=0.95, with_ranks=True),
        case("R boundary example 1 vs 2:60", [1], list(range(2, 61))),
        case("tiny 1 vs 1", [3.5], [1.25], with_ranks=True),
        case("tiny 1 vs 2", [2.0], [1.0, 3.0]),
        case("tiny 2 vs 2 with a tie", [1.0, 2.0], [2.0, 3.0], with_ranks=True),
        case("tiny 2 vs 3", [0.5, 4.0], [1.0, 2.0, 3.0]),
        case("tiny 3 vs 3 identical", [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
        case("constant canary", [5.0] * 8, rng.normal(4, 1, 12).round(3).tolist(), with_ranks=True),
        case("constant baseline", rng.normal(10, 2, 15).round(2).tolist(), [9.0] * 10),
        case("both constant, different", [2.0] * 6, [1.0] * 9),
        case("constant canary inside baseline ties", [3.0] * 5, [1, 2, 3, 3, 4, 5]),
        case("integers with many ties", rng.poisson(3, 40).tolist(), rng.poisson(3, 35).tolist(), with_ranks=True),
        case("integers shifted with ties", rng.poisson(6, 30).tolist(), rng.poisson(3, 30).tolist()),
        case("binary 0/1 samples", rng.integers(0, 2, 25).tolist(), rng.integers(0, 2, 20).tolist()),
        case("mostly zeros (sparse errors)", [0] * 40 + [1, 2, 1], [0] * 45 + [1]),
        case("unequal sizes 3 vs 50", rng.normal(1, 1, 3).tolist(), rng.normal(0, 1, 50).tolist()),
        case("unequal sizes 120 vs 7", rng.normal(0, 1, 120).tolist(), rng.normal(0.5, 1, 7).tolist()),
        case("unequal sizes 1 vs 30", [0.25], rng.normal(0, 1, 30).tolist()),
        case("latency no shift", rng.lognormal(np.log(0.12), 0.3, 60).tolist(), rng.lognormal(np.log(0.12), 0.3, 60).tolist()),
        case("latency +40%", rng.lognormal(np.log(0.168), 0.3, 60).tolist(), rng.lognormal(np.log(0.12), 0.3, 60).tolist()),
        case("latency -30%", rng.lognormal(np.log(0.084), 0.3, 45).tolist(), rng.lognormal(np.log(0.12), 0.3, 50).tolist()),
        case("latency rounded to ms", (rng.lognormal(np.log(120), 0.2, 80).round()).tolist(), (rng.lognormal(np.log(125), 0.2, 80).round()).tolist()),
        case("error ratio regression", rng.beta(2, 60, 30).tolist(), rng.beta(2, 400, 30).tolist()),
        case("negative values", rng.normal(-5, 3, 25).tolist(), rng.normal(-4, 3, 25).tolist()),
        case("large magnitudes", rng.normal(1e6, 5e3, 30).tolist(), rng.normal(1.002e6, 5e3, 30).tolist()),
        case("small magnitudes", rng.normal(1e-4, 1e-5, 20).tolist(), rng.normal(1.1e-4, 1e-5, 20).tolist()),
        case("complete separation", list(range(100, 120)), list(range(0, 20))),
        case("complete separation reversed", list(range(0, 15)), list(range(100, 118))),
        case("heavy tail outlier", [1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
        case("conf 0.90", rng.normal(0.3, 1, 40).tolist(), rng.normal(0, 1, 40).tolist(), conf=0.90),
        case("conf 0.95", rng.normal(0.3, 1, 40).tolist(), rng.normal(0, 1, 40).tolist(), conf=0.95),
        case("conf 0.99", rng.normal(0.3, 1, 40).tolist(), rng.normal(0, 1, 40).tolist(), conf=0.99),
        case("odd pair count 7 vs 5", rng.normal(0, 1, 7).tolist(), rng.normal(0, 1, 5).tolist()),
        case("half-step data", (rng.integers(2, 12, 50) / 2).tolist(), (rng.integers(2, 10, 50) / 2).tolist()),
        case("throughput rps", rng.normal(200, 8, 90).round(1).tolist(), rng.normal(210, 8, 90).round(1).tolist()),
        case("mid-size 300 vs 280", rng.normal(0.05, 1, 300).tolist(), rng.normal(0, 1, 280).tolist()),
    ]
    quantile_ps = [1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.02, 0.025, 0.05, 0.1, 0.3, 0.425, 0.5, 0.6, 0.9, 0.975, 0.99, 0.999999]
    cdf_xs = [-38.0, -20.0, -8.0, -5.7, -5.0, -3.0, -2.326, -1.0, -0.67, -0.1, 0.0, 1e-20, 0.3, 0.6744, 0.675, 1.96, 3.5, 5.6, 6.0, 9.0]
    json.dump(
        {
            "generatedBy": "mann_whitney_reference.py",
            "scipy": __import__("scipy").__version__,
            "cases": cases,
            "normal": {
                "quantile": [{"p": p, "x": float(stats.norm.ppf(p))} for p in quantile_ps],
                "cdf": [{"x": x, "p": float(stats.norm.cdf(x)), "q": float(stats.norm.sf(x))} for x in cdf_xs],
            },
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
