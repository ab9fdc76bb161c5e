import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AlertDeliveryStatus } from '../observability/alert-deliveries.js'
import type { Logger } from '../observability/logger.js'
import type { Store } from '../store/clickhouse.js'
import type { ChannelSender, DeliveryAttempt } from './channels/types.js'
import { deliveryError } from './channels/types.js'
import { ChannelLane, DEFAULT_DELIVERY, DEFAULT_MAX_SEND_MS, LEASE_RECHECK_MS, type DeliveryPolicy } from './dispatcher.js'
import type { Notification } from './notification.js'
import { enqueue, notificationRows } from './outbox.js'

/**
 * alert_outbox in memory, as the lane reads and writes it: inserts keep the newest version of
 * each idempotency key (ReplacingMergeTree), the open-rows query returns a channel's pending and
 * sending rows in creation order. `failInserts` makes the next inserts fail (ClickHouse away).
 */
function memoryStore() {
  const rows = new Map<string, Record<string, unknown>>()
  const ms = (s: unknown) => String(Date.parse(`${String(s).replace(' ', 'T')}Z`))
  let failInserts = 0
  const client = {
    async insert({ values }: { values: Record<string, unknown>[] }) {
      if (failInserts > 0) {
        failInserts--
        throw new Error('connection refused')
      }
      for (const v of values) {
        const old = rows.get(String(v['idempotency_key']))
        if (!old || Number(old['version']) <= Number(v['version'])) rows.set(String(v['idempotency_key']), v)
      }
    },
    async query({ query, query_params }: { query: string; query_params: { channel: string; key?: string; ids?: string[] } }) {
      if (query.includes("status = 'sent'")) {
        // outbox.ts sentTransitions: other sent rows of the channel carrying these transitions.
        const ids = query_params.ids ?? []
        const sent = [...rows.values()].filter((r) => r['channel'] === query_params.channel && r['status'] === 'sent' && r['idempotency_key'] !== query_params.key && (r['transition_ids'] as string[]).some((t) => ids.includes(t)))
        return { json: async () => sent.map((r) => ({ transition_ids: r['transition_ids'] })) }
      }
      const open = [...rows.values()]
        .filter((r) => r['channel'] === query_params.channel && (r['status'] === 'pending' || r['status'] === 'sending'))
        .sort((a, b) => String(a['created_at']).localeCompare(String(b['created_at'])) || String(a['idempotency_key']).localeCompare(String(b['idempotency_key'])))
        .map((r) => ({ ...r, ws: ms(r['window_start']), na: ms(r['next_attempt_at']), c: ms(r['created_at']), u: ms(r['updated_at']), version: String(r['version']) }))
      return { json: async () => open }
    },
  }
  const store = { client, kind: 'chdb', database: 'memory', location: 'memory' } as unknown as Store
  const row = (key: string) => rows.get(key)!
  return { store, row, all: () => [...rows.values()], failNextInserts: (n: number) => void (failInserts = n) }
}

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => logger } as unknown as Logger

/** The clock at the start of each test; notifications are created before it (`createdAtMs` from T0 - 100). */
const T0 = Date.UTC(2026, 10, 20, 12)
/** A notification of `rule` for model m: transitions `key#seq` of alert keys `rule|m|v1|<subject>`. */
function notification(rule: string, status: 'firing' | 'resolved', subjects: string[], seq: number, createdAtMs: number): Notification {
  return {
    status, rule, description: null, severity: 'warning', runbook: null, metric: 'feature drift psi', condition: 'psi >= 0.2', op: '>=', threshold: 0.2,
    subjectLabel: 'feature', modelId: 'm', modelVersion: 'v1', windowStartMs: T0 - 86_400_000, windowEndMs: T0,
    items: subjects.map((s) => ({ subject: s, value: 0.3 })), details: [], transitionIds: subjects.map((s) => `${rule}|m|v1|${s}#${seq}`),
    dashboardUrl: null, emailTo: null, createdAtMs: createdAtMs - 100,
  }
}

