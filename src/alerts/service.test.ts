import { describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import type { AlertChannelsConfig } from '../config/alerts-env.js'
import type { Logger } from '../observability/logger.js'
import { parseRuleFile } from '../rules/parse.js'
import type { Store } from '../store/clickhouse.js'
import type { ChannelSender } from './channels/types.js'
import { alertKey, transitionId } from './lifecycle.js'
import type { Notification } from './notification.js'
import { AlertService } from './service.js'

type Row = Record<string, unknown>
const ms = (s: unknown) => Date.parse(`${String(s).replace(' ', 'T')}Z`)

/**
 * The alerts and alert_outbox tables in memory, answering the alert service's queries by what
 * they read (the metric queries find no rows: transitions are put in `alerts` by the test).
 * `hold(match)` makes the next query whose SQL contains `match` wait until the returned release
 * is called (a pass that stalls there).
 */
function memoryStore() {
  const alerts: Row[] = []
  const outbox = new Map<string, Row>()
  const holds: { match: string; gate: Promise<void> }[] = []
  const newest = () => [...outbox.values()]
  const client = {
    async insert({ table, values }: { table: string; values: Row[] }) {
      if (table.endsWith('.alerts')) alerts.push(...values)
      else if (table.endsWith('.alert_outbox')) {
        for (const v of values) {
          const old = outbox.get(String(v['idempotency_key']))
          if (!old || Number(old['version']) <= Number(v['version'])) outbox.set(String(v['idempotency_key']), v)
        }
      }
    },
    async query({ query, query_params }: { query: string; query_params: Record<string, unknown> }) {
      const hold = holds.findIndex((h) => query.includes(h.match))
      if (hold >= 0) await holds.splice(hold, 1)[0]!.gate
      return { json: async () => answer(query, query_params) }
    },
  }
  const outboxView = (r: Row) => ({ ...r, ws: ms(r['window_start']), na: ms(r['next_attempt_at']), c: ms(r['created_at']), u: ms(r['updated_at']), version: String(r['version']) })
  const alertView = (r: Row) => ({ ...r, ws: ms(r['window_start']), we: ms(r['window_end']), t: ms(r['changed_at']), tid: r['transition_id'] })
  function answer(query: string, p: Record<string, unknown>): unknown[] {
    if (query.includes('GROUP BY alert_key')) {
      const byKey = new Map<string, Row>()
      for (const a of alerts) if (!byKey.has(String(a['alert_key'])) || ms(a['changed_at']) > ms(byKey.get(String(a['alert_key']))!['changed_at'])) byKey.set(String(a['alert_key']), a)
      return [...byKey.values()].map(alertView)
    }
    if (query.includes('transition_id NOT IN')) {
      const carried = new Set(newest().flatMap((r) => r['transition_ids'] as string[]))
      return alerts.filter((a) => !carried.has(String(a['transition_id']))).map(alertView)
    }
    if (query.includes('ARRAY JOIN transition_ids')) {
      const out = new Map<string, { tid: string; transition: unknown; c: number }>()
      for (const r of newest()) {
        if (r['channel'] === '') continue
        for (const tid of r['transition_ids'] as string[]) out.set(tid, { tid, transition: r['transition'], c: Math.min(out.get(tid)?.c ?? Infinity, ms(r['created_at'])) })
      }
      return [...out.values()]
    }
    if (query.includes("status IN ('pending', 'sending')")) {
      return newest()
        .filter((r) => r['channel'] === p['channel'] && (r['status'] === 'pending' || r['status'] === 'sending'))
        .sort((a, b) => String(a['created_at']).localeCompare(String(b['created_at'])) || String(a['idempotency_key']).localeCompare(String(b['idempotency_key'])))
        .map(outboxView)
    }
    if (query.includes("status = 'sent'")) {
      const ids = p['ids'] as string[]
      return newest().filter((r) => r['channel'] === p['channel'] && r['status'] === 'sent' && r['idempotency_key'] !== p['key'] && (r['transition_ids'] as string[]).some((t) => ids.includes(t))).map((r) => ({ transition_ids: r['transition_ids'] }))
    }
    if (query.includes('hasAny(transition_ids, {ids:Array(String)})')) {
      const ids = p['ids'] as string[]
      return newest().filter((r) => (r['transition_ids'] as string[]).some((t) => ids.includes(t))).map(outboxView)
    }
    return []
  }
  const store = { client, kind: 'chdb', database: 'memory', location: 'memory' } as unknown as Store
  return {
    store,
    outbox: newest,
    hold(match: string): () => void {
      let release!: () => void
      holds.push({ match, gate: new Promise<void>((r) => (release = r)) })
      return release
    },
    /** A firing (seq 1) of feature `subject` of model m's window, recorded by an earlier pass; or its resolve (seq 2). */
    fire(subject: string, changedAtMs: number, status: 'firing' | 'resolved' = 'firing') {
      const key = alertKey('psi', 'm', 'v1', subject)
      const iso = (t: number) => new Date(t).toISOString().replace('T', ' ').replace('Z', '')
      const seq = status === 'firing' ? 1 : 2
      alerts.push({
        alert_key: key, rule: 'psi', model_id: 'm', model_version: 'v1', subject, status, severity: 'warning', value: status === 'firing' ? 0.5 : 0.1, threshold: 0.2,
        window_start: iso(T0 - 86_400_000), window_end: iso(T0), details: '{"details":[]}', changed_at: iso(changedAtMs), transition_id: transitionId(key, seq), seq, metric: 'drift',
      })
    },
    /** The alerts table's rows, as stored. */
    alerts: () => alerts,
  }
}

const T0 = Date.UTC(2026, 10, 20, 12)
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => logger } as unknown as Logger
const rules = parseRuleFile("rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    severity: warning\n    channels: [slack]\n", 'psi.yaml')

