#!/usr/bin/env python3
"""Reference values for src/flags/domain/experiment/experimentStats.ts.

Regenerate (python3 with SciPy >= 1.7; Debian: python3-scipy):

    python3 plugins/gantry-backend/src/flags/__fixtures__/experiment_reference.py \
        > plugins/gantry-backend/src/flags/__fixtures__/experiment.reference.json

Independent of the TypeScript formulas on purpose:
  * Wilson intervals: scipy.stats.binomtest(x, n).proportion_ci(method='wilson').
  * Two-proportion z-test: Pearson's chi-square on the 2x2 table,
    scipy.stats.chi2_contingency(correction=False); z = sign(p2 - p1) * sqrt(chi2).
  * Sample-ratio mismatch: scipy.stats.chisquare(observed, f_exp).
  * Chi-square tail: scipy.stats.chi2.sf.
  * Minimum sample size: not the closed form, but the smallest n whose power
    (normal approximation, computed with scipy.stats.norm) reaches the target,
    found by bisection over n.
"""
import json
import math
import sys

from scipy import stats


def wilson(x, n, confidence):
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=confidence, method="wilson")
    return [float(ci.low), float(ci.high)]


def z_test(x1, n1, x2, n2):
    chi2, p, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    sign = 1 if x2 / n2 > x1 / n1 else -1
    return {"z": sign * math.sqrt(chi2), "pValue": float(p)}


def power(n, p1, p2, alpha):
    p_bar = (p1 + p2) / 2
    z_a = stats.norm.ppf(1 - alpha / 2)
    sd1 = math.sqrt(2 * p_bar * (1 - p_bar) / n)
    sd2 = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n)
    return stats.norm.cdf((abs(p2 - p1) - z_a * sd1) / sd2)


def sample_size(baseline, mde, alpha, target):
    p1 = baseline
    p2 = p1 + mde if p1 + mde <= 1 else p1 - mde
    lo, hi = 1, 2
    while power(hi, p1, p2, alpha) < target:
        hi *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if power(mid, p1, p2, alpha) >= target:
            hi = mid
        else:
            lo = mid
    return hi


out = {
    "wilson": [
        {"x": x, "n": n, "confidence": c, "interval": wilson(x, n, c)}
        for (x, n, c) in [
            (0, 10, 0.95), (10, 10, 0.95), (1, 100, 0.95), (50, 100, 0.95),
            (130, 1000, 0.95), (7, 5000, 0.99), (4321, 9876, 0.9), (3, 7, 0.975),
            # The end-to-end scenario in experiments.test.ts.
            (40, 400, 0.95), (64, 400, 0.95),
        ]
    ],
    "zTest": [
        {"x1": a, "n1": b, "x2": c, "n2": d, **z_test(a, b, c, d)}
        for (a, b, c, d) in [
            (100, 1000, 130, 1000), (40, 400, 64, 400), (50, 1000, 45, 1000),
            (1, 20000, 40, 20000), (300, 3000, 302, 3100), (12, 150, 30, 160),
        ]
    ],
    "sampleRatio": [
        {"observed": o, "shares": s, **dict(zip(("chiSquare", "pValue"),
            map(float, stats.chisquare(o, [sum(o) * x for x in s]))))}
        for (o, s) in [
            ([5000, 5000], [0.5, 0.5]), ([5100, 4900], [0.5, 0.5]),
            ([5200, 4800], [0.5, 0.5]), ([1020, 4010, 4970], [0.1, 0.4, 0.5]),
            ([3400, 3300, 3300, 3000], [0.25, 0.25, 0.25, 0.25]),
            ([900, 100], [0.9, 0.1]),
        ]
    ],
    "chiSquareSurvival": [
        {"x": x, "df": df, "p": float(stats.chi2.sf(x, df))}
        for (x, df) in [
            (0.5, 1), (3.841458820694124, 1), (10.83, 1), (40.0, 1), (0.1, 2),
            (5.991, 2), (15.0, 3), (2.0, 5), (30.0, 10), (120.0, 99), (300.0, 4),
        ]
    ],
    "sampleSize": [
        {"baseline": b, "mde": m, "alpha": a, "power": p, "n": sample_size(b, m, a, p)}
        for (b, m, a, p) in [
            (0.1, 0.02, 0.05, 0.8), (0.1, 0.05, 0.05, 0.8), (0.05, 0.01, 0.05, 0.9),
            (0.3, 0.03, 0.025, 0.8), (0.98, 0.03, 0.05, 0.8), (0.5, 0.1, 0.01, 0.95),
            (0.1, 0.08, 0.05, 0.8),
        ]
    ],
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
