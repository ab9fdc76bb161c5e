"""Fixture for the regression metrics of `driftwatch report` when the label and prediction
columns are continuous (src/report/regression-metrics.ts, src/report/continuous-section.ts):
scikit-learn's mean_absolute_error, root_mean_squared_error, mean_absolute_percentage_error
and r2_score on each file's rows with a label and a prediction that are numbers.

Five cases, each a reference and a current CSV file (columns `x`, `label`, `prediction`):

- `normal`: a regression model's predictions of a continuous target (y = 3x + 10 + noise);
  the current file's errors are larger.
- `zero_labels`: labels of which about one in ten is 0, written `0.0`: MAPE divides by
  max(|y|, eps) (eps = np.finfo(np.float64).eps), scikit-learn's convention, so a zero label
  gives a huge but finite term.
- `constant_label`: every label is 2.5: R2 is 0 for the reference's imperfect predictions and 1
  for the current file's, equal to their labels (r2_score's force_finite=True).
- `missing_cells`: labels and predictions left empty or written as pandas' missing markers (NA,
  NaN); the metrics read the rows with both, as a pair (rows_left_out: no_label, no_prediction).
- `configured_integers`: integer counts 1-20 with rounded predictions, which the report reads
  as classes by their values; the model file's `task: regression` reads them as numbers. One
  label is `unknown` and one prediction `?`: not numbers, left out (label_not_a_number,
  prediction_not_a_number).

Each file is read with pandas.read_csv(dtype=str) (its default missing markers, as the report's,
src/report/csv-cells.ts MISSING_TOKENS), the cells turned into numbers with
pd.to_numeric(errors='coerce'), and the metrics computed on the rows where both are numbers.
Floats are written with repr(), so that both sides read the same float64 values. Records, per
case and file, the files' text, the rows read and left out by reason, the four metrics and the
degradation (current - reference), in fixtures/report-regression.json
(test/report-regression.test.ts).

Run: python scripts/reference/report_regression.py (scikit-learn, numpy, pandas as pinned in requirements.txt).
"""

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, r2_score, root_mean_squared_error

OUT = Path(__file__).parent / "fixtures" / "report-regression.json"
ROWS = 300
rng = np.random.default_rng(20250117)


def cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return repr(float(v))


def csv(x, label, prediction) -> str:
    lines = ["x,label,prediction"] + [f"{cell(a)},{cell(b)},{cell(c)}" for a, b, c in zip(x, label, prediction)]
    return "\n".join(lines) + "\n"


def normal(scale: float):
    def make(n: int):
        x = rng.uniform(0, 10, n)
        label = 3 * x + 10 + rng.normal(0, 2, n)
        return x, label, label + rng.normal(0.3, scale, n)

    return make


def zero_labels(n: int):
    x = rng.uniform(0, 5, n)
    label = np.where(rng.random(n) < 0.1, 0.0, x * 2 + rng.normal(0, 0.5, n))
    return x, label, label + rng.normal(0, 0.7, n)


def constant_label(perfect: bool):
    def make(n: int):
        x = rng.normal(0, 1, n)
        label = np.full(n, 2.5)
        return x, label, label if perfect else label + rng.normal(0, 0.2, n)

    return make


def missing_cells(n: int):
    x, label, prediction = normal(1.5)(n)
    markers = ["", "NA", "NaN"]
    label = [markers[i % 3] if i % 23 == 5 else v for i, v in enumerate(label)]
    prediction = [markers[i % 3] if i % 31 == 7 else v for i, v in enumerate(prediction)]
    # One row with neither: counted once, as without a label.
    label[11], prediction[11] = "", ""
    return x, label, prediction


def configured_integers(n: int):
    x = rng.uniform(0, 4, n)
    label = 1 + np.minimum(rng.poisson(np.exp(x * 0.7)), 19)
    prediction = np.rint(np.exp(x * 0.7) + rng.normal(0, 1, n)).astype(int)
    label = list(label)
    prediction = list(prediction)
    label[3] = "unknown"
    prediction[8] = "?"
    return x, label, prediction