function slack() {
  const messages: string[][] = []
  const sender: ChannelSender = { name: 'slack', maxSendMs: 1000, send: async (n: Notification) => void messages.push(n.items.map((i) => i.subject)) }
  return { sender, messages }
}

function service(store: Store, sender: ChannelSender, mayDeliver: () => boolean, now = () => T0) {
  const channels = { dashboardBaseUrl: null } as unknown as AlertChannelsConfig
  return new AlertService({ store, rules, file: DEFAULT_FILE_CONFIG, channels, logger, now, senders: [sender], mayDeliver })
}

/**
 * Two leaders on one store: the old one, whose lease `lease.held` controls, has a pass stalled
 * after reading the pending transitions (income fired); the successor's clock is 1 s ahead.
 */
async function oldLeaderStalled() {
  const db = memoryStore()
  const receiver = slack()
  const lease = { held: true }
  const old = service(db.store, receiver.sender, () => lease.held)
  const successor = service(db.store, receiver.sender, () => true, () => T0 + 1000)
  db.fire('income', T0 - 10)
  const release = db.hold('ARRAY JOIN transition_ids')
  const oldPass = old.evaluateNow()
  await new Promise((r) => setImmediate(r))
  return { db, receiver, lease, old, successor, release, oldPass }
}

describe('alert service across a leadership handover', () => {
  it('a deposed leader\'s pass enqueues nothing: two overlapping passes notify each transition once', async () => {
    const { db, receiver, old, successor, lease, release, oldPass } = await oldLeaderStalled()
    // The old leader's pass read the pending transitions and stalled; meanwhile it is deposed.
    lease.held = false
    db.fire('age', T0 + 500)
    await successor.evaluateNow()
    release()
    await oldPass
    await successor.dispatchNow()
    await old.dispatchNow()
    expect(db.outbox().filter((r) => r['channel'] === 'slack').map((r) => [...(r['transition_ids'] as string[])].sort())).toEqual([[transitionId(alertKey('psi', 'm', 'v1', 'age'), 1), transitionId(alertKey('psi', 'm', 'v1', 'income'), 1)]])
    expect(receiver.messages.flat().sort()).toEqual(['age', 'income'])
  })

  it('groups that overlap (a stall after the lease check) still notify each transition once', async () => {
    const { db, receiver, successor, lease, release, oldPass } = await oldLeaderStalled()
    // The old leader passed its lease check and stalled before its enqueue lands.
    db.fire('age', T0 + 500)
    await successor.evaluateNow()
    release()
    await oldPass
    lease.held = false
    // Both groupings are in the outbox: [income] and [age, income].
    expect(db.outbox().filter((r) => r['channel'] === 'slack')).toHaveLength(2)
    await successor.dispatchNow()
    expect(receiver.messages.flat().sort()).toEqual(['age', 'income'])
    expect(db.outbox().every((r) => r['status'] === 'sent')).toBe(true)
  })
})

