"""Reference values for src/metrics/profile and src/metrics/quality, computed with numpy and pandas.

Writes fixtures/quality.json:
- numerical: per sample, the profile statistics: count, missing, nonFinite, finite, nUnique,
  min, max, np.mean, np.std (ddof=0), np.quantile(method='linear') at the profile levels, the
  reference-decile bin edges (drift.py bin_edges: np.unique(np.quantile(x, deciles)), the range
  closed when ties collapse them) and their counts (np.searchsorted side='right');
- quality: missing rate, out-of-reference-range rate (pandas comparisons against the
  reference min/max, ±inf included), new-category rate and counts (pandas isin);
- outliers: per-event share of features in the reference's 1% tails (numerical: strictly
  outside np.quantile 0.005 / 0.995; categorical: unseen, or among the rarest categories that
  together hold at most 1% of the reference), window mean score and outlier rate at 0.25.

Inputs encode missing values as null and infinities as the strings "inf" / "-inf".
Deterministic (seeded numpy Generators).
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import pandas as pd

from drift import bin_edges

OUT = Path(__file__).parent / "fixtures" / "quality.json"
LEVELS = [0, 0.005, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.995, 1]
TAIL_MASS = 0.01
THRESHOLD = 0.25


def num(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(v)


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
        return None if math.isnan(v) else v
    return x


def numerical_case(name, values):
    arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    finite = arr[np.isfinite(arr)]
    edges = bin_edges(finite) if len(finite) else np.array([])
    counts = np.bincount(np.searchsorted(edges, finite, side="right"), minlength=len(edges) + 1)
    has = len(finite) > 0
    return {
        "name": name,
        "input": [num(v) for v in arr],
        "expected": {
            "count": len(arr), "missing": int(np.isnan(arr).sum()), "nonFinite": int(np.isinf(arr).sum()),
            "finite": len(finite), "nUnique": len(np.unique(finite)),
            "min": float(finite.min()) if has else None, "max": float(finite.max()) if has else None,
            "mean": float(np.mean(finite)) if has else None, "std": float(np.std(finite)) if has else None,
            "quantiles": [float(q) for q in np.quantile(finite, LEVELS)] if has else [None] * len(LEVELS),
            "binEdges": edges.tolist(), "binCounts": counts.tolist(),
        },
    }


def numerical_cases():
    g = np.random.default_rng(7)
    return [
        numerical_case("normal 500, 3 decimals", np.round(g.normal(10, 2, 500), 3).tolist()),
        numerical_case("integers with ties", g.integers(0, 20, 200).astype(float).tolist()),
        numerical_case("lognormal 1000 skewed", np.round(g.lognormal(0, 1, 1000), 4).tolist()),
        numerical_case("single value", [3.25]),
        numerical_case("two values", [1.0, 4.0]),
        numerical_case("constant", [2.5] * 10),
        numerical_case("with NaN and infinities", [1.0, None, 2.0, math.inf, 3.5, -math.inf, None, 7.0]),
        numerical_case("empty", []),
    ]


def quality_case(name, kind, reference, current):
    cur = pd.Series(current, dtype=object)
    missing = cur.isna()
    rows = len(cur)
    if kind == "numerical":
        ref = np.array([np.nan if v is None else v for v in reference], dtype=float)
        finite = ref[np.isfinite(ref)]
        x = pd.to_numeric(cur[~missing]).astype(float)
        out = ((x < finite.min()) | (x > finite.max())).sum()
        expected = {"missingRate": missing.mean() if rows else None,
                    "outOfRangeRate": out / len(x) if len(x) else None, "outOfRange": int(out)}
    else:
        ref = pd.Series(reference, dtype=object).dropna()
        seen = cur[~missing]
        new = seen[~seen.isin(set(ref))]
        expected = {"missingRate": missing.mean() if rows else None,
                    "newCategoryRate": len(new) / len(seen) if len(seen) else None,
                    "newCategories": new.value_counts().sort_index().to_dict()}
    return {"name": name, "kind": kind, "input": {"reference": [num(v) if kind == "numerical" else v for v in reference],
                                                  "current": [num(v) if kind == "numerical" else v for v in current]},
            "expected": expected}


def quality_cases():
    g = np.random.default_rng(8)
    ref = np.round(g.normal(0, 1, 300), 3).tolist()
    cur = np.round(g.normal(0.5, 1.3, 200), 3).tolist() + [None, None, math.inf]
    cats = list("aabbbccccdddddeeeeee")
    return [
        quality_case("numerical shifted, with missing and inf", "numerical", ref, cur),
        quality_case("categorical with unseen", "categorical", cats * 5, list("abcxyzzq") * 3 + [None]),
    ]


def outlier_case():
    g = np.random.default_rng(9)
    n_ref, n_cur = 1000, 400
    ref = pd.DataFrame({
        "income": np.round(g.lognormal(10, 0.5, n_ref), 0),
        "age": g.integers(18, 80, n_ref).astype(float),
        "score": np.round(g.normal(0, 1, n_ref), 3),
        "city": g.choice(["A", "B", "C", "D", "E", "F"], n_ref, p=[0.4, 0.3, 0.2, 0.092, 0.006, 0.002]),
    })
    cur = pd.DataFrame({
        "income": np.round(g.lognormal(10.3, 0.7, n_cur), 0),
        "age": g.integers(18, 90, n_cur).astype(float),
        "score": np.round(g.normal(0.2, 1.5, n_cur), 3),
        "city": g.choice(["A", "B", "C", "E", "F", "G"], n_cur, p=[0.3, 0.3, 0.2, 0.1, 0.05, 0.05]),
    })
    cur.loc[::37, "score"] = np.nan
    extreme = pd.DataFrame(index=cur.index)
    evaluated = pd.DataFrame(index=cur.index)
    for col in ["income", "age", "score"]:
        lo, hi = np.quantile(ref[col], [0.005, 0.995])
        evaluated[col] = cur[col].notna()
        extreme[col] = ((cur[col] < lo) | (cur[col] > hi)) & cur[col].notna()
    counts = ref["city"].value_counts()
    entries = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
    rare, cum = set(), 0
    for k, c in entries:
        cum += c
        if cum > TAIL_MASS * n_ref:
            break
        rare.add(k)
    evaluated["city"] = True
    extreme["city"] = ~cur["city"].isin(set(counts.index)) | cur["city"].isin(rare)
    score = extreme.sum(axis=1) / evaluated.sum(axis=1)
    records = lambda df: [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                          for r in df.to_dict(orient="records")]
    return {
        "input": {"reference": records(ref), "current": records(cur)},
        "expected": {"rare": sorted(rare), "scores": score.tolist(), "meanScore": float(score.mean()),
                     "outlierRate": float((score >= THRESHOLD).mean()), "threshold": THRESHOLD},
    }


fixture = {
    "generator": "scripts/reference/quality.py",
    "libraries": {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__},
    "levels": LEVELS,
    "numerical": numerical_cases(),
    "quality": quality_cases(),
    "outliers": outlier_case(),
}
OUT.write_text(json.dumps(clean(fixture), separators=(",", ":")) + "\n")
print(f"wrote {OUT}")
