"""Reference values for src/metrics/fairness/disparate-impact-bound.ts.

Writes fixtures/disparate_impact.json: for groups of (selected, predictions), the upper
confidence bound of the disparate impact ratio, the minimum over the pairs of groups of the
one-sided Katz log upper bound of the lower rate over the higher, Bonferroni over the m pairs.

Each pair's bound is statsmodels' Table2x2([[x_i, n_i - x_i], [x_j, n_j - x_j]])
.riskratio_confint(alpha=2 * alpha / m, method="normal")[1]: the two-sided interval at 2α/m has
the one-sided upper bound at α/m. Zero cells: driftwatch adds 0.5 to every cell of a pair's
table when any is 0 (Haldane–Anscombe). statsmodels 0.15.0's shift_zeros=True replaces the zero
cells by 0.5 instead (Table.__init__: `table[table == 0] = 0.5`, though its docstring says it
adds 0.5 to all values), so the table is shifted here and passed with shift_zeros=False; tables
without a zero cell are passed as they are. Pairs are oriented by the unshifted rates, both ways
when the rates are equal.

Cases: 2 groups and many (up to 60), small and large groups, rates near 0 and 1 so that some
pairs have a zero cell (nobody selected, everybody selected), equal rates, and confidences from
0.8 to 0.999. Deterministic (seeded numpy Generator).
"""

import json
import math
import platform
from itertools import combinations
from pathlib import Path

import numpy as np
import scipy
import scipy.stats
import statsmodels
from statsmodels.stats.contingency_tables import Table2x2

SEED = 20240917
rng = np.random.default_rng(SEED)
OUT = Path(__file__).parent / "fixtures" / "disparate_impact.json"


def pair_upper(xi, ni, xj, nj, alpha, m):
    table = np.array([[xi, ni - xi], [xj, nj - xj]], dtype=np.float64)
    if table.min() == 0:
        table = table + 0.5
    return float(Table2x2(table, shift_zeros=False).riskratio_confint(alpha=2 * alpha / m, method="normal")[1])


def bound(selected, predictions, confidence):
    k = len(selected)
    m = k * (k - 1) // 2
    alpha = 1 - confidence
    if k < 2 or sum(selected) == 0:
        return {"upper": None, "pair": None}
    best = (math.inf, None)
    for i, j in combinations(range(k), 2):
        ri, rj = selected[i] / predictions[i], selected[j] / predictions[j]
        for lo, hi in ([(i, j)] if ri < rj else [(j, i)] if rj < ri else [(i, j), (j, i)]):
            u = pair_upper(selected[lo], predictions[lo], selected[hi], predictions[hi], alpha, m)
            if u < best[0]:
                best = (u, [lo, hi])
    return {"upper": best[0], "pair": best[1]}


def case(name, selected, predictions, confidence=0.95):
    selected, predictions = [int(x) for x in selected], [int(n) for n in predictions]
    return {"name": name, "input": {"selected": selected, "predictions": predictions, "confidence": confidence},
            "expected": bound(selected, predictions, confidence)}


cases = [
    case("two_groups_fair", [14, 15], [40, 40]),
    case("two_groups_real_disparity", [100, 250], [500, 500]),
    case("one_group_nobody_selected", [0, 20], [40, 40]),
    case("one_group_everybody_selected", [30, 12], [30, 40]),
    case("both_everybody_selected", [30, 50], [30, 50]),
    case("two_groups_nobody_selected_third_some", [0, 0, 10], [40, 60, 50]),
    case("equal_rates", [20, 40, 60], [50, 100, 150]),
    case("single_group", [10], [40]),
    case("nobody_selected", [0, 0, 0], [40, 40, 40]),
]
for t in range(60):
    k = int(rng.choice([2, 2, 3, 5, 10, 25, 53, 60]))
    sizes = rng.integers(1, 2000, k) if t % 3 else rng.integers(20, 80, k)
    base = float(rng.choice([0.01, 0.05, 0.35, 0.5, 0.95, 0.99]))
    rates = np.clip(base * rng.uniform(0.5, 1.2, k), 0, 1) if t % 2 else np.full(k, base)
    selected = rng.binomial(sizes, rates)
    confidence = float(rng.choice([0.8, 0.9, 0.95, 0.99, 0.999]))
    cases.append(case(f"random_{t}_k{k}", selected, sizes, confidence))

# z = Φ⁻¹(1 − α/m) over the tail probabilities a window can need (α from 0.5 down, m up to ~10⁶ pairs).
quantiles = [{"p": float(p), "isf": float(scipy.stats.norm.isf(p))} for p in np.logspace(-12, math.log10(0.5), 60)]

fixture = {
    "generator": "scripts/reference/disparate_impact.py",
    "seed": SEED,
    "versions": {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
    },
    "quantiles": quantiles,
    "cases": cases,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(fixture, allow_nan=False, separators=(",", ":")) + "\n")
zeros = sum(1 for c in cases if any(x == 0 or x == n for x, n in zip(c["input"]["selected"], c["input"]["predictions"])))
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases, {zeros} with a zero cell)")
