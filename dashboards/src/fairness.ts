/** Fairness: per-group rates, parity against the four-fifths rule, per-group calibration. */
import { dashboard, options, queryVariable } from './dashboard.js'
import { row, sql, table, timeseries } from './grafana.js'
import { each, firedAlerts, MODEL, modelVariable, one, VERSIONS, versionsVariable } from './shared.js'

const ATTRIBUTE = `attribute = ${one('attribute')}`
const GROUPS = `group_value IN ${each('group')}`

const attributeVariable = queryVariable({
  name: 'attribute',
  label: 'Attribute',
  description: 'The protected attribute (a segment listed in the model\'s protected: setting)',
  sql: sql`
    SELECT DISTINCT ${options('attribute')} FROM fairness
    WHERE ${MODEL}
    ORDER BY __text`,
})

const groupVariable = queryVariable({
  name: 'group',
  label: 'Group',
  description: 'Groups of the attribute to show',
  sql: sql`
    SELECT DISTINCT ${options('group_value')} FROM fairness
    WHERE ${MODEL} AND ${ATTRIBUTE} AND group_value != ''
    ORDER BY __text`,
  multi: true,
  includeAll: true,
})

const rateVariable = queryVariable({
  name: 'rate',
  label: 'Rate',
  description: 'Per-group rates; one panel each',
  sql: sql`
    SELECT DISTINCT ${options('metric')} FROM fairness
    WHERE ${MODEL} AND group_value != '' AND metric != 'expected_calibration_error'
    ORDER BY __text`,
  multi: true,
  includeAll: true,
})

/** Per-group rows of groups large enough to judge (status 'ok'; smaller ones are 'insufficient'). */
const GROUP_ROWS = `FROM fairness FINAL\nWHERE ${MODEL} AND ${VERSIONS} AND ${ATTRIBUTE} AND ${GROUPS} AND status = 'ok' AND isFinite(value)`

export const fairness = dashboard({
  uid: 'driftwatch-fairness',
  title: 'driftwatch / Fairness',
  description: 'Group rates, parity metrics and calibration across the groups of a protected attribute, per window.',
  variables: [modelVariable, versionsVariable, attributeVariable, groupVariable, rateVariable],
  annotations: [firedAlerts],
  panels: [
    timeseries({
      title: 'Parity ratios (four-fifths rule at 0.8)',
      description:
        'Disparate impact and demographic parity ratios, lowest group rate / highest, and the disparate impact ratio\'s upper 95% confidence bound ' +
        '(disparate_impact_ratio_upper, what the default alert reads): the ratio below the dashed 0.8 line is below 4/5 as observed, ' +
        'the bound below it fails the four-fifths rule beyond sampling noise.',
      unit: 'none',
      min: 0,
      thresholdLine: 0.8,
      sql: sql`
        SELECT window_start AS time, concat(metric, ' ', model_version) AS series, value AS Value
        FROM fairness FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND ${ATTRIBUTE} AND group_value = ''
          AND metric IN ('disparate_impact_ratio', 'disparate_impact_ratio_upper', 'demographic_parity_ratio') AND isFinite(value) AND $__timeFilter(window_start)
        ORDER BY time, series`,
    }),
    timeseries({
      title: 'Parity differences',
      description: 'Demographic parity, equal opportunity and equalized odds differences (0 is parity).',
      unit: 'none',
      sql: sql`
        SELECT window_start AS time, concat(metric, ' ', model_version) AS series, value AS Value
        FROM fairness FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND ${ATTRIBUTE} AND group_value = '' AND endsWith(metric, '_difference')
          AND isFinite(value) AND $__timeFilter(window_start)
        ORDER BY time, series`,
    }),
    timeseries({
      title: 'Calibration per group (expected calibration error)',
      description: 'Expected calibration error of the score within each group; a gap between groups means scores mean different things for them.',
      unit: 'none',
      min: 0,
      sql: sql`
        SELECT window_start AS time, concat(group_value, ' ', model_version) AS series, value AS Value
        ${GROUP_ROWS} AND metric = 'expected_calibration_error' AND $__timeFilter(window_start)
        ORDER BY time, series`,
    }),
    table({
      title: 'Groups over the time range',
      description:
        'Mean per-window rates of each group over the windows in which it was large enough to judge (the windows the time series show; ' +
        'empty when there were none), its predictions in all windows, in how many windows it was too small to judge, and in how many ' +
        'the positive class was none of the window\'s classes (set the model\'s positiveClass).',
      sql: sql`
        SELECT model_version, group_value AS group,
               sumIf(n, metric = 'selection_rate') AS predictions,
               avgIf(value, metric = 'selection_rate' AND status = 'ok' AND isFinite(value)) AS selection_rate,
               avgIf(value, metric = 'true_positive_rate' AND status = 'ok' AND isFinite(value)) AS true_positive_rate,
               avgIf(value, metric = 'false_positive_rate' AND status = 'ok' AND isFinite(value)) AS false_positive_rate,
               avgIf(value, metric = 'expected_calibration_error' AND status = 'ok' AND isFinite(value)) AS calibration_error,
               countIf(metric = 'selection_rate' AND status = 'insufficient') AS windows_too_small,
               countIf(metric = 'selection_rate' AND status = 'no_positive_class') AS windows_without_positive_class
        FROM fairness FINAL
        WHERE ${MODEL} AND ${VERSIONS} AND ${ATTRIBUTE} AND ${GROUPS} AND $__timeFilter(window_start)
        GROUP BY model_version, group_value
        ORDER BY model_version, group`,
    }),
    row('Rate ${rate:text}', 'rate'),
    timeseries({
      title: '${rate:text} by group',
      description: 'The rate per group and window; groups below the minimum group size are left out.',
      unit: 'percentunit',
      min: 0,
      max: 1,
      w: 24,
      sql: sql`
        SELECT window_start AS time, concat(group_value, ' ', model_version) AS series, value AS Value
        ${GROUP_ROWS} AND metric = ${one('rate')} AND $__timeFilter(window_start)
        ORDER BY time, series`,
    }),
  ],
})
