/**
 * Labels that are held: stored in ground_truth, with no stored prediction, and not yet
 * dead-lettered as orphans. One definition for the orphan sweep (those stored before a cutoff)
 * and the pending-labels gauge (all of them).
 */

/**
 * A subquery of the held labels (every ground_truth column, FINAL). With `storedBefore`, only
 * labels stored before the query parameter {cutoff:DateTime64(3, 'UTC')}; with `storedSince` as
 * well, only labels of which a version was stored at or after {since:DateTime64(3, 'UTC')} (the
 * orphan sweep's bound: labels it has already looked at are not merged again). That bound selects
 * prediction ids, ground_truth's sorting key, before FINAL, so the newest version still wins.
 */
export function unjoinedLabelsSql({ storedBefore, storedSince = false }: { storedBefore: boolean; storedSince?: boolean }): string {
  const before = "ingested_at < {cutoff:DateTime64(3, 'UTC')}"
  const candidates = storedSince
    ? `PREWHERE prediction_id IN (SELECT prediction_id FROM {db}.ground_truth WHERE ingested_at >= {since:DateTime64(3, 'UTC')} AND ${before})`
    : ''
  const stored = storedBefore ? `WHERE ${before}` : ''
  return `(SELECT * FROM {db}.ground_truth FINAL ${candidates} ${stored}) AS g
          WHERE prediction_id NOT IN (
                  SELECT prediction_id FROM {db}.predictions
                  WHERE prediction_id IN (SELECT prediction_id FROM {db}.ground_truth ${storedSince ? `WHERE ingested_at >= {since:DateTime64(3, 'UTC')} AND ${before}` : stored}))
            AND (source_topic, source_partition, source_offset) NOT IN (
                  SELECT source_topic, source_partition, source_offset FROM {db}.dead_letters WHERE error_code = 'DW_ORPHAN_LABEL')`
}