/** A sender that records every attempt and fails those `failing` says, retriably (an SMTP 450). */
function recordingSender(failing: (n: Notification, a: DeliveryAttempt) => boolean) {
  const attempts: { name: string; attempt: number; inDoubt: boolean }[] = []
  const sent: string[] = []
  const sender: ChannelSender = {
    name: 'email',
    async send(n, a) {
      const name = `${n.rule} ${n.status} ${n.items.map((i) => i.subject).join('+')}`
      attempts.push({ name, attempt: a.attempt, inDoubt: a.inDoubt })
      if (failing(n, a)) throw deliveryError('email: 450 4.1.2 Recipient address rejected: Domain not found', { retriable: true, inDoubt: false })
      sent.push(name)
    },
  }
  return { sender, attempts, sent }
}

function laneFor(store: Store, sender: ChannelSender, policy: Partial<DeliveryPolicy> = {}, mayDeliver = () => true) {
  const outcomes: AlertDeliveryStatus[] = []
  let version = 0
  const lane = new ChannelLane(sender, {
    store, logger, now: Date.now, random: () => 0.5, version: () => Math.max(Date.now(), ++version),
    policy: { ...DEFAULT_DELIVERY, ...policy }, deliveries: { delivered: (_c, s) => void outcomes.push(s) }, mayDeliver,
  })
  return { lane, outcomes }
}

const put = (store: Store, ...ns: Notification[]): Promise<void> => enqueue(store, ns.flatMap((n) => notificationRows(n, ['email'])))
const keyOf = (n: Notification): string => notificationRows(n, ['email'])[0]!.idempotencyKey

/** The store's second insert fails: the lane records 'sending', sends, and its 'sent' record is refused. */
function failSentRecordOnce(store: ReturnType<typeof memoryStore>['store'], failNextInserts: (n: number) => void): void {
  const insert = store.client.insert.bind(store.client)
  let inserts = 0
  store.client.insert = (async (p: Parameters<typeof insert>[0]) => {
    if (++inserts === 2) failNextInserts(1)
    return insert(p)
  }) as typeof insert
}

