"""Reference values for CBPE with calibration (src/metrics/performance/isotonic.ts, cbpe.ts).

Writes fixtures/nannyml_cbpe.json. A deliberately miscalibrated binary model: the true
probability is sigmoid(z) but the model reports sigmoid(2.5 z) (overconfident), rounded to
the 1/1000 grid driftwatch's score histograms use (so binning loses nothing). NannyML's CBPE
is fitted on a labeled reference and estimates one analysis chunk; it decides by itself
whether calibration is needed (needs_calibration, recorded) and calibrates with sklearn's
IsotonicRegression. The fixture also records that regressor's predictions on the grid, and
the estimates without calibration (NannyML's formulas on the raw scores) for contrast.

Needs its own virtual environment: pip install nannyml.
Deterministic: seeded numpy Generators.
"""

import json
import os
import pathlib
import sys

os.environ["NML_DISABLE_USAGE_LOGGING"] = "1"  # NannyML phones home otherwise

import nannyml
import numpy as np
import pandas as pd
import sklearn
from nannyml.calibration import IsotonicCalibrator, needs_calibration

OUT = pathlib.Path(__file__).parent / "fixtures" / "nannyml_cbpe.json"
METRICS = ["roc_auc", "f1", "precision", "recall", "accuracy"]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sample(g, n, shift):
    z = g.normal(shift, 1.2, n)
    y = (g.random(n) < sigmoid(z)).astype(int)
    score = np.round(sigmoid(2.5 * z), 3)
    return pd.DataFrame({"score": score, "y_pred": (score >= 0.5).astype(int), "y_true": y})


def grid_counts(df, with_labels):
    k = np.rint(df["score"].to_numpy() * 1000).astype(int)
    out = {"counts": np.bincount(k, minlength=1001).tolist()}
    if with_labels:
        out["positives"] = np.bincount(k, weights=df["y_true"].to_numpy(), minlength=1001).astype(int).tolist()
    return out


def case(name, seed, shift):
    g = np.random.default_rng(seed)
    reference = sample(g, 6000, 0.0)
    analysis = sample(g, 5000, shift)
    est = nannyml.CBPE(y_pred_proba="score", y_pred="y_pred", y_true="y_true", metrics=METRICS,
                       chunk_size=len(analysis), problem_type="classification_binary")
    est.fit(reference)
    res = est.estimate(analysis).filter(period="analysis").to_df()
    estimated = {m: float(res[(m, "value")].iloc[0]) for m in METRICS}
    iso = IsotonicCalibrator()
    iso.fit(reference["score"].to_numpy(), reference["y_true"].to_numpy())
    grid = np.arange(1001) / 1000
    realized = {
        "accuracy": float((analysis["y_pred"] == analysis["y_true"]).mean()),
    }
    return {
        "name": name,
        "input": {"reference": grid_counts(reference, True), "analysis": grid_counts(analysis, False)},
        "expected": {
            "needsCalibration": bool(est.needs_calibration),
            "needsCalibrationCheck": bool(needs_calibration(reference["y_true"].to_numpy(), reference["score"].to_numpy(), IsotonicCalibrator())),
            "cbpe": estimated,
            "isotonicOnGrid": [float(v) for v in iso.calibrate(grid)],
            "realizedAccuracy": realized["accuracy"],
        },
    }


def main():
    cases = [case("overconfident model, analysis like the reference", 31, 0.0),
             case("overconfident model, analysis shifted towards positives", 32, 0.6)]
    fixture = {
        "generator": "scripts/reference/nannyml_cbpe.py",
        "libraries": {"python": sys.version.split()[0], "nannyml": nannyml.__version__, "numpy": np.__version__,
                      "pandas": pd.__version__, "scikit-learn": sklearn.__version__},
        "cases": cases,
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    for c in cases:
        print(c["name"], c["expected"]["needsCalibration"], c["expected"]["cbpe"], c["expected"]["realizedAccuracy"])


if __name__ == "__main__":
    main()
