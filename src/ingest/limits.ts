/**
 * The default of ingest.maxRecordBytes (src/config/file.ts): the largest record, key and value,
 * the consumers accept. The backfill and the prediction logger measure against it too. A module
 * of its own, with no imports, so that the configuration's schema does not load the codecs.
 */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024