/** A sender of `name` that records the subjects of every message it sends. */
function recorder(name: ChannelSender['name']) {
  const messages: string[][] = []
  const sender: ChannelSender = { name, maxSendMs: 1000, send: async (n: Notification) => void messages.push(n.items.map((i) => i.subject)) }
  return { sender, messages }
}

/** A logger that keeps its warnings. */
function warnings() {
  const lines: { fields: Record<string, unknown>; msg: string }[] = []
  const log = { ...logger, warn: (fields: Record<string, unknown>, msg: string) => void lines.push({ fields, msg }) } as unknown as Logger
  return { log, lines }
}

const slackAndEmail = parseRuleFile("rules:\n  - name: psi\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2 }\n    severity: warning\n    channels: [slack, email]\n", 'psi.yaml')
const otherRule = parseRuleFile("rules:\n  - name: dlq\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.5 }\n    channels: [slack]\n", 'dlq.yaml')

function leader(store: Store, ruleSet: typeof rules, senders: ChannelSender[], log: Logger = logger) {
  const channels = { dashboardBaseUrl: null, email: { to: ['ops@example.com'] } } as unknown as AlertChannelsConfig
  return new AlertService({ store, rules: ruleSet, file: DEFAULT_FILE_CONFIG, channels, logger: log, now: () => T0, senders })
}

describe('alert leaders configured differently', () => {
  it('a leader without one of a rule\'s channels leaves that channel\'s notification pending for a leader that has it', async () => {
    const db = memoryStore()
    const email = recorder('email')
    const slackOnB = recorder('slack')
    db.fire('income', T0 - 10)
    const a = leader(db.store, slackAndEmail, [email.sender])
    await a.evaluateNow()
    await a.dispatchNow()
    expect(email.messages).toEqual([['income']])
    const rows = db.outbox().map((r) => ({ channel: r['channel'], status: r['status'], last_error: r['last_error'] }))
    expect(rows).toEqual(expect.arrayContaining([
      { channel: 'email', status: 'sent', last_error: '' },
      { channel: 'slack', status: 'pending', last_error: expect.stringMatching(/no running alerts leader has this channel configured/) },
    ]))
    expect(rows).toHaveLength(2)
    // A leader with Slack takes over: it sends the pending row, and nothing on email again.
    const b = leader(db.store, slackAndEmail, [slackOnB.sender, email.sender])
    b.start()
    await b.evaluateNow()
    await b.dispatchNow()
    await b.stop()
    expect(slackOnB.messages).toEqual([['income']])
    expect(email.messages).toEqual([['income']])
    expect(db.outbox().every((r) => r['status'] === 'sent')).toBe(true)
  })

  it('a leader that does not know a rule leaves the resolves of its keys pending, warns once, and a leader that knows it notifies them', async () => {
    const db = memoryStore()
    const { log, lines } = warnings()
    const receiver = recorder('slack')
    const b = leader(db.store, rules, [receiver.sender])
    db.fire('income', T0 - 20)
    await b.evaluateNow()
    await b.dispatchNow()
    // Resolved by a pass of a leader that knows the rule, which stopped before it enqueued the resolve.
    db.fire('income', T0 - 10, 'resolved')
    const a = leader(db.store, otherRule, [receiver.sender], log)
    expect(await a.evaluateNow()).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 0 })
    await a.evaluateNow()
    expect(db.outbox()).toHaveLength(1)
    expect(lines.filter((l) => l.fields['rule'] === 'psi')).toHaveLength(1)
    expect(await b.evaluateNow()).toMatchObject({ notifications: 1 })
    await b.dispatchNow()
    expect(receiver.messages).toEqual([['income'], ['income']])
  })
})

/** A logger that keeps every line it is given, by level. */
function allLines() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = []
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields, msg })
  const log = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => log } as unknown as Logger
  return { log, lines }
}

/** A sender of `name` that keeps every notification it sends. */
function keeper(name: ChannelSender['name']) {
  const sent: Notification[] = []
  const sender: ChannelSender = { name, maxSendMs: 1000, send: async (n: Notification) => void sent.push(n) }
  return { sender, sent }
}

