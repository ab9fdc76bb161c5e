-- Concept drift and model comparison in the stream (docs/evaluation.md).

-- Performance rows of kind 'degradation' carry value = metric(window) − metric(reference) and
-- the confidence interval of that difference; other kinds leave these NULL.
ALTER TABLE {db}.performance
    ADD COLUMN IF NOT EXISTS ci_low Nullable(Float64),
    ADD COLUMN IF NOT EXISTS ci_high Nullable(Float64);

-- Challenger minus champion per (model, window), for windows where both versions have labels.
-- One row per (metric, champion, challenger, window); value columns are each version's metric,
-- difference = challenger − champion, [ci_low, ci_high] its interval, p_value its two-sided
-- test, n_* the metric's denominators (src/metrics/comparison). Newest version wins.
CREATE TABLE IF NOT EXISTS {db}.comparison
(
    model_id            LowCardinality(String),
    window_start        DateTime64(3, 'UTC'),
    window_end          DateTime64(3, 'UTC'),
    metric              LowCardinality(String),
    method              LowCardinality(String),
    champion_version    LowCardinality(String),
    challenger_version  LowCardinality(String),
    champion_value      Float64,
    challenger_value    Float64,
    difference          Float64,
    ci_low              Nullable(Float64),
    ci_high             Nullable(Float64),
    p_value             Nullable(Float64),
    n_champion          UInt64,
    n_challenger        UInt64,
    eval_version        UInt64
)
ENGINE = ReplacingMergeTree(eval_version)
ORDER BY (model_id, metric, champion_version, challenger_version, window_start);
