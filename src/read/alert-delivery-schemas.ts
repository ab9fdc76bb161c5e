/**
 * The contract of GET /v1/alerts/deliveries (./alert-deliveries.ts), in the conventions of
 * ./schemas.ts: fastify validates the query and serializes the answer with these, and
 * GET /openapi.json publishes them.
 */
import { count, iso, metricNum, obj, strings, text, timeParam } from './schemas.js'

export const AlertDeliveryQuerySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['firing', 'all'], default: 'firing', description: "'firing': each firing alert's current state; 'all': resolved alerts' too. Ignored with transitions_since." },
    transitions_since: timeParam('Every transition changed at or after this time, each with its own deliveries, instead of each alert\'s current state.'),
    model: { type: 'string', maxLength: 256, description: 'Only alerts of this model (none when it has no alerts).' },
    rule: { type: 'string', maxLength: 256, description: 'Only alerts of this rule (none when it has no alerts).' },
  },
  additionalProperties: false,
} as const

const TransitionSchema = obj({
  transition_id: text,
  alert_key: text,
  seq: count,
  status: { type: 'string', enum: ['firing', 'resolved'] },
  rule: text,
  metric: text,
  model: { type: 'string', description: "'' for a rule over no model (dlq-rate)." },
  model_version: text,
  subject: text,
  severity: text,
  value: metricNum,
  threshold: metricNum,
  window_start: iso,
  window_end: iso,
  changed_at: iso,
  details: strings,
}, 'One transition of an alert (firing or resolved), as the alert service recorded it.')

const DeliverySchema = obj({
  channel: { type: 'string', description: "slack, email or grafana; '' when the transition is not notified at all (last_error says why)." },
  status: { type: 'string', description: 'pending, sending, sent, failed, unknown (outcome in doubt, not sent again) or skipped (docs/alerts.md "Delivery guarantees").' },
  attempts: count,
  next_attempt_at: { ...iso, description: 'When a pending notification is tried next.' },
  last_error: { type: 'string', description: 'Why the last attempt failed; on a sent notification, what was not taken (recipients a relay refused).' },
  in_doubt: { type: 'boolean', description: 'An attempt may have been delivered without its answer arriving.' },
  idempotency_key: text,
}, 'The notification of the transition on one channel.')

export const AlertDeliveryReportSchema = obj({
  alerts: {
    type: 'array',
    description: 'Firing alerts first, then by severity, rule, model, version and subject; with transitions_since, newest change first.',
    items: obj({
      transition: TransitionSchema,
      deliveries: { type: 'array', items: DeliverySchema },
      window_open: { type: 'boolean', description: "The transition's window is open at its model's newest evaluation; false for an alert without a model." },
    }),
  },
  silences: {
    type: 'array',
    description: 'Active silences made with `driftwatch alerts mute` (those of rule files are in the rule files).',
    items: obj({
      id: text,
      rule: { type: 'string', description: "'' for every rule." },
      model: { type: 'string', description: "'' for every model." },
      starts_at: iso,
      ends_at: iso,
      reason: text,
      created_by: text,
    }),
  },
}, 'What `driftwatch alerts list` shows.')
