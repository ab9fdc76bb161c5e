/**
 * The default of ingest.maxRecordBytes (src/config/file.ts): the largest record, key and value,
 * the consumers accept. The backfill and the prediction logger measure against it too. A module
 * of its own, with no imports, so that the configuration's schema does not load the codecs.
 */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024

/**
 * The defaults of ingest.maxFeatures and ingest.maxFeatureNameLength (src/config/file.ts): the
 * most entries a prediction's feature map may hold (values and nulls alike) and the longest
 * feature name, in UTF-16 code units as JavaScript counts them. Every feature name an event
 * mentions becomes a column of each window's evaluation, so one event of tens of thousands of
 * features costs every window of its model (docs/events.md).
 */
export const DEFAULT_MAX_FEATURES = 1000
export const DEFAULT_MAX_FEATURE_NAME_LENGTH = 256