describe('alerts of a rule that is no longer loaded', () => {
  const REMOVED_LINE = 'alerts of a rule that is no longer loaded resolved: rule removed'
  const stored = (db: ReturnType<typeof memoryStore>) =>
    db.alerts().map((r) => ({ subject: r['subject'], status: r['status'], seq: r['seq'], value: r['value'], details: JSON.parse(String(r['details'])) as unknown }))

  /** psi fired for income and age and was notified on Slack by a leader that had it. */
  async function firedAndNotified() {
    const db = memoryStore()
    const before = keeper('slack')
    db.fire('income', T0 - 20)
    db.fire('age', T0 - 20)
    const b = leader(db.store, rules, [before.sender])
    await b.evaluateNow()
    await b.dispatchNow()
    expect(before.sent.map((n) => n.status)).toEqual(['firing'])
    return db
  }

  it('are resolved with the reason "rule removed", logged once per rule, and the resolve goes where the firing went', async () => {
    const db = await firedAndNotified()
    const { log, lines } = allLines()
    const slack = keeper('slack')
    const email = keeper('email')
    const a = leader(db.store, otherRule, [slack.sender, email.sender], log)
    expect(await a.evaluateNow()).toEqual({ transitions: 2, notifications: 1, skipped: 0, held: 0 })
    await a.dispatchNow()
    expect(stored(db).filter((r) => r.status === 'resolved').sort((x, y) => String(x.subject).localeCompare(String(y.subject)))).toEqual(['age', 'income'].map((subject) => ({
      subject, status: 'resolved', seq: 2, value: 'nan',
      details: { details: ['rule removed: no loaded alert rule is named psi any more, so nothing evaluates it'], reason: 'rule removed' },
    })))
    // One line for the rule, none per alert (those name their rule too).
    expect(lines.filter((l) => l.level === 'info' && 'rule' in l.fields)).toEqual([{ level: 'info', fields: { rule: 'psi', alerts: 2 }, msg: REMOVED_LINE }])
    expect(lines.filter((l) => l.level === 'warn')).toEqual([])
    // Slack only: the firing went to Slack, its rule naming no other channel.
    expect(email.sent).toEqual([])
    expect(slack.sent).toHaveLength(1)
    expect(slack.sent[0]).toMatchObject({
      status: 'resolved', rule: 'psi', condition: 'feature drift psi >= 0.2', op: '>=', subjectLabel: 'feature', details: [],
      reason: 'rule removed: no loaded alert rule is named psi any more, so nothing evaluates it',
      items: [{ subject: 'age', value: null }, { subject: 'income', value: null }],
    })
    // Nothing more on the next passes.
    expect(await a.evaluateNow()).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 0 })
    expect(lines.filter((l) => l.msg === REMOVED_LINE)).toHaveLength(1)
  })

  it('are resolved only by the instance holding the alerts lease', async () => {
    const db = await firedAndNotified()
    const channels = { dashboardBaseUrl: null } as unknown as AlertChannelsConfig
    const deposed = new AlertService({ store: db.store, rules: otherRule, file: DEFAULT_FILE_CONFIG, channels, logger, now: () => T0, senders: [keeper('slack').sender], mayDeliver: () => false })
    expect(await deposed.evaluateNow()).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 0 })
    expect(stored(db).map((r) => r.status)).toEqual(['firing', 'firing'])
    const holder = new AlertService({ store: db.store, rules: otherRule, file: DEFAULT_FILE_CONFIG, channels, logger, now: () => T0, senders: [keeper('slack').sender], mayDeliver: () => true })
    expect(await holder.evaluateNow()).toMatchObject({ transitions: 2 })
  })

  it('keep their silences: the resolve is held while a silence of the rule lasts, then notified', async () => {
    const db = await firedAndNotified()
    const until = T0 + 3_600_000
    const silenced = parseRuleFile(`rules:\n  - name: dlq\n    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.5 }\n    channels: [slack]\nsilences:\n  - { rule: psi, until: "${new Date(until).toISOString()}", reason: retraining }\n`, 'dlq.yaml')
    const slack = keeper('slack')
    const channels = { dashboardBaseUrl: null } as unknown as AlertChannelsConfig
    let now = T0
    const a = new AlertService({ store: db.store, rules: silenced, file: DEFAULT_FILE_CONFIG, channels, logger, now: () => now, senders: [slack.sender] })
    expect(await a.evaluateNow()).toEqual({ transitions: 2, notifications: 0, skipped: 0, held: 2 })
    now = until - 1
    expect(await a.evaluateNow()).toEqual({ transitions: 0, notifications: 0, skipped: 0, held: 2 })
    now = until
    expect(await a.evaluateNow()).toEqual({ transitions: 0, notifications: 1, skipped: 0, held: 0 })
    await a.dispatchNow()
    expect(slack.sent.map((n) => [n.status, n.reason !== undefined])).toEqual([['resolved', true]])
  })

  it('whose firing was never notified are resolved and skipped, not left pending', async () => {
    const db = memoryStore()
    db.fire('income', T0 - 20)
    const { log, lines } = allLines()
    const a = leader(db.store, otherRule, [keeper('slack').sender], log)
    expect(await a.evaluateNow()).toEqual({ transitions: 1, notifications: 0, skipped: 2, held: 0 })
    expect(db.outbox().map((r) => [r['channel'], r['status'], r['last_error']]).sort()).toEqual([
      ['', 'skipped', 'its firing was not notified'],
      ['', 'skipped', 'resolved before it was notified'],
    ])
    expect(lines.filter((l) => l.level === 'warn')).toEqual([])
  })
})

