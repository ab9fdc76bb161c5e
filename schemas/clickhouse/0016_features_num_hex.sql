-- Numeric features arrive as the 16 hex digits of their IEEE-754 bytes (little-endian, as Avro
-- writes a double): the ingest path copies the payload's 8 bytes into the row instead of turning
-- each number into decimal text in JavaScript, which cost more than all the rest of reading a
-- prediction (docs/performance.md). The engine turns them back into the same double on insert.
-- features_num_hex is EPHEMERAL: written by inserts, never stored. An insert that writes
-- features_num itself (tests, tools) still can: the DEFAULT applies only when it is absent.
-- Since inserts are RowBinary (src/store/row-buffer.ts) the ingest path writes features_num's
-- doubles as bytes itself; the hex column stays for a writer of the older text form.
ALTER TABLE {db}.predictions ADD COLUMN IF NOT EXISTS features_num_hex Map(String, String) EPHEMERAL;
ALTER TABLE {db}.predictions MODIFY COLUMN features_num Map(String, Float64) DEFAULT mapApply((k, v) -> (k, reinterpretAsFloat64(unhex(v))), features_num_hex);
