-- Metric rows. Every table is versioned by eval_version (the evaluation's time in ms): a window
-- re-evaluated after late data gets a new version, and queries read the newest (FINAL or argMax).
-- ORDER BY keys start with (model_id, model_version, ...) and end with window_start, the way the
-- dashboards filter and plot them.

-- Volume and label coverage per window.
CREATE TABLE IF NOT EXISTS {db}.window_summary
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    window_start    DateTime64(3, 'UTC'),
    window_end      DateTime64(3, 'UTC'),
    predictions     UInt64,
    labeled         UInt64,
    label_coverage  Float64,
    mean_label_delay_s Float64,
    closed          UInt8,
    reference       String,
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, window_start);

-- Feature, prediction and label drift: one row per (column, window). target is 'feature',
-- 'prediction' or 'label'. method is the auto-selected (or configured) statistic, score/p_value
-- its value, statistics every applicable statistic by name.
CREATE TABLE IF NOT EXISTS {db}.drift
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    window_start    DateTime64(3, 'UTC'),
    window_end      DateTime64(3, 'UTC'),
    target          LowCardinality(String),
    column          String,
    column_kind     LowCardinality(String),
    method          LowCardinality(String),
    score           Float64,
    p_value         Nullable(Float64),
    threshold       Float64,
    drift_detected  UInt8,
    statistics      Map(String, Float64),
    n_reference     UInt64,
    n_current       UInt64,
    unseen_categories Array(String),
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, target, column, window_start);

-- Share of drifted features per window (Benjamini-Hochberg over p-value tests).
CREATE TABLE IF NOT EXISTS {db}.dataset_drift
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    window_start    DateTime64(3, 'UTC'),
    window_end      DateTime64(3, 'UTC'),
    drift_share     Float64,
    n_features      UInt32,
    n_drifted       UInt32,
    drifted_features Array(String),
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, window_start);

-- Performance per window and deployment variant: realized (from joined labels) and estimated
-- (CBPE, before labels), side by side; label_coverage says how much of the window is labeled.
CREATE TABLE IF NOT EXISTS {db}.performance
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    variant         LowCardinality(String),
    window_start    DateTime64(3, 'UTC'),
    window_end      DateTime64(3, 'UTC'),
    metric          LowCardinality(String),
    kind            LowCardinality(String),
    value           Float64,
    n               UInt64,
    label_coverage  Float64,
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, variant, metric, kind, window_start);

-- Fairness per protected attribute: per-group rates (group = the group's value) and parity
-- metrics (group = '').
CREATE TABLE IF NOT EXISTS {db}.fairness
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    window_start    DateTime64(3, 'UTC'),
    window_end      DateTime64(3, 'UTC'),
    attribute       String,
    group_value     String,
    metric          LowCardinality(String),
    value           Float64,
    n               UInt64,
    status          LowCardinality(String),
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, attribute, metric, group_value, window_start);

-- Data quality per feature and window: missing_rate, out_of_range_rate, new_category_rate, ...
CREATE TABLE IF NOT EXISTS {db}.quality
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    window_start    DateTime64(3, 'UTC'),
    window_end      DateTime64(3, 'UTC'),
    feature         String,
    metric          LowCardinality(String),
    value           Float64,
    n               UInt64,
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, feature, metric, window_start);

-- Streaming concept-drift detector state and detections, per model version and detector.
CREATE TABLE IF NOT EXISTS {db}.detector_state
(
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    detector        LowCardinality(String),
    state           String,
    drift_detected  UInt8,
    detections      Array(DateTime64(3, 'UTC')),
    eval_version    UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, model_version, detector);

-- Alert history: one row per state change of an alert (firing, resolved).
CREATE TABLE IF NOT EXISTS {db}.alerts
(
    alert_key       String,
    rule            LowCardinality(String),
    model_id        LowCardinality(String),
    model_version   LowCardinality(String),
    subject         String,
    status          LowCardinality(String),
    severity        LowCardinality(String),
    value           Float64,
    threshold       Float64,
    window_start    DateTime64(3, 'UTC'),
    details         String,
    changed_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(changed_at)
ORDER BY (alert_key, changed_at);
