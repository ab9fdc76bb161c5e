"""Fixture for how `driftwatch report` reads integer label and prediction columns with more than
50 distinct values (src/report/continuous-targets.ts): scikit-learn's type_of_target, the
classification metrics of a 60-class model coded 0-59, and three regression models of integers.

Four cases, each a reference and a current CSV file (columns `x`, `label`, `prediction`):

- `sixty_classes`: a classifier of 60 classes coded as integers 0-59, right on about 60% of
  the rows (otherwise it predicts another class, one near the label more often). type_of_target
  is 'multiclass'; the report reads it as classes and its current metrics are
  accuracy_score and precision_recall_fscore_support(average='macro', zero_division=0) on the
  class texts (the report's multiclass precision, recall and F1: macro averages, 0 for a class
  never predicted, src/metrics/performance/classification.ts).
- `count_regression`: counts (integers, a few hundred distinct values) with a regression
  model's predictions, non-integers: type_of_target 'multiclass' for the labels and
  'continuous' for the predictions; the report reads both as continuous.
- `rounded_counts`: counts spread over a wide range (log-normal, up to hundreds of thousands)
  with a regression model's predictions rounded to integers: type_of_target 'multiclass' for
  both; the report departs from it (most predictions are none of the labels' values) and reads
  both as continuous.
- `dense_ages`: ages 18-80 with a regression model's predictions rounded to integers
  (round(age + N(0, 4))): type_of_target 'multiclass' for both, and nearly every prediction is
  one of the labels' values; the report departs from it (the predictions that differ from their
  label are near it, as a regression's errors, where a classifier's wrong classes fall anywhere
  among the codes) and reads both as continuous.

Records, per case, the files' text, type_of_target of each column (both files together) and
the share of prediction rows whose value is among the labels' values (numpy.isin), over the rows
whose prediction differs from the label the median |prediction - label| and how many are off by
more than a quarter of the labels' range (max - min), and for
`sixty_classes` the metrics of each file, in fixtures/report-integer-classes.json
(src/report/continuous-targets.test.ts, test/report-integer-classes.test.ts).

Run: python scripts/reference/report_integer_classes.py (scikit-learn, numpy as pinned in requirements.txt).
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.utils.multiclass import type_of_target

OUT = Path(__file__).parent / "fixtures" / "report-integer-classes.json"
ROWS = 1200
rng = np.random.default_rng(20240601)


def csv(x, label, prediction) -> str:
    lines = ["x,label,prediction"] + [f"{a:.4f},{b},{c}" for a, b, c in zip(x, label, prediction)]
    return "\n".join(lines) + "\n"


def sixty_classes(n: int):
    label = rng.integers(0, 60, n)
    right = rng.random(n) < 0.6
    # A wrong prediction is a near class more often than not (as a real model's confusions).
    near = (label + rng.choice([-2, -1, 1, 2], n)) % 60
    other = rng.integers(0, 60, n)
    wrong = np.where(rng.random(n) < 0.5, near, other)
    prediction = np.where(right, label, wrong)
    return rng.normal(0, 1, n), label, prediction


def count_regression(n: int):
    mean = rng.uniform(20, 200, n)
    label = rng.poisson(mean)
    prediction = [f"{p:.2f}" for p in mean * rng.normal(1, 0.05, n)]
    return mean / 100, label, prediction


def rounded_counts(n: int):
    mean = rng.lognormal(8, 1.5, n)
    label = rng.poisson(mean)
    prediction = np.rint(mean * rng.normal(1, 0.1, n)).astype(int)
    return np.log(mean), label, prediction


def dense_ages(n: int):
    label = rng.integers(18, 81, n)
    prediction = np.rint(label + rng.normal(0, 4, n)).astype(int)
    return (label - 49) / 18, label, prediction


def case(make):
    reference, current = make(ROWS), make(ROWS)
    labels = np.concatenate([np.asarray(reference[1]), np.asarray(current[1])])
    predictions = np.concatenate([np.asarray(reference[2]), np.asarray(current[2])])
    numeric = predictions.astype(float)
    among = np.isin(numeric, labels.astype(float))
    errors = np.abs(numeric - labels.astype(float))
    misses = errors[errors != 0]
    spread = float(labels.max() - labels.min())
    return {
        "reference": csv(*reference),
        "current": csv(*current),
        "type_of_target": {"label": type_of_target(labels), "prediction": type_of_target(numeric)},
        "distinct": {"label": int(len(np.unique(labels))), "prediction": int(len(np.unique(numeric)))},
        "predictions_among_labels": int(among.sum()),
        "prediction_rows": int(len(predictions)),
        "label_range": spread,
        "misses": {
            "rows": int(len(misses)),
            "median": float(np.median(misses)),
            "median_share_of_range": float(np.median(misses)) / spread,
            "beyond_quarter_range": int((misses > spread / 4).sum()),
        },
    }, reference, current


def metrics(side):
    y, p = [str(v) for v in side[1]], [str(v) for v in side[2]]
    precision, recall, f1, _ = precision_recall_fscore_support(y, p, average="macro", zero_division=0)
    return {"rows": len(y), "accuracy": accuracy_score(y, p), "precision": precision, "recall": recall, "f1": f1}


sixty, ref60, cur60 = case(sixty_classes)
sixty["metrics"] = {"reference": metrics(ref60), "current": metrics(cur60)}
regression, _, _ = case(count_regression)
rounded, _, _ = case(rounded_counts)
ages, _, _ = case(dense_ages)
fixture = {
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "calls": {
        "type_of_target": "sklearn.utils.multiclass.type_of_target(np.concatenate([reference, current]))",
        "metrics": "accuracy_score(y, p), precision_recall_fscore_support(y, p, average='macro', zero_division=0) on the class texts",
        "predictions_among_labels": "np.isin(predictions, labels).sum(), both files together",
        "misses": "e = abs(predictions - labels), e[e != 0]: np.median, and (e > (labels.max() - labels.min()) / 4).sum()",
    },
    "sixty_classes": sixty,
    "count_regression": regression,
    "rounded_counts": rounded,
    "dense_ages": ages,
}
assert sixty["type_of_target"] == {"label": "multiclass", "prediction": "multiclass"}
assert regression["type_of_target"] == {"label": "multiclass", "prediction": "continuous"}
assert rounded["type_of_target"] == {"label": "multiclass", "prediction": "multiclass"}
assert rounded["predictions_among_labels"] * 2 < rounded["prediction_rows"]
assert regression["distinct"]["label"] > 50 and rounded["distinct"]["label"] > 50
assert ages["type_of_target"] == {"label": "multiclass", "prediction": "multiclass"} and ages["distinct"]["label"] > 50
assert ages["predictions_among_labels"] * 2 > ages["prediction_rows"]
# The report's ordinal test (at most 1 in 20 misses beyond a quarter of the range: continuous) parts them.
assert sixty["misses"]["beyond_quarter_range"] * 20 > sixty["misses"]["rows"]
assert ages["misses"]["beyond_quarter_range"] * 20 <= ages["misses"]["rows"]
OUT.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"{OUT}: 60 classes accuracy {sixty['metrics']['current']['accuracy']:.4f}, "
      f"rounded counts {rounded['predictions_among_labels']} of {rounded['prediction_rows']} predictions among the labels, "
      f"misses beyond a quarter of the range: 60 classes {sixty['misses']['beyond_quarter_range']} of {sixty['misses']['rows']} "
      f"(median {sixty['misses']['median']}), ages {ages['misses']['beyond_quarter_range']} of {ages['misses']['rows']} "
      f"(median {ages['misses']['median']}) (sklearn {sklearn.__version__})")
