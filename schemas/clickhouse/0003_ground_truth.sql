-- Ground-truth labels as received, one row per prediction_id.
-- ReplacingMergeTree(label_time): among duplicate labels for one prediction the newest label_time
-- wins (a corrected label replaces the earlier one); an exact replay collapses to one row.
CREATE TABLE IF NOT EXISTS {db}.ground_truth
(
    prediction_id     String,
    label_class       Nullable(String),
    label_value       Nullable(Float64),
    label_time        DateTime64(3, 'UTC'),
    source            LowCardinality(String),
    source_topic      LowCardinality(String),
    source_partition  UInt32,
    source_offset     UInt64,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(label_time)
ORDER BY prediction_id
SETTINGS non_replicated_deduplication_window = 10000
