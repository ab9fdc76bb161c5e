-- Records that failed to decode or validate, with the reason and the first 4 KiB of the raw value
-- (base64). The full bytes are on the <topic>.dlq Kafka topic. One row per source offset.
CREATE TABLE IF NOT EXISTS {db}.dead_letters
(
    source_topic      LowCardinality(String),
    source_partition  UInt32,
    source_offset     UInt64,
    error_code        LowCardinality(String),
    error_message     String,
    raw_key_base64    String,
    raw_value_base64  String,
    raw_value_bytes   UInt32,
    dead_lettered_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(dead_lettered_at)
ORDER BY (source_topic, source_partition, source_offset)
SETTINGS non_replicated_deduplication_window = 10000
