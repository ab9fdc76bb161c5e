import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { parseFileConfig } from '../config/file.js'
import {
  coPartitionedAssigner,
  configFingerprint,
  decodeIdentity,
  decodeNotice,
  planAssignment,
  type GroupMember,
  type MemberIdentity,
} from './co-partitioned-assigner.js'

const TOPICS = ['predictions', 'ground-truth']
const server = (started = 1, config = 'c1'): MemberIdentity => ({ store: 'server', started, config })
const chdb = (storeId: string, started: number, config = 'c1'): MemberIdentity => ({ store: 'chdb', storeId, started, config })
const member = (memberId: string, identity: MemberIdentity | null = server(), topics: readonly string[] = TOPICS): GroupMember => ({ memberId, topics, identity })
const assignments = (plan: ReturnType<typeof planAssignment>) => Object.fromEntries([...plan].map(([id, p]) => [id, p.assignment]))
const notices = (plan: ReturnType<typeof planAssignment>) => Object.fromEntries([...plan].filter(([, p]) => p.notice).map(([id, p]) => [id, p.notice]))

describe('planAssignment: co-partitioning', () => {
  const topics = new Map([
    ['predictions', [0, 1, 2, 3, 4, 5]],
    ['ground-truth', [5, 4, 3, 2, 1, 0]],
  ])

  it('gives partition i of every topic to the same member (6 partitions, 4 members)', () => {
    const a = assignments(planAssignment(['c', 'a', 'd', 'b'].map((id) => member(id)), topics))
    for (const byTopic of Object.values(a)) expect(byTopic['predictions'] ?? []).toEqual(byTopic['ground-truth'] ?? [])
    expect(a['a']).toEqual({ predictions: [0, 4], 'ground-truth': [0, 4] })
    expect(a['d']).toEqual({ predictions: [3], 'ground-truth': [3] })
  })

  it('assigns every partition exactly once', () => {
    const a = assignments(planAssignment(['m1', 'm2', 'm3'].map((id) => member(id)), topics))
    expect(Object.values(a).flatMap((t) => t['predictions'] ?? []).sort()).toEqual([0, 1, 2, 3, 4, 5])
    expect(Object.values(a).flatMap((t) => t['ground-truth'] ?? []).sort()).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('handles more members than partitions, and no members', () => {
    const a = assignments(planAssignment(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => member(id, server(), ['t'])), new Map([['t', [0, 1]]])))
    expect(a['g']).toEqual({})
    expect(planAssignment([], topics).size).toBe(0)
  })
})

describe('planAssignment: subscriptions', () => {
  // Two deployments (prefixes A. and B.) in one group; member ids interleave across them.
  const topics = new Map([
    ['A.predictions', [0, 1, 2]],
    ['A.ground-truth', [0, 1, 2]],
    ['B.predictions', [0, 1, 2, 3]],
    ['B.ground-truth', [0, 1, 2, 3]],
  ])
  const a = (id: string) => member(id, server(1, 'ca'), ['A.predictions', 'A.ground-truth'])
  const b = (id: string) => member(id, server(1, 'cb'), ['B.predictions', 'B.ground-truth'])

  it('gives a topic\'s partitions only to members subscribed to it, co-partitioned among them', () => {
    const plan = planAssignment([a('1-a'), b('2-b'), a('3-a'), b('4-b'), b('5-b')], topics)
    expect(assignments(plan)).toEqual({
      '1-a': { 'A.predictions': [0, 2], 'A.ground-truth': [0, 2] },
      '3-a': { 'A.predictions': [1], 'A.ground-truth': [1] },
      '2-b': { 'B.predictions': [0, 3], 'B.ground-truth': [0, 3] },
      '4-b': { 'B.predictions': [1], 'B.ground-truth': [1] },
      '5-b': { 'B.predictions': [2], 'B.ground-truth': [2] },
    })
    // Other deployments' files and stores are not compared.
    expect(notices(plan)).toEqual({})
  })

  it('gives one election topic\'s partition to one of its own subscribers each', () => {
    const leader = (id: string, topic: string) => member(id, null, [topic])
    const plan = planAssignment([leader('x', 'A.driftwatch-leader'), leader('y', 'B.driftwatch-leader'), leader('w', 'B.driftwatch-leader')], new Map([['A.driftwatch-leader', [0]], ['B.driftwatch-leader', [0]]]))
    expect(assignments(plan)).toEqual({ x: { 'A.driftwatch-leader': [0] }, w: { 'B.driftwatch-leader': [0] }, y: {} })
  })

  it('leaves a topic nobody subscribed to unassigned', () => {
    expect(assignments(planAssignment([member('m', server(), ['t'])], new Map([['t', [0]], ['u', [0]]])))).toEqual({ m: { t: [0] } })
  })
})

describe('planAssignment: stores', () => {
  const topics = new Map([
    ['predictions', [0, 1, 2]],
    ['ground-truth', [0, 1, 2]],
  ])
  const all = { predictions: [0, 1, 2], 'ground-truth': [0, 1, 2] }

  it('gives every partition to the embedded instance started first and tells the others', () => {
    const plan = planAssignment([member('a', chdb('p2', 2_000)), member('b', chdb('p1', 1_000)), member('c', chdb('p3', 3_000))], topics)
    expect(assignments(plan)).toEqual({ a: {}, b: all, c: {} })
    expect(notices(plan)).toEqual({ a: { conflict: { members: 2, keptBy: 'b' } }, c: { conflict: { members: 2, keptBy: 'b' } } })
  })

  it('breaks a tie of start times by member id', () => {
    const plan = planAssignment([member('b', chdb('p1', 1_000)), member('a', chdb('p2', 1_000))], topics)
    expect(assignments(plan)).toEqual({ a: all, b: {} })
  })

  it('lets members of one process share its embedded store', () => {
    const plan = planAssignment([member('a', chdb('p1', 1_000)), member('b', chdb('p1', 1_000))], topics)
    expect(notices(plan)).toEqual({})
    expect(assignments(plan)).toEqual({ a: { predictions: [0, 2], 'ground-truth': [0, 2] }, b: { predictions: [1], 'ground-truth': [1] } })
  })

  it('lets instances on a ClickHouse server share the work', () => {
    const plan = planAssignment([member('a', server(1)), member('b', server(5))], topics)
    expect(notices(plan)).toEqual({})
    expect(assignments(plan)['b']).toEqual({ predictions: [1], 'ground-truth': [1] })
  })

  it('keeps a server deployment running beside an embedded instance, whichever started first', () => {
    const later = planAssignment([member('s1', server(1_000)), member('s2', server(1_500)), member('e', chdb('p', 2_000))], topics)
    expect(assignments(later)['e']).toEqual({})
    expect(assignments(later)['s1']).toEqual({ predictions: [0, 2], 'ground-truth': [0, 2] })
    expect(notices(later)).toEqual({ e: { conflict: { members: 2, keptBy: 's1' } } })
    // A stray embedded instance (a laptop with KAFKA_BROKERS and the default group) that was there first.
    const earlier = planAssignment([member('s1', server(1_000)), member('s2', server(1_500)), member('e', chdb('p', 500))], topics)
    expect(assignments(earlier)['e']).toEqual({})
    expect(assignments(earlier)['s1']).toEqual({ predictions: [0, 2], 'ground-truth': [0, 2] })
    expect(notices(earlier)).toEqual({ e: { conflict: { members: 2, keptBy: 's1' } } })
  })

  it('does not compare the stores of other deployments', () => {
    const a = member('a', chdb('p1', 1_000), ['A.predictions'])
    const b = member('b', chdb('p2', 2_000), ['B.predictions'])
    const plan = planAssignment([a, b], new Map([['A.predictions', [0]], ['B.predictions', [0]]]))
    expect(notices(plan)).toEqual({})
    expect(assignments(plan)).toEqual({ a: { 'A.predictions': [0] }, b: { 'B.predictions': [0] } })
  })

  it('tolerates members that say nothing (an older driftwatch): no claims on a group without an embedded member', () => {
    const plan = planAssignment([member('old', null), member('new', server(1))], topics)
    expect(notices(plan)).toEqual({})
    expect(assignments(plan)).toEqual({ new: { predictions: [0, 2], 'ground-truth': [0, 2] }, old: { predictions: [1], 'ground-truth': [1] } })
  })

  it('gives an older member beside an embedded one nothing, and tells it nothing', () => {
    const plan = planAssignment([member('a-old', null), member('b-new', chdb('p', 5_000))], topics)
    expect(assignments(plan)).toEqual({ 'a-old': {}, 'b-new': all })
    expect(notices(plan)).toEqual({})
  })
})

describe('planAssignment: driftwatch.yaml', () => {
  const topics = new Map([['predictions', [0, 1, 2]], ['ground-truth', [0, 1, 2]]])

  it('tells each member how many run another file, and keeps everyone\'s partitions', () => {
    const plan = planAssignment([member('a', server(1, 'x')), member('b', server(1, 'x')), member('c', server(1, 'y')), member('d', null)], topics)
    expect(notices(plan)).toEqual({
      a: { configMismatch: { members: 4, differing: 1 } },
      b: { configMismatch: { members: 4, differing: 1 } },
      c: { configMismatch: { members: 4, differing: 2 } },
    })
    for (const id of ['a', 'b', 'c']) expect(Object.keys(assignments(plan)[id]!)).toEqual(['predictions', 'ground-truth'])
  })

  it('says nothing when every member that says anything runs the same file', () => {
    expect(notices(planAssignment([member('a', server(1, 'x')), member('b', null), member('c', server(1, 'x'))], topics))).toEqual({})
  })

  it('reports both a refusal and another file at once', () => {
    const plan = planAssignment([member('a', chdb('p1', 1, 'x')), member('b', chdb('p2', 2, 'y'))], topics)
    expect(notices(plan)).toEqual({
      a: { configMismatch: { members: 2, differing: 1 } },
      b: { conflict: { members: 1, keptBy: 'a' }, configMismatch: { members: 2, differing: 1 } },
    })
  })
})

describe('configFingerprint', () => {
  const base = 'models:\n  - id: m\n    window: 1h\n    features: { x: numerical, c: categorical }\n'

  it('ignores comments, layout and key order, and changes with any setting', () => {
    const same = parseFileConfig('# ours\nmodels:\n  - window: 60m\n    id: m\n    features:\n      c: categorical\n      x: numerical\n', 'b.yaml')
    expect(configFingerprint(same)).toBe(configFingerprint(parseFileConfig(base, 'a.yaml')))
    expect(configFingerprint(parseFileConfig(base.replace('1h', '1d'), 'c.yaml'))).not.toBe(configFingerprint(parseFileConfig(base, 'a.yaml')))
    expect(configFingerprint(parseFileConfig(`${base}ingest: { unknownModels: reject }\n`, 'd.yaml'))).not.toBe(configFingerprint(parseFileConfig(base, 'a.yaml')))
  })
})

describe('userData', () => {
  it('reads no identity or notice from empty, missing or foreign bytes', () => {
    for (const bytes of [Buffer.alloc(0), null, undefined, Buffer.from('not json'), Buffer.from('{"store":"disk","started":1,"config":"x"}'), Buffer.from('[1]')]) {
      expect(decodeIdentity(bytes)).toBeNull()
      expect(decodeNotice(bytes)).toBeNull()
    }
    expect(decodeIdentity(Buffer.from(JSON.stringify(chdb('p', 7, 'h'))))).toEqual(chdb('p', 7, 'h'))
  })
})

describe('coPartitionedAssigner', () => {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger
  /** The leader's client knows its own topics; a broker describes the others (and knows no `gone`). */
  const cluster = {
    findTopicPartitionMetadata: (t: string) => (t.startsWith('A.') ? [0, 1].map((partitionId) => ({ partitionId })) : []),
    findControllerBroker: async () => ({
      metadata: async ([t]: string[]) => {
        if (t === 'gone') throw new Error('This server does not host this topic-partition')
        return { brokers: [], topicMetadata: [{ topic: t, topicErrorCode: 0, partitionMetadata: [0, 1, 2].map((partitionId) => ({ partitionId })) }] }
      },
    }),
  } as unknown as Cluster
  const joined = (memberId: string, identity: MemberIdentity | null, topics: string[]) => {
    const { metadata } = coPartitionedAssigner(identity)({ cluster, groupId: 'g', logger: silent }).protocol({ topics })
    return { memberId, memberMetadata: metadata }
  }

  it('deals every member\'s subscribed topics, and tells a refused member why in its assignment', async () => {
    const assigner = coPartitionedAssigner(chdb('p1', 1))({ cluster, groupId: 'g', logger: silent })
    const members = [
      joined('a1', chdb('p1', 1), ['A.predictions', 'A.ground-truth']),
      joined('a2', chdb('p2', 2), ['A.predictions', 'A.ground-truth']),
      joined('b1', null, ['B.predictions', 'B.ground-truth', 'gone']),
      { memberId: 'x', memberMetadata: Buffer.alloc(0) },
    ]
    // kafkajs passes the leader's own subscription as `topics`.
    const out = await assigner.assign({ members, topics: ['A.predictions', 'A.ground-truth'] })
    const got = Object.fromEntries(out.map((m) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!
      return [m.memberId, { assignment: decoded.assignment, notice: decodeNotice(decoded.userData) }]
    }))
    expect(got).toEqual({
      a1: { assignment: { 'A.predictions': [0, 1], 'A.ground-truth': [0, 1] }, notice: null },
      a2: { assignment: {}, notice: { conflict: { members: 1, keptBy: 'a1' } } },
      b1: { assignment: { 'B.predictions': [0, 1, 2], 'B.ground-truth': [0, 1, 2] }, notice: null },
      x: { assignment: {}, notice: null },
    })
  })

  it('puts the identity in the subscription, and nothing without one', () => {
    const decode = (identity: MemberIdentity | null) => AssignerProtocol.MemberMetadata.decode(joined('m', identity, ['t']).memberMetadata)!
    expect(decodeIdentity(decode(server(3, 'h')).userData)).toEqual(server(3, 'h'))
    expect(decode(null).userData.length).toBe(0)
    expect(decode(null).topics).toEqual(['t'])
  })
})
