/** Human text for rules: what is measured and the condition, for messages and `alerts list`. Pure. */
import type { Rule } from './schema.js'
import { compact } from '../ui/figures.js'

export function metricLabel(rule: Rule): string {
  switch (rule.metric) {
    case 'drift':
      return `${rule.target} drift ${rule.statistic === 'score' ? 'score' : rule.statistic}`
    case 'dataset_drift':
      return 'dataset drift share'
    case 'performance':
      return `${rule.kind} ${rule.statistic}${rule.variant === 'all' ? '' : ` (${rule.variant})`}${rule.relativeTo ? ' relative to reference' : ''}`
    case 'fairness':
      return rule.statistic.replaceAll('_', ' ')
    case 'quality':
      return rule.statistic.replaceAll('_', ' ')
    case 'detector':
      return 'concept drift detections'
    case 'label_coverage':
      return 'label coverage'
    case 'dlq_rate':
      return 'dead-letter rate'
  }
}

/** What a subject is for this metric: 'feature', 'attribute', ... ('' when the metric has none). */
export function subjectLabel(rule: Rule): string {
  switch (rule.metric) {
    case 'drift':
      return rule.target === 'feature' ? 'feature' : 'column'
    case 'quality':
      return 'feature'
    case 'fairness':
      return 'attribute'
    case 'detector':
      return 'detector'
    case 'dlq_rate':
      return 'topic'
    default:
      return ''
  }
}

/**
 * A value or threshold on its own (alert messages, `alerts list`): the shared formatter of every
 * view (src/ui/figures.ts, pure), which never rounds 0.79996 to the "0.8" it is compared with.
 */
export function formatValue(x: number | null): string {
  return compact(x)
}

export function conditionText(rule: Rule): string {
  const c = rule.condition
  const windows = c.consecutive > 1 ? ` for ${c.consecutive} consecutive windows` : ''
  return `${metricLabel(rule)} ${c.op} ${formatValue(c.threshold)}${windows}`
}