def metrics(text: str) -> dict:
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    raw_label, raw_prediction = frame["label"], frame["prediction"]
    y = pd.to_numeric(raw_label, errors="coerce")
    p = pd.to_numeric(raw_prediction, errors="coerce")
    no_label = raw_label.isna()
    label_text = ~no_label & y.isna()
    no_prediction = ~no_label & ~label_text & raw_prediction.isna()
    prediction_text = ~no_label & ~label_text & ~raw_prediction.isna() & p.isna()
    both = y.notna() & p.notna()
    yt, yp = y[both].to_numpy(float), p[both].to_numpy(float)
    return {
        "rows": int(both.sum()),
        "rows_left_out": {
            "no_label": int(no_label.sum()),
            "label_not_a_number": int(label_text.sum()),
            "label_not_finite": 0,
            "no_prediction": int(no_prediction.sum()),
            "prediction_not_a_number": int(prediction_text.sum()),
            "prediction_not_finite": 0,
        },
        "mae": float(mean_absolute_error(yt, yp)),
        "rmse": float(root_mean_squared_error(yt, yp)),
        "mape": float(mean_absolute_percentage_error(yt, yp)),
        "r2": float(r2_score(yt, yp)),
    }


def case(reference_make, current_make, model=None):
    reference, current = csv(*reference_make(ROWS)), csv(*current_make(ROWS))
    ref, cur = metrics(reference), metrics(current)
    out = {
        "reference": reference,
        "current": current,
        "metrics": {"reference": ref, "current": cur},
        "degradation": {m: cur[m] - ref[m] for m in ("mae", "rmse", "mape", "r2")},
    }
    if model is not None:
        out["model"] = model
    return out


fixture = {
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "pandas": pd.__version__,
    "calls": {
        "read": "pd.read_csv(text, dtype=str); pd.to_numeric(column, errors='coerce'); the rows where label and prediction are both numbers",
        "mae": "sklearn.metrics.mean_absolute_error(y, p)",
        "rmse": "sklearn.metrics.root_mean_squared_error(y, p)",
        "mape": "sklearn.metrics.mean_absolute_percentage_error(y, p) (a fraction; eps = np.finfo(np.float64).eps)",
        "r2": "sklearn.metrics.r2_score(y, p) (force_finite=True)",
        "degradation": "current - reference",
    },
    "normal": case(normal(1.0), normal(2.5)),
    "zero_labels": case(zero_labels, zero_labels),
    "constant_label": case(constant_label(False), constant_label(True)),
    "missing_cells": case(missing_cells, missing_cells),
    "configured_integers": case(configured_integers, configured_integers, "task: regression\n"),
}
z = fixture["zero_labels"]["metrics"]["current"]
assert z["mape"] > 1e12, "a zero label's term is |e| / eps"
c = fixture["constant_label"]["metrics"]
assert c["reference"]["r2"] == 0.0 and c["current"]["r2"] == 1.0 and c["current"]["mae"] == 0.0
m = fixture["missing_cells"]["metrics"]["current"]["rows_left_out"]
assert m["no_label"] > 0 and m["no_prediction"] > 0
i = fixture["configured_integers"]["metrics"]["reference"]["rows_left_out"]
assert i["label_not_a_number"] == 1 and i["prediction_not_a_number"] == 1
OUT.write_text(json.dumps(fixture, indent=1) + "\n")
n = fixture["normal"]["metrics"]
print(f"{OUT}: normal mae {n['reference']['mae']:.4f} -> {n['current']['mae']:.4f}, r2 {n['reference']['r2']:.4f} -> {n['current']['r2']:.4f}; "
      f"zero labels mape {z['mape']:.3e} (sklearn {sklearn.__version__}, numpy {np.__version__}, pandas {pd.__version__})")
