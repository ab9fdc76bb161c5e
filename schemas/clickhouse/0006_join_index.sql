-- The join looks labels' predictions up by prediction_id, which is not a prefix of the
-- predictions' ORDER BY key: a bloom filter lets ClickHouse skip granules without the id.
ALTER TABLE {db}.predictions ADD INDEX IF NOT EXISTS idx_prediction_id prediction_id TYPE bloom_filter(0.01) GRANULARITY 4;
