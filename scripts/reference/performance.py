"""Reference values for src/metrics/performance/*.

Writes fixtures/performance.json: the inputs, the library versions and the outputs of
scikit-learn 1.9.1 (classification, ranking, probabilistic and regression metrics), of
numpy implementations where no library function exists (expected calibration error, the
binned score histogram) and of a numpy copy of NannyML's CBPE estimators.

Deterministic: one seeded numpy Generator; inputs are rounded to 6 decimals so the fixture
stays small and every number reads back as the same float64 in JavaScript.

JSON has no NaN: NaN is written as null and the tests read null as NaN.
"""

import json
import math
import platform
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_absolute_percentage_error,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
    root_mean_squared_error,
)
from sklearn.preprocessing import label_binarize

warnings.simplefilter("ignore")  # UndefinedMetricWarning is the zero_division="warn" path we mirror

SEED = 20240611
rng = np.random.default_rng(SEED)
OUT = Path(__file__).parent / "fixtures" / "performance.json"


def clean(x):
    """numpy -> plain Python, NaN -> None."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return None if math.isnan(v) else v
    if isinstance(x, np.str_):
        return str(x)
    return x


def r6(a):
    return np.round(np.asarray(a, dtype=float), 6)


# --- classification (confusion-matrix metrics) --------------------------------------------


def classification_case(name, y_true, y_pred, labels=None, binary=False):
    y_true, y_pred = list(y_true), list(y_pred)
    out = {"accuracy": accuracy_score(y_true, y_pred)}
    averages = ["macro", "micro", "weighted"] + (["binary"] if binary else [])
    for avg in averages:
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, average=avg, labels=labels, zero_division="warn"
        )
        out[avg] = {"precision": p, "recall": r, "f1": f}
        assert f == f1_score(y_true, y_pred, average=avg, labels=labels)
    cm_labels = labels if labels is not None else sorted(set(y_true) | set(y_pred))
    out["confusionMatrix"] = {
        "labels": cm_labels,
        "matrix": confusion_matrix(y_true, y_pred, labels=cm_labels),
    }
    return {"name": name, "input": {"yTrue": y_true, "yPred": y_pred, "labels": labels}, "expected": out}


def flip(y, rate, classes):
    y = np.array(y, dtype=object)
    mask = rng.random(len(y)) < rate
    y[mask] = rng.choice(classes, size=int(mask.sum()))
    return y.tolist()


classification = []
yb = rng.binomial(1, 0.4, 300).tolist()
classification.append(classification_case("binary_random", yb, flip(yb, 0.3, [0, 1]), binary=True))
classification.append(
    classification_case("binary_all_positive_labels", [1] * 40, rng.binomial(1, 0.7, 40).tolist(), binary=True)
)
classification.append(
    classification_case("binary_constant_prediction", rng.binomial(1, 0.5, 50).tolist(), [0] * 50, binary=True)
)
classification.append(classification_case("binary_single_sample", [1], [0], binary=True))
animals = ["bird", "cat", "dog"]
ys = rng.choice(animals, 300, p=[0.2, 0.5, 0.3]).tolist()
classification.append(classification_case("multiclass_strings", ys, flip(ys, 0.35, animals)))
ym = rng.integers(0, 3, 200).tolist()
ym_pred = flip(ym, 0.3, [0, 1, 2, 3])  # class 3 is never a true label
classification.append(classification_case("multiclass_unseen_predicted_class", ym, ym_pred))
classification.append(
    classification_case("multiclass_labels_subset_with_absent_label", ym, ym_pred, labels=[0, 1, 5])
)

# --- ranking: ROC AUC and average precision ------------------------------------------------


def ranking_case(name, y_true, scores):
    y_true, scores = list(y_true), list(scores)
    return {
        "name": name,
        "input": {"yTrue": y_true, "scores": scores},
        "expected": {
            "rocAuc": roc_auc_score(y_true, scores),
            "averagePrecision": average_precision_score(y_true, scores) if len(y_true) else None,
        },
    }


ranking = []
yr = rng.binomial(1, 0.35, 400)
sr = r6(np.clip(0.25 * yr + rng.beta(2, 3, 400), 0, 1))
ranking.append(ranking_case("binary_continuous", yr.tolist(), sr.tolist()))
ranking.append(ranking_case("binary_heavy_ties", yr.tolist(), np.round(sr, 1).tolist()))
ranking.append(ranking_case("binary_decision_function_scores", yr.tolist(), r6(3 * (sr - 0.5)).tolist()))
ranking.append(ranking_case("all_positive_labels", [1] * 30, r6(rng.random(30)).tolist()))
ranking.append(ranking_case("all_negative_labels", [0] * 30, r6(rng.random(30)).tolist()))
ranking.append(ranking_case("constant_scores", yr[:50].tolist(), [0.5] * 50))
ranking.append(ranking_case("single_sample", [1], [0.3]))
ranking.append(ranking_case("two_samples_inverted", [1, 0], [0.2, 0.9]))


def multiclass_ranking_case(name, y_true, proba, classes):
    y_bin = label_binarize(y_true, classes=classes)
    try:
        auc = roc_auc_score(y_true, proba, multi_class="ovr", average="macro", labels=classes)
    except ValueError:
        auc = float("nan")
    per_class_auc = [
        roc_auc_score(y_bin[:, k], proba[:, k]) if 0 < y_bin[:, k].sum() < len(y_true) else float("nan")
        for k in range(len(classes))
    ]
    ap = average_precision_score(y_bin, proba, average="macro")
    if len(set(y_true)) == len(classes):
        # sklearn's multiclass path (label_binarize of present labels) agrees with the indicator path
        assert abs(ap - average_precision_score(y_true, proba, average="macro")) < 1e-15
        assert abs(auc - np.mean(per_class_auc)) < 1e-15
    return {
        "name": name,
        "input": {"yTrue": list(y_true), "scores": proba, "classes": classes},
        "expected": {
            "rocAucOvrMacro": auc if not np.isnan(np.mean(per_class_auc)) else float("nan"),
            "perClassRocAuc": per_class_auc,
            "averagePrecisionMacro": ap,
        },
    }


multiclass_ranking = []
colours = ["blue", "green", "red"]
yc = rng.choice(colours, 300, p=[0.3, 0.3, 0.4])
logits = rng.normal(size=(300, 3)) + 1.2 * label_binarize(yc, classes=colours)
pc = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
pc = r6(pc)
pc[:, 2] = np.round(1 - pc[:, 0] - pc[:, 1], 6)
multiclass_ranking.append(multiclass_ranking_case("multiclass_ovr", yc.tolist(), pc, colours))
yc2 = np.where(yc == "red", "blue", yc)  # class 'red' never occurs as a true label
multiclass_ranking.append(multiclass_ranking_case("multiclass_absent_true_class", yc2.tolist(), pc, colours))

# --- binned score histogram: exact when the scores already lie on the grid k / nBins ---------


def histogram_case(name, n_bins, n):
    y = rng.binomial(1, 0.4, n)
    k = np.clip(np.round((0.3 * y + rng.beta(2, 3, n)) * n_bins / 1.3), 0, n_bins).astype(int)
    scores = k / n_bins
    return {
        "name": name,
        "nBins": n_bins,
        "input": {"yTrue": y.tolist(), "scores": scores.tolist()},
        "expected": {"rocAuc": roc_auc_score(y, scores), "averagePrecision": average_precision_score(y, scores)},
    }


histogram = [histogram_case("grid_1000", 1000, 400), histogram_case("grid_20", 20, 300)]

# --- probabilistic: log loss, Brier score, expected calibration error -----------------------


def ece_numpy(outcome, prob, n_bins=10):
    """Equal-width bins on [0, 1], bins (e_k, e_{k+1}] with 0 in the first bin (the
    calibration_curve binning), weighted by bin count: sum_b n_b/N * |mean(y)_b - mean(p)_b|."""
    outcome, prob = np.asarray(outcome, dtype=float), np.asarray(prob, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], prob)
    total = np.bincount(ids, minlength=n_bins)
    sum_p = np.bincount(ids, weights=prob, minlength=n_bins)
    sum_y = np.bincount(ids, weights=outcome, minlength=n_bins)
    nz = total > 0
    acc, conf = sum_y[nz] / total[nz], sum_p[nz] / total[nz]
    return float(np.sum(total[nz] / len(prob) * np.abs(acc - conf))), total.tolist()


def probabilistic_case(name, y, p, n_bins=10):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    ece, counts = ece_numpy(y, p, n_bins)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    return {
        "name": name,
        "nBins": n_bins,
        "input": {"yTrue": y.tolist(), "proba": p.tolist()},
        "expected": {
            "logLoss": log_loss(y, p, labels=[0, 1]),
            "brierScore": brier_score_loss(y, p, pos_label=1),
            "ece": ece,
            "binCounts": counts,
            "calibrationCurve": {"probTrue": prob_true, "probPred": prob_pred},
        },
    }


probabilistic = []
pp = r6(rng.beta(2, 3, 300))
pp[:6] = [0.0, 1.0, 0.1, 0.2, 3 * 0.1, 0.7]  # clipping at 0/1 and values on bin edges
probabilistic.append(probabilistic_case("binary_beta", rng.binomial(1, pp).tolist(), pp))
probabilistic.append(probabilistic_case("binary_beta_15_bins", rng.binomial(1, pp).tolist(), pp, n_bins=15))
probabilistic.append(probabilistic_case("all_negative_labels", [0] * 20, r6(rng.random(20))))
probabilistic.append(probabilistic_case("single_sample", [1], [0.8]))


def multiclass_logloss_case(name, y, proba, classes):
    pred = np.asarray(classes)[np.argmax(proba, axis=1)]
    conf = np.max(proba, axis=1)
    ece, _ = ece_numpy((pred == np.asarray(y)).astype(float), conf)
    return {
        "name": name,
        "input": {"yTrue": list(y), "proba": proba, "classes": classes},
        "expected": {"logLoss": log_loss(y, proba, labels=classes), "topLabelEce": ece},
    }


pm = pc.copy()
pm[:5] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]
multiclass_logloss = [multiclass_logloss_case("multiclass_with_zeros", yc.tolist(), pm, colours)]

# --- regression ---------------------------------------------------------------------------


def regression_case(name, y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    single = len(y_true) < 2
    return {
        "name": name,
        "input": {"yTrue": y_true.tolist(), "yPred": y_pred.tolist()},
        "expected": {
            "mae": mean_absolute_error(y_true, y_pred),
            "rmse": root_mean_squared_error(y_true, y_pred),
            "mape": mean_absolute_percentage_error(y_true, y_pred),
            "r2": float("nan") if single else r2_score(y_true, y_pred),
        },
    }


regression = []
yt = r6(rng.normal(10, 3, 300))
regression.append(regression_case("normal", yt, r6(yt + rng.normal(0, 1.5, 300))))
yz = yt[:100].copy()
yz[:7] = 0.0  # MAPE divides by max(|y|, eps) with eps = float64 machine epsilon
regression.append(regression_case("zeros_in_y_true", yz, r6(yz + rng.normal(0, 1, 100))))
regression.append(regression_case("constant_y_true_imperfect", [3.0] * 20, [3.0] * 19 + [4.0]))
regression.append(regression_case("constant_y_true_perfect", [3.0] * 20, [3.0] * 20))
regression.append(regression_case("large_offset", 1e6 + yt[:200], r6(1e6 + yt[:200] + rng.normal(0, 0.5, 200))))
regression.append(regression_case("single_sample", [2.0], [2.5]))

# --- CBPE (NannyML's estimators, copied in numpy) -----------------------------------------
# NannyML commit 00cb97f7ee4b334b93cd4d463be70663c9e92d97,
# nannyml/performance_estimation/confidence_based/metrics.py: estimate_accuracy,
# estimate_precision, estimate_recall, estimate_f1, estimate_roc_auc. Our scores are already
# calibrated, so NannyML's calibrated and uncalibrated score columns are the same array.


def nannyml_estimate_roc_auc(p):
    order = np.argsort(p)[::-1]
    p = p[order]
    tps = np.cumsum(p)
    fps = 1 + np.arange(len(p)) - tps
    tps = np.round(np.r_[0, tps], 5)
    fps = np.round(np.r_[0, fps], 5)
    with np.errstate(divide="ignore", invalid="ignore"):
        tpr, fpr = tps / tps[-1], fps / fps[-1]
    if not (np.isfinite(tpr).all() and np.isfinite(fpr).all()):
        return float("nan")
    return float(np.trapezoid(tpr, fpr))


def nannyml_estimates(p, y_pred):
    tp = np.sum(np.where(y_pred == 1, p, 0))
    fp = np.sum(np.where(y_pred == 1, 1 - p, 0))
    fn = np.sum(np.where(y_pred == 0, p, 0))
    tn = np.sum(np.where(y_pred == 0, 1 - p, 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "accuracy": (tp + tn) / len(y_pred),
            "precision": tp / (tp + fp),
            "recall": tp / (tp + fn),
            "f1": tp / (tp + 0.5 * (fp + fn)),
            "rocAuc": nannyml_estimate_roc_auc(p),
            "expectedConfusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        }


def cbpe_case(name, p, threshold=0.5):
    p = np.asarray(p, dtype=float)
    y_pred = (p >= threshold).astype(int)
    y_true = rng.binomial(1, p)  # perfectly calibrated: labels drawn from Bernoulli(score)
    realized = {
        "accuracy": accuracy_score(y_true, y_pred),
        "precision": precision_recall_fscore_support(y_true, y_pred, average="binary")[0],
        "recall": precision_recall_fscore_support(y_true, y_pred, average="binary")[1],
        "f1": f1_score(y_true, y_pred),
        "rocAuc": roc_auc_score(y_true, p),
    }
    return {
        "name": name,
        "threshold": threshold,
        "input": {"scores": p.tolist(), "yPred": y_pred.tolist(), "yTrue": y_true.tolist()},
        "expected": {"estimated": nannyml_estimates(p, y_pred), "realized": realized},
    }


cbpe = [
    cbpe_case("calibrated_beta", r6(rng.beta(2, 2, 1500))),
    cbpe_case("ties_on_grid", np.round(rng.beta(2, 5, 600), 2)),
    cbpe_case("threshold_0_3", r6(rng.beta(1.5, 3, 600)), threshold=0.3),
]

fixture = {
    "generator": "scripts/reference/performance.py",
    "seed": SEED,
    "versions": {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
        "nannyml": "formulas copied from commit 00cb97f7ee4b334b93cd4d463be70663c9e92d97",
    },
    "classification": classification,
    "ranking": ranking,
    "multiclassRanking": multiclass_ranking,
    "histogram": histogram,
    "probabilistic": probabilistic,
    "multiclassLogLoss": multiclass_logloss,
    "regression": regression,
    "cbpe": cbpe,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(clean(fixture), allow_nan=False, separators=(",", ":")) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
