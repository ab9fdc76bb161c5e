"""Reference values for src/metrics/comparison and src/metrics/concept.

Writes fixtures/comparison.json:
- proportions: Newcombe hybrid score interval for p1 - p2 (statsmodels
  confint_proportions_2indep(method='newcomb')), Wilson intervals (proportion_confint
  method='wilson') and the pooled two-proportion z-test (proportions_ztest);
- f1: delta-method variance of F1, evaluated with a numerically differentiated gradient of
  F1 with respect to the multinomial cell probabilities and the multinomial covariance
  (an independent path from the closed form in f1-difference.ts), and the difference interval;
- delong: ROC AUC and DeLong variance by Sun & Xu's fast algorithm (midranks, numpy),
  AUC checked against sklearn.metrics.roc_auc_score, and the independent difference interval;
- calibration: per-bin positive rates on calibration_curve's bins and the summed per-bin
  scipy.stats.chi2_contingency(correction=False) statistic with scipy.stats.chi2.sf.

Deterministic (seeded numpy Generators). NaN is written as null.
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

OUT = Path(__file__).parent / "fixtures" / "comparison.json"
N_BINS = 10


def clean(x):
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return None if math.isnan(v) or math.isinf(v) else v
    return x


# ------------------------------------------------------------------ proportions
def proportion_case(k1, n1, k2, n2, confidence=0.95):
    alpha = 1 - confidence
    low, upp = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff", alpha=alpha)
    w1 = proportion_confint(k1, n1, alpha=alpha, method="wilson")
    w2 = proportion_confint(k2, n2, alpha=alpha, method="wilson")
    with np.errstate(all="ignore"):
        _, p = proportions_ztest([k1, k2], [n1, n2])
    return {
        "input": {"x": {"successes": k1, "trials": n1}, "y": {"successes": k2, "trials": n2}, "confidence": confidence},
        "expected": {"difference": k1 / n1 - k2 / n2, "ciLow": low, "ciHigh": upp, "wilsonX": list(w1),
                     "wilsonY": list(w2), "pValue": p},
    }


PROPORTIONS = [
    proportion_case(56, 70, 48, 80),
    proportion_case(9, 10, 3, 10),
    proportion_case(0, 25, 4, 30),
    proportion_case(25, 25, 20, 22),
    proportion_case(812, 1000, 790, 1000),
    proportion_case(1, 1, 0, 1),
    proportion_case(430, 500, 300, 400, confidence=0.9),
    proportion_case(17, 40, 23, 41, confidence=0.99),
]


# ------------------------------------------------------------------ F1 delta method
def f1_from_p(p):
    tp, fp, tn, fn = p
    return 2 * tp / (2 * tp + fp + fn)


def f1_variance_numeric(counts):
    counts = np.asarray(counts, dtype=float)
    n = counts.sum()
    p = counts / n
    h = 1e-7
    grad = np.array([(f1_from_p(p + h * e) - f1_from_p(p - h * e)) / (2 * h) for e in np.eye(4)])
    cov = (np.diag(p) - np.outer(p, p)) / n
    return float(grad @ cov @ grad)


def f1_case(x, y, confidence=0.95):
    z = stats.norm.isf((1 - confidence) / 2)
    vx, vy = f1_variance_numeric(x), f1_variance_numeric(y)
    d = f1_from_p(np.asarray(x, float)) - f1_from_p(np.asarray(y, float))
    se = math.sqrt(vx + vy)
    return {
        "input": {"x": dict(zip(["tp", "fp", "tn", "fn"], x)), "y": dict(zip(["tp", "fp", "tn", "fn"], y)),
                  "confidence": confidence},
        "expected": {"f1X": f1_from_p(np.asarray(x, float)), "f1Y": f1_from_p(np.asarray(y, float)),
                     "varianceX": vx, "varianceY": vy, "difference": d, "ciLow": d - z * se, "ciHigh": d + z * se,
                     "pValue": 2 * stats.norm.sf(abs(d) / se)},
    }


F1 = [f1_case([40, 10, 120, 15], [35, 20, 110, 20]), f1_case([300, 45, 600, 55], [280, 70, 590, 60], 0.9),
      f1_case([5, 1, 30, 2], [7, 3, 25, 1])]


# ------------------------------------------------------------------ DeLong (Sun & Xu 2014)
def midrank(x):
    order = np.argsort(x, kind="mergesort")
    z = x[order]
    n = len(x)
    t = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and z[j] == z[i]:
            j += 1
        t[i:j] = 0.5 * (i + j - 1) + 1
        i = j
    out = np.empty(n)
    out[order] = t
    return out


def fast_delong(y, s):
    pos, neg = s[y == 1], s[y == 0]
    m, n = len(pos), len(neg)
    tx, ty, tz = midrank(pos), midrank(neg), midrank(np.concatenate([pos, neg]))
    auc = tz[:m].sum() / m / n - (m + 1) / (2 * n)
    v01 = (tz[:m] - tx) / n          # placements of positives (V10 in DeLong's notation)
    v10 = 1 - (tz[m:] - ty) / m      # placements of negatives
    var = np.var(v01, ddof=1) / m + np.var(v10, ddof=1) / n
    return auc, var


def delong_sample(seed, n, shift, decimals):
    g = np.random.default_rng(seed)
    y = (g.random(n) < 0.4).astype(int)
    s = 1 / (1 + np.exp(-(g.normal(0, 1, n) + shift * (2 * y - 1))))
    return y, np.round(s, decimals)


def delong_case(name, a, b, confidence=0.95):
    (ya, sa), (yb, sb) = a, b
    auc_a, var_a = fast_delong(ya, sa)
    auc_b, var_b = fast_delong(yb, sb)
    assert abs(auc_a - roc_auc_score(ya, sa)) < 1e-12 and abs(auc_b - roc_auc_score(yb, sb)) < 1e-12
    z = stats.norm.isf((1 - confidence) / 2)
    d, se = auc_a - auc_b, math.sqrt(var_a + var_b)
    return {
        "name": name,
        "input": {"x": {"yTrue": ya, "scores": sa}, "y": {"yTrue": yb, "scores": sb}, "confidence": confidence},
        "expected": {"aucX": auc_a, "varianceX": var_a, "aucY": auc_b, "varianceY": var_b, "difference": d,
                     "ciLow": d - z * se, "ciHigh": d + z * se, "pValue": 2 * stats.norm.sf(abs(d) / se)},
    }


DELONG = [
    delong_case("continuous 300 vs 250", delong_sample(1, 300, 0.8, 6), delong_sample(2, 250, 0.5, 6)),
    delong_case("heavy ties (2 decimals)", delong_sample(3, 400, 0.6, 2), delong_sample(4, 380, 0.6, 2)),
    delong_case("small samples", delong_sample(5, 25, 1.0, 3), delong_sample(6, 30, 0.3, 3), 0.9),
]


# ------------------------------------------------------------------ calibration drift
def calibration_sample(seed, n, bias):
    g = np.random.default_rng(seed)
    p = np.round(g.beta(2, 3, n), 4)
    y = (g.random(n) < np.clip(p + bias, 0, 1)).astype(int)
    return y, p


def bins_of(y, p):
    ids = np.searchsorted(np.linspace(0.0, 1.0, N_BINS + 1)[1:-1], p)
    return (np.bincount(ids, minlength=N_BINS), np.bincount(ids, weights=y, minlength=N_BINS),
            np.bincount(ids, weights=p, minlength=N_BINS))


def ece(y, p):
    total, sy, sp = bins_of(y, p)
    nz = total > 0
    return float(np.sum(total[nz] / len(p) * np.abs(sy[nz] / total[nz] - sp[nz] / total[nz])))


def calibration_case(name, ref, cur):
    (yr, pr), (yc, pc) = ref, cur
    nr, kr, _ = bins_of(yr, pr)
    nc, kc, _ = bins_of(yc, pc)
    stat, dof, per_bin = 0.0, 0, []
    for b in range(N_BINS):
        table = np.array([[kr[b], nr[b] - kr[b]], [kc[b], nc[b] - kc[b]]])
        if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
            per_bin.append(float("nan"))
            continue
        chi = stats.chi2_contingency(table, correction=False).statistic
        per_bin.append(chi)
        stat += chi
        dof += 1
    with np.errstate(all="ignore"):
        rate_r, rate_c = kr / nr, kc / nc
    return {
        "name": name,
        "input": {"reference": {"yTrue": yr, "scores": pr}, "current": {"yTrue": yc, "scores": pc}},
        "expected": {"statistic": stat, "dof": dof, "pValue": stats.chi2.sf(stat, dof), "perBin": per_bin,
                     "difference": rate_c - rate_r, "eceReference": ece(yr, pr), "eceCurrent": ece(yc, pc)},
    }


CALIBRATION = [
    calibration_case("calibrated vs calibrated", calibration_sample(11, 800, 0.0), calibration_sample(12, 600, 0.0)),
    calibration_case("labels shifted up by 0.15", calibration_sample(13, 800, 0.0), calibration_sample(14, 600, 0.15)),
    calibration_case("small current window", calibration_sample(15, 500, 0.0), calibration_sample(16, 40, -0.1)),
]

fixture = {
    "generator": "scripts/reference/comparison.py",
    "libraries": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                  "scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__},
    "nBins": N_BINS,
    "proportions": PROPORTIONS,
    "f1": F1,
    "delong": DELONG,
    "calibration": CALIBRATION,
}
OUT.write_text(json.dumps(clean(fixture), separators=(",", ":")) + "\n")
print(f"wrote {OUT}")
