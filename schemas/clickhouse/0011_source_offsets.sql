-- High-water marks of the embedded source: per topic, the next offset it may hand out.
-- The embedded source reserves offsets here BEFORE the batch that uses them is stored, so a
-- batch's deduplication token (topic, partition, offset range) is never given out twice, even
-- after `driftwatch erase` or a retention TTL deleted the rows that carried the newest offsets
-- (ClickHouse would silently discard an insert whose token it has seen). Never erased, never
-- TTL'd (src/store/erase.ts and src/store/retention.ts leave it alone). One row per reservation;
-- readers take max(next_offset).
CREATE TABLE IF NOT EXISTS {db}.source_offsets
(
    source_topic  String,
    next_offset   UInt64,
    reserved_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(next_offset)
ORDER BY source_topic