describe('alert service timer', () => {
  const settle = () => new Promise((r) => setTimeout(r, 50))

  it('runs its first pass right after start, not an interval later, and again after every start', async () => {
    const db = memoryStore()
    const receiver = recorder('slack')
    const s = leader(db.store, rules, [receiver.sender])
    db.fire('income', T0 - 10)
    s.start({ evaluateEveryMs: 60_000, pollMs: 60_000 })
    await settle()
    expect(db.outbox().map((r) => r['channel'])).toEqual(['slack'])
    await s.stop()
    // Elected again: the next transition is enqueued at once too.
    db.fire('age', T0 - 5)
    s.start({ evaluateEveryMs: 60_000, pollMs: 60_000 })
    await settle()
    await s.stop()
    expect(db.outbox()).toHaveLength(2)
  })

  it('never runs two passes at once, and runs none after stop, when started again while a pass is in progress', async () => {
    const db = memoryStore()
    const s = leader(db.store, rules, [recorder('slack').sender])
    let passes = 0
    let concurrent = 0
    let most = 0
    let release!: () => void
    const firstHeld = new Promise<void>((r) => (release = r))
    const pass = (s as unknown as { pass: () => Promise<unknown> }).pass.bind(s)
    ;(s as unknown as { pass: () => Promise<unknown> }).pass = async () => {
      most = Math.max(most, ++concurrent)
      await (++passes === 1 ? firstHeld : new Promise((r) => setTimeout(r, 10)))
      concurrent--
      return pass()
    }
    s.start({ evaluateEveryMs: 100, pollMs: 60_000 })
    while (passes === 0) await new Promise((r) => setTimeout(r, 5))
    // Deposed and elected again while the first pass is in progress.
    const stopped = s.stop()
    s.start({ evaluateEveryMs: 100, pollMs: 60_000 })
    release()
    await stopped
    await new Promise((r) => setTimeout(r, 450))
    await s.stop()
    const after = passes
    expect(most).toBe(1)
    // One loop: the held pass, the one right after the restart, then about one per 100 ms.
    expect(passes).toBeGreaterThanOrEqual(3)
    expect(passes).toBeLessThanOrEqual(7)
    await new Promise((r) => setTimeout(r, 250))
    expect(passes).toBe(after)
  })
})

describe('a notification that waited for a leader with its channel', () => {
  it('is sent by the first such leader within the age limit, and recorded failed, not sent, after it', async () => {
    for (const [waitedMs, sent] of [[3_600_000, true], [20 * 86_400_000, false]] as const) {
      const db = memoryStore()
      const slack = recorder('slack')
      db.fire('income', T0 - 10)
      // A leader with Slack only: the rule's email row waits, pending.
      const a = leader(db.store, slackAndEmail, [slack.sender])
      await a.evaluateNow()
      await a.dispatchNow()
      expect(slack.messages).toEqual([['income']])
      const email = recorder('email')
      const channels = { dashboardBaseUrl: null, email: { to: ['ops@example.com'] } } as unknown as AlertChannelsConfig
      const b = new AlertService({ store: db.store, rules: slackAndEmail, file: DEFAULT_FILE_CONFIG, channels, logger, now: () => T0 + waitedMs, senders: [email.sender] })
      await b.dispatchNow()
      expect(email.messages).toEqual(sent ? [['income']] : [])
      const row = db.outbox().find((r) => r['channel'] === 'email')!
      expect(row).toMatchObject(sent ? { status: 'sent' } : { status: 'failed', last_error: 'not sent: it waited 480 h for a leader able to send it, past the 24 h a notification is tried for' })
    }
  })
})
