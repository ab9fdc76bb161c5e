import { EventEmitter } from 'node:events'
import type { Kafka, PartitionAssigner } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import type { Logger } from '../observability/logger.js'
import { CO_PARTITIONED_ASSIGNER_NAME } from './co-partitioned-assigner.js'
import { Lease, leaderGroup, leaderTopic, startLeadership } from './leadership.js'

describe('Lease', () => {
  const clocks = () => {
    const c = { wallMs: 1_800_000_000_000, monoMs: 5_000 }
    return { c, lease: new Lease(5_000, { wall: () => c.wallMs, mono: () => c.monoMs }) }
  }

  it('holds only once confirmed, and for less than its span after each confirmation', () => {
    const { c, lease } = clocks()
    expect(lease.valid()).toBe(false)
    lease.confirm()
    c.wallMs += 4_999
    c.monoMs += 4_999
    expect(lease.valid()).toBe(true)
    c.wallMs += 1
    c.monoMs += 1
    expect(lease.valid()).toBe(false)
    lease.confirm()
    expect(lease.valid()).toBe(true)
  })

  it('dates a confirmation by its request: an answer handled after a stall renews nothing', () => {
    const { c, lease } = clocks()
    const askedAt = c.wallMs
    c.wallMs += 15_000 // the answer is handled 15 s after the request was made
    c.monoMs += 15_000
    lease.confirmAt(askedAt)
    expect(lease.valid()).toBe(false)
    lease.confirmAt(c.wallMs - 4_000)
    expect(lease.valid()).toBe(true)
    c.wallMs += 1_000
    c.monoMs += 1_000
    expect(lease.valid()).toBe(false)
    lease.confirmAt(c.wallMs + 60_000) // a date ahead of the clock counts as now
    c.wallMs += 4_999
    c.monoMs += 4_999
    expect(lease.valid()).toBe(true)
  })

  it('lapses when either clock says the span has passed: a suspended machine, a wall clock set back', () => {
    const { c, lease } = clocks()
    lease.confirm()
    c.wallMs += 60_000 // suspended: the monotonic clock stood still
    expect(lease.valid()).toBe(false)
    lease.confirm()
    c.wallMs -= 3_600_000 // set back an hour, while 6 s pass
    c.monoMs += 6_000
    expect(lease.valid()).toBe(false)
  })
})

/** A kafkajs client whose coordination consumer is driven by the test: `emit` fires its instrumentation events. */
function fakeKafka() {
  const bus = new EventEmitter()
  const events = { REQUEST: 'request', HEARTBEAT: 'heartbeat', GROUP_JOIN: 'group_join', REBALANCING: 'rebalancing', CRASH: 'crash', STOP: 'stop' }
  const consumer = {
    events,
    on: (e: string, f: (x: unknown) => void) => bus.on(e, f),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => undefined,
    disconnect: async () => undefined,
  }
  const admin = { connect: async () => undefined, disconnect: async () => undefined, listTopics: async () => [leaderTopic('p.')], createTopics: async () => true }
  const kafka = { admin: () => admin, consumer: () => consumer } as unknown as Kafka
  const emit = (e: keyof typeof events, payload: unknown = {}) => bus.emit(events[e], { payload })
  /** kafkajs' sequence: the request's REQUEST event when its answer arrives (dated when it was made), then the event it leads to. */
  const answered = (apiName: 'Heartbeat' | 'SyncGroup', createdAt: number, e: 'HEARTBEAT' | 'GROUP_JOIN', payload: unknown = {}) => {
    emit('REQUEST', { apiName, createdAt })
    emit(e, payload)
  }
  const join = (assigned: boolean, createdAt = Date.now()) => answered('SyncGroup', createdAt, 'GROUP_JOIN', { memberAssignment: assigned ? { [leaderTopic('p.')]: [0] } : {} })
  return { kafka, emit, answered, join }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent } as unknown as Logger

