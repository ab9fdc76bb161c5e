/** Feature drift: which features drifted in which window, by how much, and by every statistic. */
import { dashboard, options, queryVariable } from './dashboard.js'
import { row, sql, statusHistory, table, timeseries } from './grafana.js'
import { DRIFT_MAPPINGS, each, firedAlerts, MODEL, modelVariable, one, VERSION, versionVariable } from './shared.js'

const FEATURES = `column IN ${each('feature')}`
const FEATURE = `column = ${one('feature')}`

const featureVariable = queryVariable({
  name: 'feature',
  label: 'Feature',
  description: 'Features to show',
  sql: sql`
    SELECT DISTINCT ${options('column')} FROM drift
    WHERE ${MODEL} AND ${VERSION} AND target = 'feature'
    ORDER BY __text`,
  multi: true,
  includeAll: true,
})

const windowVariable = queryVariable({
  name: 'window',
  label: 'Window',
  description: 'The evaluation window shown in the detail table (newest first)',
  sql: sql`
    SELECT DISTINCT ${options('toString(window_start)')} FROM drift
    WHERE ${MODEL} AND ${VERSION} AND $__timeFilter(window_start)
    ORDER BY __text DESC`,
  refresh: 2,
})

/** The selected window's start; NULL, matching nothing, when the window variable has no value (no windows in the range). */
const WINDOW_START = `toDateTime64OrNull(nullIf(${one('window')}, ''), 3, 'UTC')`

/**
 * What each drift row is judged on: the p-value for the tests (ks, chi2, z; drift when below the
 * threshold), the Benjamini-Hochberg adjusted one (the raw one for rows stored before it existed),
 * and the score for the distances (wasserstein, jensenshannon; drift at or above it). Only tests
 * store a p-value (src/evaluate/drift-rows.ts), so that decides which one.
 */
const JUDGED = 'if(isNull(p_value), score, ifNull(p_value_adjusted, p_value))'

export const featureDrift = dashboard({
  uid: 'driftwatch-feature-drift',
  title: 'driftwatch / Feature drift',
  description: 'Per-feature drift against the reference of one model version, per evaluation window.',
  variables: [modelVariable, versionVariable, featureVariable, windowVariable],
  annotations: [firedAlerts],
  panels: [
    statusHistory({
      title: 'Drift detected: feature × window',
      description: 'drift_detected of each feature in each window: the deciding method at its threshold, tests on the Benjamini-Hochberg adjusted p-value (the one the drift share counts). Empty: too few rows for a verdict.',
      w: 24,
      h: 9,
      mappings: DRIFT_MAPPINGS,
      sql: sql`
        SELECT window_start AS time, column AS feature, drift_detected AS Value
        FROM drift FINAL
        WHERE ${MODEL} AND ${VERSION} AND target = 'feature' AND ${FEATURES} AND $__timeFilter(window_start)
        ORDER BY time, feature`,
    }),
    timeseries({
      title: 'Drift share',
      description: 'Share of features drifted per window, Benjamini-Hochberg corrected (dataset_drift).',
      unit: 'percentunit',
      min: 0,
      max: 1,
      sql: sql`
        SELECT window_start AS time, drift_share
        FROM dataset_drift FINAL
        WHERE ${MODEL} AND ${VERSION} AND $__timeFilter(window_start)
        ORDER BY time`,
    }),
    table({
      title: 'Drifted features per window',
      description:
        'The features counted as drifted in each window\'s drift share, and the window\'s status: ok, or why it has no drift share ' +
        '(no_reference: no reference to compare with; insufficient: too few rows on a side for every feature; not_computable: no feature could be compared).',
      sql: sql`
        SELECT window_start, status, drift_share, n_drifted, n_features, n_insufficient, arrayStringConcat(drifted_features, ', ') AS drifted
        FROM dataset_drift FINAL
        WHERE ${MODEL} AND ${VERSION} AND $__timeFilter(window_start)
        ORDER BY window_start DESC`,
    }),
    statusHistory({
      title: 'Prediction, label and concept drift',
      description: 'Drift of the score or predicted class, of the labels, of calibration and the streaming detectors\' verdicts.',
      w: 24,
      h: 6,
      mappings: DRIFT_MAPPINGS,
      sql: sql`
        SELECT window_start AS time, concat(target, ': ', column) AS series, drift_detected AS Value
        FROM drift FINAL
        WHERE ${MODEL} AND ${VERSION} AND target != 'feature' AND $__timeFilter(window_start)
        ORDER BY time, series`,
    }),
    row('Window detail'),
    table({
      title: 'Every column in window ${window:text}',
      description: 'Method, score, raw and adjusted p-value (the adjusted one decides), threshold, verdict and status (insufficient: too few rows), every statistic and unseen categories of each column in the selected window.',
      w: 24,
      h: 10,
      sql: sql`
        SELECT target, column, column_kind, method, score, p_value, p_value_adjusted, threshold, drift_detected, status, n_reference, n_current,
               arrayStringConcat(arrayMap((k, v) -> concat(k, '=', toString(round(v, 4))), mapKeys(statistics), mapValues(statistics)), ', ') AS all_statistics,
               arrayStringConcat(unseen_categories, ', ') AS unseen
        FROM drift FINAL
        WHERE ${MODEL} AND ${VERSION} AND window_start = ${WINDOW_START}
        ORDER BY target, column`,
    }),
    row('Feature ${feature:text}', 'feature'),
    timeseries({
      title: '${feature:text}: drift vs threshold',
      description:
        'The value the verdict is based on and its threshold (dashed): the adjusted p-value for tests (ks, chi2, z), drift when below; ' +
        'the score for distances (wasserstein, jensenshannon), drift when at or above.',
      sql: sql`
        SELECT window_start AS time, ${JUDGED} AS judged_value, threshold
        FROM drift FINAL
        WHERE ${MODEL} AND ${VERSION} AND target = 'feature' AND ${FEATURE} AND $__timeFilter(window_start)
        ORDER BY time`,
      overrides: [{ matcher: { id: 'byName', options: 'threshold' }, properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }, { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }] }],
    }),
    timeseries({
      title: '${feature:text}: every statistic',
      description: 'All statistics computed for the feature (drift.statistics), p-values left out.',
      sql: sql`
        SELECT window_start AS time, statistic, statistic_value AS Value
        FROM drift FINAL
        ARRAY JOIN mapKeys(statistics) AS statistic, mapValues(statistics) AS statistic_value
        WHERE ${MODEL} AND ${VERSION} AND target = 'feature' AND ${FEATURE} AND NOT endsWith(statistic, '_p_value')
          AND $__timeFilter(window_start)
        ORDER BY time, statistic`,
    }),
  ],
})