describe('alert delivery lane', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => vi.useRealTimers())

  it('a notification waiting to retry holds back only the notifications of its alert keys, not the channel', async () => {
    const { store, row } = memoryStore()
    const typo = notification('typo', 'firing', ['income'], 1, T0)
    const other = notification('psi', 'firing', ['income'], 1, T0 + 1)
    // The resolve of `typo` is grouped with a second key, which then fires again: both wait.
    const typoResolved = notification('typo', 'resolved', ['income', 'age'], 2, T0 + 2)
    const ageAgain = notification('typo', 'firing', ['age'], 3, T0 + 3)
    const unrelated = notification('dlq', 'firing', ['orders'], 1, T0 + 4)
    let relayRejects = true
    const { sender, attempts, sent } = recordingSender((n) => relayRejects && n.rule === 'typo')
    const { lane } = laneFor(store, sender)
    await put(store, typo, other, typoResolved, ageAgain, unrelated)

    await lane.kick()
    expect(sent).toEqual(['psi firing income', 'dlq firing orders'])
    expect(attempts.map((a) => a.name)).toEqual(['typo firing income', 'psi firing income', 'dlq firing orders'])
    expect(row(keyOf(typo))).toMatchObject({ status: 'pending', attempts: 1 })
    expect(row(keyOf(typoResolved))).toMatchObject({ status: 'pending', attempts: 0 })
    expect(row(keyOf(ageAgain))).toMatchObject({ status: 'pending', attempts: 0 })

    // Another rule's notification enqueued while `typo` waits goes out at once too.
    const later = notification('psi', 'firing', ['debt'], 1, T0 + 5)
    await put(store, later)
    await lane.kick()
    expect(sent.at(-1)).toBe('psi firing debt')

    // Once the relay takes it, the held notifications follow in their order.
    relayRejects = false
    await vi.advanceTimersByTimeAsync(DEFAULT_DELIVERY.backoff.capMs)
    await lane.kick()
    expect(sent.slice(3)).toEqual(['typo firing income', 'typo resolved income+age', 'typo firing age'])
    expect(attempts).toHaveLength(7)
  })

  it('sends nothing while it may not deliver (a lapsed leadership lease), and asks again until it may', async () => {
    const { store, row } = memoryStore()
    const a = notification('psi', 'firing', ['income'], 1, T0)
    const b = notification('dlq', 'firing', ['orders'], 1, T0 + 1)
    const { sender, attempts, sent } = recordingSender(() => false)
    let lease = false
    let asked = 0
    const { lane } = laneFor(store, sender, {}, () => (asked++, lease))
    await put(store, a, b)
    await lane.kick()
    await vi.advanceTimersByTimeAsync(3 * LEASE_RECHECK_MS)
    expect(attempts).toEqual([])
    expect(asked).toBeGreaterThanOrEqual(3)
    expect(row(keyOf(a))).toMatchObject({ status: 'pending', attempts: 0 })
    // The lease is confirmed again: the lane sends on its next check, without a kick.
    lease = true
    await vi.advanceTimersByTimeAsync(LEASE_RECHECK_MS)
    expect(sent).toEqual(['psi firing income', 'dlq firing orders'])
  })

  it('sends at most `concurrency` notifications of a channel at once, and one alert key one after another', async () => {
    const { store } = memoryStore()
    let inFlight = 0
    let most = 0
    const order: string[] = []
    const busyKeys = new Set<string>()
    const sender: ChannelSender = {
      name: 'email',
      async send(n) {
        for (const id of n.transitionIds) {
          const key = id.slice(0, id.lastIndexOf('#'))
          expect(busyKeys.has(key)).toBe(false)
          busyKeys.add(key)
        }
        most = Math.max(most, ++inFlight)
        await new Promise((r) => setTimeout(r, 100))
        inFlight--
        for (const id of n.transitionIds) busyKeys.delete(id.slice(0, id.lastIndexOf('#')))
        order.push(n.transitionIds.join(','))
      },
    }
    const { lane } = laneFor(store, sender, { concurrency: 3 })
    const ns = [
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((s, i) => notification('psi', 'firing', [s], 1, T0 + i)),
      notification('psi', 'resolved', ['a', 'b'], 2, T0 + 10),
      notification('psi', 'firing', ['a'], 3, T0 + 11),
    ]
    await put(store, ...ns)
    const done = lane.kick()
    await vi.advanceTimersByTimeAsync(2000)
    await done
    expect(order).toHaveLength(8)
    expect(most).toBe(3)
    expect(order.indexOf('psi|m|v1|a#2,psi|m|v1|b#2')).toBeGreaterThan(Math.max(order.indexOf('psi|m|v1|a#1'), order.indexOf('psi|m|v1|b#1')))
    expect(order.at(-1)).toBe('psi|m|v1|a#3')
  })

  it('treats a channel where different notifications fail back to back as down: it pauses and probes one at a time', async () => {
    const { store, row } = memoryStore()
    let down = true
    const { sender, attempts, sent } = recordingSender(() => down)
    const { lane } = laneFor(store, sender, { concurrency: 1 })
    const ns = ['a', 'b', 'c', 'd', 'e'].map((s, i) => notification('psi', 'firing', [s], 1, T0 + i))
    await put(store, ...ns)

    await lane.kick()
    // Two different notifications failed: the receiver, not a notification, is the problem.
    expect(attempts.map((a) => a.name)).toEqual(['psi firing a', 'psi firing b'])
    // While it stays down, one probe per pause, notifications never tried first; no attempt is spent on the rest.
    await vi.advanceTimersByTimeAsync(10_000)
    await lane.kick()
    const probes = attempts.slice(2).map((a) => a.name)
    expect(probes.length).toBeGreaterThanOrEqual(1)
    expect(probes.length).toBeLessThanOrEqual(5)
    expect(probes.slice(0, 3)).toEqual(['psi firing c', 'psi firing d', 'psi firing e'].slice(0, Math.min(3, probes.length)))

    down = false
    await vi.advanceTimersByTimeAsync(DEFAULT_DELIVERY.backoff.capMs)
    await lane.kick()
    expect(sent.sort()).toEqual(['psi firing a', 'psi firing b', 'psi firing c', 'psi firing d', 'psi firing e'])
    for (const n of ns) expect(row(keyOf(n))['status']).toBe('sent')
  })

  it('never sends twice what it sent but could not record, and marks a row left in sending as in doubt', async () => {
    const { store, row, failNextInserts } = memoryStore()
    const { sender, attempts } = recordingSender(() => false)
    const { lane } = laneFor(store, sender)
    const first = notification('psi', 'firing', ['a'], 1, T0)
    await put(store, first)
    // 'sending' is recorded, the send succeeds, the 'sent' record fails.
    failSentRecordOnce(store, failNextInserts)
    await lane.kick()
    expect(row(keyOf(first))['status']).toBe('sending')
    await vi.advanceTimersByTimeAsync(35_000)
    await lane.kick()
    expect(row(keyOf(first))['status']).toBe('sent')
    expect(attempts).toHaveLength(1)

    // A row another process left in 'sending' (it died between sending and recording).
    const second = notification('psi', 'firing', ['b'], 1, T0 + 1)
    await put(store, second)
    await store.client.insert({ table: 'alert_outbox', values: [{ ...row(keyOf(second)), status: 'sending', attempts: 1, version: 5 }], format: 'JSONEachRow' })
    // Deferred first: that process may still be sending it (a handover, not a crash).
    await lane.kick()
    expect(attempts).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(DEFAULT_MAX_SEND_MS + DEFAULT_DELIVERY.handoverMs)
    await lane.kick()
    expect(attempts.at(-1)).toEqual({ name: 'psi firing b', attempt: 2, inDoubt: true })
    expect(row(keyOf(second))).toMatchObject({ status: 'sent', in_doubt: 1 })
  })

  it('stops only after the sends in flight are recorded, and starts none after', async () => {
    const { store, row } = memoryStore()
    const release: (() => void)[] = []
    const started: string[] = []
    const sender: ChannelSender = {
      name: 'email',
      async send(n) {
        started.push(n.items[0]!.subject)
        await new Promise<void>((r) => release.push(r))
      },
    }
    const { lane } = laneFor(store, sender, { concurrency: 2 })
    const ns = ['a', 'b', 'c'].map((s, i) => notification('psi', 'firing', [s], 1, T0 + i))
    await put(store, ...ns)
    void lane.kick()
    await vi.advanceTimersByTimeAsync(0)
    expect(started).toEqual(['a', 'b'])
    let stopped = false
    const stopping = lane.stop().then(() => (stopped = true))
    await vi.advanceTimersByTimeAsync(0)
    expect(stopped).toBe(false)
    for (const r of release) r()
    await stopping
    expect([row(keyOf(ns[0]!))['status'], row(keyOf(ns[1]!))['status'], row(keyOf(ns[2]!))['status']]).toEqual(['sent', 'sent', 'pending'])
    expect(started).toEqual(['a', 'b'])
  })

  it('leaves pending, untried and with no wake-up, the rows its sender cannot address here, and what comes after them on their keys', async () => {
    const { store, row } = memoryStore()
    // The email leader has no ALERT_EMAIL_TO: only notifications of a rule with emailTo can go.
    const noRecipients = notification('psi', 'firing', ['a'], 1, T0)
    const resolved = notification('psi', 'resolved', ['a'], 2, T0 + 1)
    const addressed = { ...notification('dlq', 'firing', ['b'], 1, T0 + 2), emailTo: ['ops@example.com'] }
    const { sender, attempts, sent } = recordingSender(() => false)
    const { lane } = laneFor(store, { ...sender, cannotSend: (n) => ((n.emailTo ?? []).length === 0 ? 'no recipients' : null) })
    await put(store, noRecipients, resolved, addressed)
    await lane.kick()
    expect(sent).toEqual(['dlq firing b'])
    expect(attempts).toHaveLength(1)
    expect(row(keyOf(noRecipients))).toMatchObject({ status: 'pending', attempts: 0 })
    expect(row(keyOf(resolved))).toMatchObject({ status: 'pending', attempts: 0 })
    // Nothing to wake up for: no timer is left spinning on rows that never become due here.
    expect(vi.getTimerCount()).toBe(0)
  })

  describe('leadership handover (another leader may be mid-send)', () => {
    /** The deferral of a row another leader left in 'sending': its send's timeout plus the lease's handover. */
    const sendMs = 10_000
    const handoverMs = 10_000
    const slowSender = (log: { name: string; inDoubt: boolean }[]) => ({
      name: 'email' as const,
      maxSendMs: sendMs,
      async send(n: Notification, a: DeliveryAttempt) {
        log.push({ name: n.items[0]!.subject, inDoubt: a.inDoubt })
      },
    })

    it('a new leader defers a row the old leader is sending, and sends nothing once the old leader records it sent', async () => {
      const { store, row } = memoryStore()
      const n = notification('psi', 'firing', ['a'], 1, T0)
      const later = notification('psi', 'resolved', ['a'], 2, T0 + 1)
      await put(store, n, later)
      // The old leader recorded 'sending' a moment ago and its request is still open.
      await store.client.insert({ table: 'alert_outbox', values: [{ ...row(keyOf(n)), status: 'sending', attempts: 1, version: T0, updated_at: row(keyOf(n))['created_at'] }], format: 'JSONEachRow' })
      const log: { name: string; inDoubt: boolean }[] = []
      const { lane } = laneFor(store, slowSender(log), { handoverMs })
      await lane.kick()
      expect(log).toEqual([]) // neither the row in doubt nor the resolve behind it
      // The old leader's send completes: it records 'sent'.
      await vi.advanceTimersByTimeAsync(5_000)
      await store.client.insert({ table: 'alert_outbox', values: [{ ...row(keyOf(n)), status: 'sent', version: T0 + 5_000 }], format: 'JSONEachRow' })
      await vi.advanceTimersByTimeAsync(sendMs + handoverMs)
      await lane.kick()
      expect(log).toEqual([{ name: 'a', inDoubt: false }]) // the resolve only
      expect(row(keyOf(later))['status']).toBe('sent')
    })

    it('the deferral is bounded: a crashed leader\'s row is sent in doubt after it, even if that leader\'s clock was far ahead', async () => {
      const { store, row } = memoryStore()
      const n = notification('psi', 'firing', ['a'], 1, T0)
      await put(store, n)
      const hourAhead = '2026-11-20 13:00:00.000'
      await store.client.insert({ table: 'alert_outbox', values: [{ ...row(keyOf(n)), status: 'sending', attempts: 1, version: T0 + 3_600_000, updated_at: hourAhead }], format: 'JSONEachRow' })
      const log: { name: string; inDoubt: boolean }[] = []
      const { lane } = laneFor(store, slowSender(log), { handoverMs })
      await lane.kick()
      expect(log).toEqual([])
      await vi.advanceTimersByTimeAsync(sendMs + handoverMs + 10)
      await lane.kick()
      expect(log).toEqual([{ name: 'a', inDoubt: true }])
      expect(row(keyOf(n))).toMatchObject({ status: 'sent', in_doubt: 1 })
    })

    it.each([
      ['behind', '2026-11-20 11:50:00.000', T0 - 600_000],
      ['ahead', '2026-11-20 13:00:00.000', T0 + 3_600_000],
    ])('a row an old leader whose clock is %s left in sending is deferred the whole grace on this clock, then sent in doubt', async (_clock, updatedAt, version) => {
      const { store, row } = memoryStore()
      const n = notification('psi', 'firing', ['a'], 1, T0)
      await put(store, n)
      // The old leader, its clock 10 minutes behind (or an hour ahead), recorded 'sending' just now.
      await store.client.insert({ table: 'alert_outbox', values: [{ ...row(keyOf(n)), status: 'sending', attempts: 1, version, updated_at: updatedAt }], format: 'JSONEachRow' })
      const log: { name: string; inDoubt: boolean }[] = []
      const { lane } = laneFor(store, slowSender(log), { handoverMs })
      await lane.kick()
      expect(log).toEqual([])
      await vi.advanceTimersByTimeAsync(sendMs + handoverMs - 1_000)
      await lane.kick()
      expect(log).toEqual([]) // the old leader's request may still be open
      await vi.advanceTimersByTimeAsync(1_010)
      await lane.kick()
      expect(log).toEqual([{ name: 'a', inDoubt: true }])
      expect(row(keyOf(n))).toMatchObject({ status: 'sent', in_doubt: 1 })
    })

    it('a row found in sending counts as an unknown outcome: past maxInDoubtResends it is recorded unknown, not sent again', async () => {
      const { store, row } = memoryStore()
      const n = notification('psi', 'firing', ['a'], 1, T0)
      await put(store, n)
      // Two attempts already timed out; a third was interrupted between sending and recording.
      const payload = JSON.stringify({ ...JSON.parse(String(row(keyOf(n))['payload'])), outcomesUnknown: 2 })
      await store.client.insert({ table: 'alert_outbox', values: [{ ...row(keyOf(n)), status: 'sending', attempts: 3, in_doubt: 1, payload, version: T0 }], format: 'JSONEachRow' })
      const log: { name: string; inDoubt: boolean }[] = []
      const { lane } = laneFor(store, slowSender(log), { handoverMs, maxInDoubtResends: 2 })
      await lane.kick()
      await vi.advanceTimersByTimeAsync(sendMs + handoverMs + 10)
      await lane.kick()
      expect(log).toEqual([])
      expect(row(keyOf(n))).toMatchObject({ status: 'unknown', in_doubt: 1, attempts: 3 })
      expect(String(row(keyOf(n))['last_error'])).toMatch(/^outcome unknown \(in doubt\) after 3 attempts/)
    })

    it('the old leader puts a row back to pending, unsent, when its lease is gone by the time \'sending\' is recorded', async () => {
      const { store, row } = memoryStore()
      const n = notification('psi', 'firing', ['a'], 1, T0)
      await put(store, n)
      let lease = true
      const insert = store.client.insert.bind(store.client)
      store.client.insert = (async (p: Parameters<typeof insert>[0]) => {
        await insert(p)
        // The group rebalanced while the 'sending' record was on its way; a successor read the row as pending.
        if ((p.values as Record<string, unknown>[])[0]?.['status'] === 'sending') lease = false
      }) as unknown as typeof insert
      const { sender, attempts } = recordingSender(() => false)
      const { lane } = laneFor(store, sender, {}, () => lease)
      await lane.kick()
      expect(attempts).toEqual([])
      expect(row(keyOf(n))).toMatchObject({ status: 'pending', attempts: 0 })
    })

    it('stop() records the sends whose \'sent\' record failed, so the successor finds them sent', async () => {
      const { store, row, failNextInserts } = memoryStore()
      const { sender, attempts } = recordingSender(() => false)
      const { lane } = laneFor(store, sender)
      const n = notification('psi', 'firing', ['a'], 1, T0)
      await put(store, n)
      failSentRecordOnce(store, failNextInserts)
      await lane.kick()
      expect(row(keyOf(n))['status']).toBe('sending')
      await lane.stop()
      expect(row(keyOf(n))['status']).toBe('sent')
      expect(attempts).toHaveLength(1)
    })

    it('a row it sent that another leader\'s late write reopened is recorded sent again, not re-sent', async () => {
      const { store, row } = memoryStore()
      const { sender, attempts } = recordingSender(() => false)
      const { lane } = laneFor(store, sender)
      const n = notification('psi', 'firing', ['a'], 1, T0)
      await put(store, n)
      await lane.kick()
      expect(row(keyOf(n))['status']).toBe('sent')
      // The deposed leader, whose clock is ahead, puts the row back to pending under a higher version.
      await store.client.insert({ table: 'alert_outbox', values: [{ ...row(keyOf(n)), status: 'pending', version: T0 + 60_000 }], format: 'JSONEachRow' })
      await vi.advanceTimersByTimeAsync(1_000)
      await lane.kick()
      expect(attempts).toHaveLength(1)
      expect(row(keyOf(n))).toMatchObject({ status: 'sent' })
      expect(Number(row(keyOf(n))['version'])).toBeGreaterThan(T0 + 60_000)
    })
  })
})