describe('leadership', () => {
  it('elects in a group named after the topic prefix too, with an assigner that honours subscriptions', async () => {
    const { kafka } = fakeKafka()
    const options: { groupId: string; partitionAssigners: PartitionAssigner[] }[] = []
    const spy = { admin: () => kafka.admin(), consumer: (o: never) => (options.push(o), kafka.consumer(o)) } as unknown as Kafka
    await startLeadership({ kafka: spy, groupId: 'g', topicPrefix: 'p.', role: 'evaluator', logger: silent, onElected: () => undefined, onDeposed: () => undefined })
    expect(leaderGroup('g', '', 'alerts')).toBe('g.leader.alerts')
    expect(options.map((o) => o.groupId)).toEqual([leaderGroup('g', 'p.', 'evaluator')])
    expect(leaderGroup('g', 'p.', 'evaluator')).toBe('g.leader.p.evaluator')
    const names = options[0]!.partitionAssigners.map((a) => a({ cluster: {} as never, groupId: 'g', logger: {} as never }).name)
    expect(names).toEqual([CO_PARTITIONED_ASSIGNER_NAME, 'RoundRobinAssigner'])
  })

  it('gives up the lease the moment the group rebalances, before stepping down has finished and before the member rejoins', async () => {
    const { kafka, emit, answered, join } = fakeKafka()
    let finishStepDown!: () => void
    const leadership = await startLeadership({
      kafka, groupId: 'g', topicPrefix: 'p.', role: 'alerts', logger: silent,
      onElected: () => undefined,
      // The role stops only once its sends in flight are recorded (seconds); kafkajs rejoins meanwhile.
      onDeposed: () => new Promise<void>((r) => (finishStepDown = r)),
    })
    join(true)
    await new Promise((r) => setImmediate(r))
    expect(leadership.holdsLease()).toBe(true)
    emit('REBALANCING')
    // Synchronously: kafkajs does not wait for the listener before it rejoins, and the group may
    // elect another member as soon as this one has rejoined.
    expect(leadership.holdsLease()).toBe(false)
    answered('Heartbeat', Date.now(), 'HEARTBEAT') // a heartbeat answered before the rebalance confirms no leadership
    expect(leadership.holdsLease()).toBe(false)
    // Rejoined without the partition: still no lease while the step-down runs.
    join(false)
    await new Promise((r) => setImmediate(r))
    expect(leadership.holdsLease()).toBe(false)
    finishStepDown()
    await new Promise((r) => setImmediate(r))
    // Assigned the partition again: leads again once the step-up has run.
    join(true)
    await new Promise((r) => setImmediate(r))
    expect(leadership.holdsLease()).toBe(true)
    emit('CRASH')
    expect(leadership.holdsLease()).toBe(false)
  })

  it('a heartbeat answered after a stall renews nothing: the lease counts from when the heartbeat was made', async () => {
    const { kafka, answered, join } = fakeKafka()
    // A 200 ms session: the lease spans 100 ms.
    const leadership = await startLeadership({ kafka, groupId: 'g', topicPrefix: 'p.', role: 'alerts', logger: silent, onElected: () => undefined, onDeposed: () => undefined, sessionTimeoutMs: 200 })
    join(true)
    await new Promise((r) => setImmediate(r))
    expect(leadership.holdsLease()).toBe(true)
    const before = Date.now()
    await new Promise((r) => setTimeout(r, 150)) // the stall, with a heartbeat's answer on the wire
    expect(leadership.holdsLease()).toBe(false)
    answered('Heartbeat', before, 'HEARTBEAT')
    expect(leadership.holdsLease()).toBe(false)
    // A group joined after the stall is dated by its SyncGroup too.
    join(true, before)
    expect(leadership.holdsLease()).toBe(false)
    answered('Heartbeat', Date.now(), 'HEARTBEAT')
    expect(leadership.holdsLease()).toBe(true)
  })
})
