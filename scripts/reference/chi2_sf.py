"""Reference values for src/metrics/drift/gamma-q.ts and chi-square.ts at large degrees of freedom.

Writes fixtures/chi2_sf.json:
- "sf": scipy.stats.chi2.sf(x, dof) over dof from 1 to 1e6 and x from far below to far above
  dof (quantile points from p = 1 - 1e-12 down to p = 1e-300, and multiples of dof), with
  mpmath's 40-digit value alongside as an independent check of scipy itself;
- "contingency": scipy.stats.chi2_contingency(correction=False) on seeded 2 x k tables with
  k up to 20,000 categories (the id-like columns where the old p-value was 0.4-2.6 % off).

Deterministic: seeded numpy Generators.
"""

import json
import pathlib
import sys

import mpmath
import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path(__file__).parent / "fixtures" / "chi2_sf.json"

DOFS = [1, 2, 3, 4, 5, 7, 10, 30, 100, 500, 999, 1000, 1999, 2000, 2001, 2499, 3000, 5000, 10000, 49999,
        100000, 250001, 1000000]
PROBABILITIES = [1 - 1e-12, 1 - 1e-6, 0.999, 0.9, 0.5, 0.1, 0.05, 0.049850, 1e-3, 1e-6, 1e-12, 1e-30, 1e-100,
                 1e-200, 1e-300]
FACTORS = [1e-6, 1e-3, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0, 1.001, 1.01, 1.1, 1.5, 2.0, 3.0, 10.0]


def mp_sf(x, dof, sf):
    """Q(a, x) = 1 - x^a e^-x / Gamma(a + 1) * 1F1(1; a + 1; x), with enough digits that the
    subtraction keeps 30 (mpmath.gammainc gives up on its series at a ~ 1e5)."""
    digits = 40 + int(-np.log10(sf)) + 5
    with mpmath.workdps(digits):
        a, z = mpmath.mpf(dof) / 2, mpmath.mpf(x) / 2
        p = mpmath.exp(a * mpmath.log(z) - z - mpmath.loggamma(a + 1)) * mpmath.hyp1f1(1, a + 1, z, maxterms=10**8)
        return float(1 - p)


def sf_cases():
    cases = []
    for dof in DOFS:
        xs = {float(stats.chi2.isf(p, dof)) for p in PROBABILITIES}
        xs |= {float(f * dof) for f in FACTORS}
        for x in sorted(xs):
            sf = float(stats.chi2.sf(x, dof))
            if not (x > 0 and sf >= 1e-300):
                continue
            cases.append({"dof": dof, "x": x, "sf": sf, "mpmath": mp_sf(x, dof, sf)})
    return cases


def contingency_case(name, seed, ids, rows, shift):
    g = np.random.default_rng(seed)
    reference = np.bincount(g.integers(0, ids, rows), minlength=ids)
    weights = np.ones(ids)
    weights[: ids // 10] *= 1 + shift
    current = np.bincount(g.choice(ids, rows, p=weights / weights.sum()), minlength=ids)
    keep = (reference + current) > 0
    table = np.array([reference[keep], current[keep]])
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    return {
        "name": name,
        "input": {"reference": [int(v) for v in reference], "current": [int(v) for v in current]},
        "expected": {"chi2": float(chi2), "pValue": float(p), "dof": int(dof)},
    }


def main():
    contingency = [
        contingency_case("2,500 ids, 5,000 rows each side", 15, 2500, 5000, 0.0),
        contingency_case("2,500 ids, 5,000 rows, 10 % of ids 15 % likelier", 16, 2500, 5000, 0.15),
        contingency_case("5,000 ids, 20,000 rows each side", 17, 5000, 20000, 0.05),
        contingency_case("20,000 ids, 50,000 rows each side", 18, 20000, 50000, 0.0),
    ]
    fixture = {
        "generator": "scripts/reference/chi2_sf.py",
        "libraries": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                      "mpmath": mpmath.__version__},
        "sf": sf_cases(),
        "contingency": contingency,
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(fixture['sf'])} sf cases)")


if __name__ == "__main__":
    main()