describe('what the receiver says about retrying', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => vi.useRealTimers())

  const at = (store: ReturnType<typeof memoryStore>, key: string) => Date.parse(`${String(store.row(key)['next_attempt_at']).replace(' ', 'T')}Z`)

  it('a Retry-After is the least wait of the row and holds the whole lane', async () => {
    const mem = memoryStore()
    const a = notification('psi', 'firing', ['a'], 1, T0)
    const b = notification('dlq', 'firing', ['b'], 1, T0 + 1)
    const starts: [string, number][] = []
    let limited = true
    const sender: ChannelSender = {
      name: 'slack',
      async send(n) {
        starts.push([n.rule, Date.now()])
        if (limited && n.rule === 'psi') throw deliveryError('Slack webhook: HTTP 429 rate_limited', { retriable: true, inDoubt: false, status: 429, retryAfterMs: 20_000 })
      },
    }
    // Concurrency 1: `a` fails first, and `b` must then wait for the Retry-After too.
    const { lane } = laneFor(mem.store, sender, { concurrency: 1 })
    await enqueue(mem.store, [a, b].flatMap((n) => notificationRows(n, ['slack'])))
    const keyA = notificationRows(a, ['slack'])[0]!.idempotencyKey
    await lane.kick()
    expect(starts).toEqual([['psi', T0]])
    // The jittered backoff alone would be 500 ms (random 0.5 of the 1 s base): the row waits 20 s.
    expect(mem.row(keyA)).toMatchObject({ status: 'pending', attempts: 1 })
    expect(at(mem, keyA)).toBe(T0 + 20_000)
    await vi.advanceTimersByTimeAsync(19_999)
    expect(starts).toHaveLength(1)
    limited = false
    await vi.advanceTimersByTimeAsync(1)
    await lane.kick()
    expect(starts.map(([r, ms]) => [r, ms - T0])).toEqual([['psi', 0], ['psi', 20_000], ['dlq', 20_000]])
  })

  it('a retry is scheduled its whole wait after the failure it records, even on a clock that moves between reads', async () => {
    const mem = memoryStore()
    const a = notification('psi', 'firing', ['a'], 1, T0)
    const sender: ChannelSender = {
      name: 'slack',
      async send() {
        throw deliveryError('Slack webhook: HTTP 429 rate_limited', { retriable: true, inDoubt: false, status: 429, retryAfterMs: 20_000 })
      },
    }
    // Every read of this clock is a millisecond later than the one before.
    let clock = T0
    const lane = new ChannelLane(sender, {
      store: mem.store, logger, now: () => clock++, random: () => 0.5, version: () => clock,
      policy: DEFAULT_DELIVERY, deliveries: { delivered: () => {} }, mayDeliver: () => true,
    })
    await enqueue(mem.store, notificationRows(a, ['slack']))
    const key = notificationRows(a, ['slack'])[0]!.idempotencyKey
    await lane.kick()
    const updated = Date.parse(`${String(mem.row(key)['updated_at']).replace(' ', 'T')}Z`)
    expect(mem.row(key)).toMatchObject({ status: 'pending', attempts: 1 })
    expect(at(mem, key) - updated).toBe(20_000)
    await lane.stop()
  })

  it('a Retry-After holds the lane even when a send in flight beside it succeeds', async () => {
    const mem = memoryStore()
    const starts: [string, number][] = []
    const sender: ChannelSender = {
      name: 'slack',
      async send(n) {
        starts.push([n.rule, Date.now()])
        if (n.rule === 'psi') throw deliveryError('Slack webhook: HTTP 429 rate_limited', { retriable: true, inDoubt: false, status: 429, retryAfterMs: 20_000 })
        await new Promise((r) => setTimeout(r, 10))
      },
    }
    const { lane } = laneFor(mem.store, sender, { concurrency: 2 })
    await enqueue(mem.store, [notification('psi', 'firing', ['a'], 1, T0), notification('dlq', 'firing', ['b'], 1, T0 + 1)].flatMap((n) => notificationRows(n, ['slack'])))
    const done = lane.kick()
    await vi.advanceTimersByTimeAsync(10)
    await done
    expect(starts).toEqual([['psi', T0], ['dlq', T0]])
    await enqueue(mem.store, notificationRows(notification('other', 'firing', ['c'], 1, T0 + 2_000), ['slack']))
    await vi.advanceTimersByTimeAsync(1_000)
    await lane.kick()
    await vi.advanceTimersByTimeAsync(18_000)
    expect(starts).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(starts.slice(2).map(([r, ms]) => [r, ms - T0]).sort()).toEqual([['other', 20_000], ['psi', 20_000]])
  })

  it('paces a sender with `minIntervalMs`: one send started per interval, every due row sent in one drain', async () => {
    const mem = memoryStore()
    const starts: number[] = []
    const sender: ChannelSender = { name: 'slack', minIntervalMs: 1000, async send() { starts.push(Date.now()) } }
    const { lane } = laneFor(mem.store, sender)
    const ns = ['a', 'b', 'c', 'd', 'e'].map((s, i) => notification('psi', 'firing', [s], 1, T0 + i))
    await enqueue(mem.store, ns.flatMap((n) => notificationRows(n, ['slack'])))
    const done = lane.kick()
    await vi.advanceTimersByTimeAsync(5_000)
    await done
    expect(starts.map((ms) => ms - T0)).toEqual([0, 1000, 2000, 3000, 4000])
    expect(mem.all().map((r) => r['status'])).toEqual(['sent', 'sent', 'sent', 'sent', 'sent'])
  })

  it('keeps what a partial delivery left to do in the row: the retry leaves out who has it, the final record names who refused it', async () => {
    const mem = memoryStore()
    const n = { ...notification('psi', 'firing', ['a'], 1, T0), emailTo: ['ok@x', 'later@x', 'gone@x'] }
    const seen: (readonly string[] | null)[] = []
    const sender: ChannelSender = {
      name: 'email',
      async send(m) {
        seen.push(m.emailTo)
        if (seen.length === 1) {
          throw deliveryError('email: sent to 1 of 3 recipients; deferred, will retry: later@x: 450 try later; refused: gone@x: 550 no such user', {
            retriable: true, inDoubt: false, partial: true, retryWith: { emailTo: ['later@x'], notDelivered: ['gone@x: 550 no such user'] },
          })
        }
        return { note: `email: not delivered to 1 recipient: ${m.notDelivered!.join('; ')}` }
      },
    }
    await put(mem.store, n)
    await laneFor(mem.store, sender).lane.kick()
    const stored = mem.row(keyOf(n))
    expect(stored).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('deferred, will retry: later@x') })
    expect(JSON.parse(String(stored['payload']))).toMatchObject({ emailTo: ['later@x'], notDelivered: ['gone@x: 550 no such user'] })
    // A new process (the payload is all it has) sends to the deferred recipient only.
    await vi.advanceTimersByTimeAsync(DEFAULT_DELIVERY.backoff.capMs)
    await laneFor(mem.store, sender).lane.kick()
    expect(seen).toEqual([['ok@x', 'later@x', 'gone@x'], ['later@x']])
    expect(mem.row(keyOf(n))).toMatchObject({ status: 'sent', attempts: 2, last_error: 'email: not delivered to 1 recipient: gone@x: 550 no such user' })
  })

  it('a partial delivery says the channel works: rows of other recipients are not held behind a probe', async () => {
    const mem = memoryStore()
    // Every email's default recipients include a deferred address: each one is delivered in part.
    const ns = ['a', 'b', 'c', 'd'].map((s, i) => notification('psi', 'firing', [s], 1, T0 + i))
    const attempts: string[] = []
    const sender: ChannelSender = {
      name: 'email',
      async send(m) {
        attempts.push(m.items[0]!.subject)
        if (m.emailTo === null) throw deliveryError('email: sent to 1 of 2 recipients; deferred', { retriable: true, inDoubt: false, partial: true, retryWith: { emailTo: ['later@x'] } })
      },
    }
    await put(mem.store, ...ns)
    await laneFor(mem.store, sender, { concurrency: 1 }).lane.kick()
    expect(attempts).toEqual(['a', 'b', 'c', 'd'])
  })
})
