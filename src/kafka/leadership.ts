/**
 * Leader election on Kafka's own group coordination, for the roles that must be active in exactly
 * one instance of a deployment (the evaluator and the alert service).
 *
 * One one-partition coordination topic (`<prefix>driftwatch-leader`, never written to) serves every
 * singleton role; each role has its own consumer group on it (`<groupId>.leader.<prefix><role>`,
 * leaderGroup). Every instance that runs the role joins the group; the group coordinator assigns
 * the one partition to exactly one member, and that member leads. The group's name carries the
 * topic prefix, so that deployments with other prefixes and one KAFKA_GROUP_ID elect one leader
 * each, and the assignment gives the partition only to a member subscribed to its topic (the
 * subscription-aware assigner of ./co-partitioned-assigner.ts: partition 0 goes to the subscriber
 * whose member id sorts first). kafkajs' round-robin assigner dealt the leader's own topic to
 * every member, so when the group was shared, a member of one deployment could be handed the
 * other's topic, which it ignores, and neither deployment had an evaluator. When the leader stops it leaves the group at once, and when it dies the
 * coordinator evicts it after the session timeout: either way the next rebalance hands the
 * partition, and so the role, to another member within seconds. No home-made consensus: the
 * broker's group protocol decides.
 *
 * On every rebalance the leader steps down first (the eager protocol revokes all partitions) and
 * steps up again if it is assigned the partition once more. Its lease ends the moment the
 * rebalance is seen, before it rejoins, so it ends before any other member can be elected; the
 * step-down itself (waiting for the role's side effects in flight) overlaps the successor's start,
 * which the roles allow for (src/alerts/dispatcher.ts: a row another leader is sending is deferred). A stalled leader (a pause longer than
 * the session timeout: a long collection, a blocked event loop, a suspended machine) has been
 * replaced by the time it runs again, and learns it only when its next heartbeat fails. Its
 * timers fire first, so the roles check `holdsLease()` before every side effect: leadership
 * counts only while the coordinator confirmed the membership within half the session timeout
 * (Lease), counted from when the confirming request was made, so that an answer handled after
 * the stall renews nothing. The window that remains is a stall between that
 * check and the effect itself; evaluations are versioned and alert deliveries recorded before
 * and after sending for it (docs/alerts.md).
 */
import { PartitionAssigners, type Admin, type Consumer, type Kafka } from 'kafkajs'
import type { Logger } from '../observability/logger.js'
import { coPartitionedAssigner } from './co-partitioned-assigner.js'

export type SingletonRole = 'evaluator' | 'alerts'

/** The coordination group's session timeout unless `sessionTimeoutMs` says otherwise. */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000

export interface LeadershipOptions {
  readonly kafka: Kafka
  readonly groupId: string
  readonly topicPrefix: string
  readonly role: SingletonRole
  readonly logger: Logger
  /** Called when this instance becomes the leader; resolves when the role runs. */
  readonly onElected: () => void | Promise<void>
  /** Called when it stops being the leader; resolves when the role has stopped. */
  readonly onDeposed: () => void | Promise<void>
  /** The coordinator evicts a silent member after this long (default DEFAULT_SESSION_TIMEOUT_MS). */
  readonly sessionTimeoutMs?: number
  readonly heartbeatIntervalMs?: number
}

export interface Leadership {
  readonly role: SingletonRole
  /** True while this instance leads the role, as far as it knows. */
  isLeader(): boolean
  /** True while it leads and its membership was confirmed recently (Lease): the test before a side effect. */
  holdsLease(): boolean
  /** Leaves the group (the role moves to another instance at once) after stepping down. */
  stop(): Promise<void>
}

/**
 * How long a confirmation of group membership (a join, a heartbeat answered) vouches for it. The
 * coordinator evicts a member whose heartbeats stopped for the session timeout, counted from
 * when it received the last one, which is before the answer came back: half the timeout leaves
 * room for that and for a slow broker. Elapsed time is read on the wall clock and on the
 * monotonic one, and the larger counts: the monotonic clock stands still while a machine is
 * suspended, and the wall clock may be set back.
 */
export class Lease {
  private wallMs = -Infinity
  private monoMs = -Infinity

  constructor(
    readonly validForMs: number,
    private readonly clocks: { wall(): number; mono(): number } = { wall: Date.now, mono: () => performance.now() },
  ) {}

  confirm(): void {
    this.confirmAt(this.clocks.wall())
  }

  /**
   * A confirmation dated `wallMs`, on the wall clock (when the request it answers was made):
   * its span counts from then on both clocks. A date ahead of the clock counts as now.
   */
  confirmAt(wallMs: number): void {
    const now = this.clocks.wall()
    this.wallMs = Math.min(wallMs, now)
    this.monoMs = this.clocks.mono() - (now - this.wallMs)
  }

  valid(): boolean {
    return Math.max(this.clocks.wall() - this.wallMs, this.clocks.mono() - this.monoMs) < this.validForMs
  }
}

