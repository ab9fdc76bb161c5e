-- A dead letter too large for its .dlq topic is cut to fit; the row says what was cut, so the row
-- and the .dlq record agree. Huge keys are kept as a prefix, like values, with their full size.
ALTER TABLE {db}.dead_letters ADD COLUMN IF NOT EXISTS dlq_truncated LowCardinality(String) DEFAULT '';
ALTER TABLE {db}.dead_letters ADD COLUMN IF NOT EXISTS raw_key_bytes UInt32 DEFAULT 0;
