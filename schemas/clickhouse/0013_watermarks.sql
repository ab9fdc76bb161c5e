-- Event-time watermarks from bounded state: per model and source partition, the newest event time
-- stored, each event counting for at most 5 minutes past the moment it was stored, so a producer
-- whose clock runs ahead (events up to 24 h in the future are accepted) cannot close windows early.
-- A materialized view fills it on every insert into predictions: the evaluator reads a few rows per
-- (model, partition) instead of scanning every stored prediction. Deletes and TTLs on predictions
-- do not touch it, so a watermark never moves back.
CREATE TABLE IF NOT EXISTS {db}.watermarks
(
    model_id          LowCardinality(String),
    source_topic      LowCardinality(String),
    source_partition  UInt32,
    max_event_time    SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    updated_at        SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (model_id, source_topic, source_partition);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.watermarks_mv TO {db}.watermarks AS
SELECT model_id, source_topic, source_partition,
       max(least(event_time, ingested_at + INTERVAL 5 MINUTE)) AS max_event_time,
       max(ingested_at) AS updated_at
FROM {db}.predictions
GROUP BY model_id, source_topic, source_partition;

-- Predictions stored before this migration.
INSERT INTO {db}.watermarks
SELECT model_id, source_topic, source_partition,
       max(least(event_time, ingested_at + INTERVAL 5 MINUTE)), max(ingested_at)
FROM {db}.predictions
GROUP BY model_id, source_topic, source_partition;