export const leaderTopic = (prefix: string) => `${prefix}driftwatch-leader`
/**
 * The election group of a role. With no topic prefix (the default) it is `<groupId>.leader.<role>`,
 * as before the prefix was part of it; with one, a deployment that upgrades elects in a new group.
 */
export const leaderGroup = (groupId: string, topicPrefix: string, role: SingletonRole) => `${groupId}.leader.${topicPrefix}${role}`

async function ensureLeaderTopic(admin: Admin, topic: string): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return
  await admin
    .createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: -1 }] })
    .catch((e: { type?: string }) => {
      if (e.type !== 'TOPIC_ALREADY_EXISTS') throw e // another instance created it first
    })
}

export async function startLeadership(o: LeadershipOptions): Promise<Leadership> {
  const topic = leaderTopic(o.topicPrefix)
  const groupId = leaderGroup(o.groupId, o.topicPrefix, o.role)
  const log = o.logger.child({ component: 'leadership', role: o.role, groupId })
  const admin = o.kafka.admin()
  await admin.connect()
  try {
    await ensureLeaderTopic(admin, topic)
  } finally {
    await admin.disconnect()
  }

  let leading = false
  let stopping = false
  // Transitions run one after another, so a step-down has finished before a step-up starts.
  let transitions: Promise<void> = Promise.resolve()
  const become = (lead: boolean, why: string) => {
    transitions = transitions.then(async () => {
      if (lead && stopping) return
      if (lead === leading) return
      leading = lead
      log.info({ why }, lead ? `this instance now leads the ${o.role}` : `this instance no longer leads the ${o.role}`)
      try {
        await (lead ? o.onElected() : o.onDeposed())
      } catch (err) {
        log.error({ err }, `${o.role} ${lead ? 'start' : 'stop'} failed`)
      }
    })
    return transitions
  }

  const sessionTimeout = o.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS
  const lease = new Lease(sessionTimeout / 2)
  const consumer: Consumer = o.kafka.consumer({
    groupId,
    // Round-robin second: members of an older driftwatch offer only it, and a group uses a
    // protocol every member offers, so one group of old and new members still elects (rolling
    // upgrade of a deployment without a topic prefix, whose group name is unchanged).
    partitionAssigners: [coPartitionedAssigner(), PartitionAssigners.roundRobin],
    sessionTimeout,
    rebalanceTimeout: sessionTimeout,
    heartbeatInterval: o.heartbeatIntervalMs ?? 1_000,
    allowAutoTopicCreation: false,
    // The topic stays empty: fetches only wait, and the member heartbeats between them.
    maxWaitTimeInMs: 1_000,
  })
  // Whether the last assignment gave this member the partition, set in the event handlers
  // themselves. kafkajs does not wait for its listeners: on REBALANCE_IN_PROGRESS it emits
  // REBALANCING and rejoins at once, and the group may hand the partition to another member while
  // our step-down (which waits for the sends in flight) is still running. The lease therefore ends
  // here, synchronously, before the member rejoins: `become(false)` only stops the role.
  let assigned = false
  const revoke = (why: string) => {
    assigned = false
    void become(false, why)
  }
  // A confirmation counts from when its request was made, not from when its answer is handled:
  // a leader that stalls with an answer on the wire (a heartbeat written, then a pause longer than
  // the session timeout) handles it only once it runs again, after the coordinator evicted it and
  // elected another member. Stamped on arrival, that old answer renewed the lapsed lease for
  // another half session; dated by its request, it is as old as the stall. kafkajs emits a
  // request's REQUEST event (with createdAt, its Date.now() before it was written) when the answer
  // arrives, before the HEARTBEAT or GROUP_JOIN event it leads to. A confirmation without a dated
  // request (none seen) confirms nothing.
  const askedAt = { Heartbeat: -Infinity, SyncGroup: -Infinity }
  consumer.on(consumer.events.REQUEST, (e) => {
    const { apiName, createdAt } = e.payload
    if (apiName === 'Heartbeat' || apiName === 'SyncGroup') askedAt[apiName] = createdAt
  })
  consumer.on(consumer.events.HEARTBEAT, () => lease.confirmAt(askedAt.Heartbeat))
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    lease.confirmAt(askedAt.SyncGroup)
    assigned = (e.payload.memberAssignment[topic] ?? []).includes(0)
    void become(assigned, 'assigned the coordination partition')
  })
  consumer.on(consumer.events.REBALANCING, () => revoke('group rebalancing'))
  consumer.on(consumer.events.CRASH, () => revoke('coordination consumer crashed'))
  consumer.on(consumer.events.STOP, () => revoke('coordination consumer stopped'))

  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: false })
  await consumer.run({ autoCommit: false, eachMessage: async () => {} })

  return {
    role: o.role,
    isLeader: () => leading,
    holdsLease: () => leading && assigned && !stopping && lease.valid(),
    async stop() {
      // Step down before leaving, so the successor never overlaps a running role of ours.
      stopping = true
      await become(false, 'stopping')
      await consumer.disconnect()
    },
  }
}
