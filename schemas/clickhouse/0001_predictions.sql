-- Prediction events as received, one row per prediction_id.
-- {db} is replaced by the validated database name (an identifier, never user data).
-- ReplacingMergeTree(ingested_at): a replayed or duplicate prediction collapses to one row, the
-- newest ingest wins. Queries that need exact counts use FINAL or argMax over ingested_at.
CREATE TABLE IF NOT EXISTS {db}.predictions
(
    prediction_id     String,
    model_id          LowCardinality(String),
    model_version     LowCardinality(String),
    event_time        DateTime64(3, 'UTC'),
    features_num      Map(String, Float64),
    features_cat      Map(String, String),
    features_missing  Array(String),
    class_label       Nullable(String),
    score             Nullable(Float64),
    probabilities     Map(String, Float64),
    value             Nullable(Float64),
    segments          Map(String, String),
    environment       LowCardinality(String),
    variant           LowCardinality(String),
    subject_id        Nullable(String),
    source_topic      LowCardinality(String),
    source_partition  UInt32,
    source_offset     UInt64,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(event_time)
ORDER BY (model_id, prediction_id)
SETTINGS non_replicated_deduplication_window = 10000
