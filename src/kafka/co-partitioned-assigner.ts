/**
 * driftwatch's consumer-group assignment: it runs in the member the coordinator made the group's
 * leader, and sees every member's subscription.
 *
 * - **Subscriptions.** A topic's partitions go only to members subscribed to it. Deployments with
 *   other topic prefixes may share a group id (KAFKA_GROUP_ID defaults to `driftwatch`): kafkajs
 *   hands the assigner only the leader's own topics, and a member given a topic it did not
 *   subscribe to ignores it ("received unsubscribed topics"), so those partitions were consumed by
 *   nobody. The topics are the union of the members' subscriptions here.
 * - **Co-partitioning.** Among a topic's subscribers (sorted by member id), partition i goes to the
 *   (i mod n)-th, so topics with the same subscribers put partition i on one member: the instance
 *   that consumes predictions partition i also consumes ground-truth partition i (both keyed by
 *   prediction_id, same partition count). kafkajs's round-robin assigner deals topic-partitions in
 *   one list, so the two topics line up only when the partition count divides by the member count.
 * - **One store.** Members that subscribe to a common topic form one deployment, and must write to
 *   one database. An embedded (chDB) instance's database is its own process's, so a deployment
 *   whose members write to more than one store, one of them chDB, would hold part of the data in
 *   each. Then a ClickHouse server's members keep every partition (an embedded instance beside
 *   them is the mistake, even one started first: a stray laptop must not take a deployment over),
 *   or, among embedded stores alone, the store of the member started first does; every other
 *   member is given none and told so (DW_GROUP_SHARED_EMBEDDED_STORE), and stops. Members of one process
 *   share its chDB; members on a ClickHouse server are taken to share it (their URLs may differ
 *   for one server). A member that says nothing (an older driftwatch) is a store of its own that
 *   cannot start first, and is not told: it can only be given nothing.
 * - **One driftwatch.yaml.** Members of a deployment whose configuration fingerprints differ are
 *   told how many differ from their own (DW_GROUP_CONFIG_MISMATCH), and keep their partitions: a
 *   rolling change of the file has mixed members for a while.
 *
 * Wire format, both in the consumer protocol's `userData` bytes (JSON, UTF-8):
 *   subscription  {"store":"chdb"|"server","storeId":"<per process, chdb only>","started":<process start, epoch ms>,"config":"<fingerprint>"}
 *   assignment    {"conflict":{"members":<others in the deployment>,"keptBy":"<member id>"},"configMismatch":{"members":<n>,"differing":<k>}}
 *                 (each part only when it applies; no bytes when neither does)
 * The protocol name and version are unchanged, so members of an older driftwatch (no userData)
 * form one group with these.
 */
import { createHash, randomUUID } from 'node:crypto'
import { AssignerProtocol, type Cluster, type PartitionAssigner } from 'kafkajs'
import type { FileConfig } from '../config/file.js'

export const CO_PARTITIONED_ASSIGNER_NAME = 'DriftwatchCoPartitioned'

/** What a member says about itself in its subscription. */
export interface MemberIdentity {
  readonly store: 'chdb' | 'server'
  /** chDB only: the process whose engine it writes to (members of one process share it). */
  readonly storeId?: string
  /** When the process started (epoch ms): of embedded stores that may not share a group, the first one's keeps it. */
  readonly started: number
  /** configFingerprint of its driftwatch.yaml. */
  readonly config: string
}

export interface GroupMember {
  readonly memberId: string
  readonly topics: readonly string[]
  /** null: it said nothing (an older driftwatch) or nothing readable. */
  readonly identity: MemberIdentity | null
}

/** What the assignment tells a member besides its partitions. */
export interface MemberNotice {
  /** Its deployment mixes stores with an embedded one, and it is not the store that keeps the partitions. */
  readonly conflict?: { readonly members: number; readonly keptBy: string }
  /** `differing` of the deployment's `members` run another driftwatch.yaml than this member. */
  readonly configMismatch?: { readonly members: number; readonly differing: number }
}

export interface MemberPlan {
  readonly assignment: Record<string, number[]>
  readonly notice: MemberNotice | null
}

/** The one store of this process's chDB, and when the process started. */
const PROCESS_STORE_ID = randomUUID()
const PROCESS_STARTED = Math.round(Date.now() - process.uptime() * 1000)

/** A fingerprint of the parsed driftwatch.yaml: keys sorted, so neither comments, layout nor key order count. */
export function configFingerprint(file: FileConfig): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v
  return createHash('sha256').update(JSON.stringify(canonical(file))).digest('hex').slice(0, 16)
}

/** This process's identity in a data-topic group. */
export function memberIdentity(store: 'chdb' | 'server', file: FileConfig): MemberIdentity {
  return { store, ...(store === 'chdb' ? { storeId: PROCESS_STORE_ID } : {}), started: PROCESS_STARTED, config: configFingerprint(file) }
}

const json = (bytes: Buffer | null | undefined): unknown => {
  if (!bytes || bytes.length === 0) return null
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    return null
  }
}

export function decodeIdentity(userData: Buffer | null | undefined): MemberIdentity | null {
  const v = json(userData) as Partial<MemberIdentity> | null
  if (!v || (v.store !== 'chdb' && v.store !== 'server') || typeof v.started !== 'number' || typeof v.config !== 'string') return null
  return { store: v.store, ...(typeof v.storeId === 'string' ? { storeId: v.storeId } : {}), started: v.started, config: v.config }
}

export function decodeNotice(userData: Buffer | null | undefined): MemberNotice | null {
  const v = json(userData) as MemberNotice | null
  return v && typeof v === 'object' && (v.conflict || v.configMismatch) ? v : null
}

const storeKey = (m: GroupMember) => (m.identity === null ? `unknown:${m.memberId}` : m.identity.store === 'chdb' ? `chdb:${m.identity.storeId ?? m.memberId}` : 'server')

/** Members that share a topic, transitively: one deployment each. */
function deployments(members: readonly GroupMember[]): GroupMember[][] {
  const parent = members.map((_, i) => i)
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)))
  const firstOf = new Map<string, number>()
  for (const [i, m] of members.entries()) {
    for (const t of m.topics) {
      const j = firstOf.get(t)
      if (j === undefined) firstOf.set(t, i)
      else parent[root(i)] = root(j)
    }
  }
  const groups = new Map<number, GroupMember[]>()
  for (const [i, m] of members.entries()) groups.set(root(i), [...(groups.get(root(i)) ?? []), m])
  return [...groups.values()]
}

/** Pure core: each member's partitions and notice. */
export function planAssignment(members: readonly GroupMember[], partitionsByTopic: ReadonlyMap<string, readonly number[]>): Map<string, MemberPlan> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
  const notices = new Map<string, MemberNotice>()
  const eligible = new Set<string>()
  for (const deployment of deployments(sorted)) {
    const stores = new Set(deployment.map(storeKey))
    const known = deployment.filter((m) => m.identity !== null)
    // A ClickHouse server's members are the deployment: an embedded member beside them is the
    // mistake, whenever it started. Among embedded stores alone, the one started first keeps it.
    const serverFirst = (m: GroupMember) => (m.identity!.store === 'server' ? 0 : 1)
    const first = [...known].sort((a, b) => serverFirst(a) - serverFirst(b) || a.identity!.started - b.identity!.started || (a.memberId < b.memberId ? -1 : 1))[0]
    const split = stores.size > 1 && known.some((m) => m.identity!.store === 'chdb')
    const kept = split ? storeKey(first!) : null
    const hashes = new Set(known.map((m) => m.identity!.config))
    for (const m of deployment) {
      const notice: { conflict?: MemberNotice['conflict']; configMismatch?: MemberNotice['configMismatch'] } = {}
      if (kept === null || storeKey(m) === kept) eligible.add(m.memberId)
      else if (m.identity !== null) notice.conflict = { members: deployment.length - 1, keptBy: first!.memberId }
      if (hashes.size > 1 && m.identity !== null) {
        notice.configMismatch = { members: deployment.length, differing: known.filter((o) => o.identity!.config !== m.identity!.config).length }
      }
      if (notice.conflict || notice.configMismatch) notices.set(m.memberId, notice)
    }
  }
  const assignments = new Map<string, Record<string, number[]>>(sorted.map((m) => [m.memberId, {}]))
  for (const [topic, partitions] of partitionsByTopic) {
    const subscribers = sorted.filter((m) => eligible.has(m.memberId) && m.topics.includes(topic))
    if (subscribers.length === 0) continue
    for (const p of [...partitions].sort((a, b) => a - b)) {
      const member = assignments.get(subscribers[p % subscribers.length]!.memberId)!
      ;(member[topic] ??= []).push(p)
    }
  }
  return new Map(sorted.map((m) => [m.memberId, { assignment: assignments.get(m.memberId)!, notice: notices.get(m.memberId) ?? null }]))
}

/**
 * Partition ids of each topic. The leader's own topics are in its client's metadata (kafkajs
 * refreshed it before assigning); another deployment's are asked of a broker, without adding
 * them to what this client keeps refreshing. A topic that cannot be described gets no partitions.
 */
async function partitionIds(cluster: Cluster, own: ReadonlySet<string>, topics: readonly string[], warn: (message: string, extra: object) => void) {
  const out = new Map<string, number[]>()
  const foreign = topics.filter((t) => !own.has(t))
  for (const t of topics) if (own.has(t)) out.set(t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId))
  await Promise.all(
    foreign.map(async (t) => {
      try {
        const { topicMetadata } = await (await cluster.findControllerBroker()).metadata([t])
        out.set(t, topicMetadata.find((m) => m.topic === t)?.partitionMetadata.map((m) => m.partitionId) ?? [])
      } catch (e) {
        warn('a topic another member subscribed to could not be described; its partitions stay unassigned until the next rebalance', { topic: t, error: (e as Error).message })
      }
    }),
  )
  return out
}

/**
 * The assigner. `identity` goes into this member's subscription (the data-topic group); without
 * it (the leader-election groups) the member says nothing and no store or configuration is compared.
 */
export function coPartitionedAssigner(identity: MemberIdentity | null = null): PartitionAssigner {
  return ({ cluster, logger }) => ({
    name: CO_PARTITIONED_ASSIGNER_NAME,
    version: 0,
    async assign({ members, topics }) {
      const group: GroupMember[] = members.map(({ memberId, memberMetadata }) => {
        try {
          const m = AssignerProtocol.MemberMetadata.decode(memberMetadata)
          return { memberId, topics: m?.topics ?? [], identity: decodeIdentity(m?.userData) }
        } catch {
          return { memberId, topics: [], identity: null }
        }
      })
      const all = [...new Set(group.flatMap((m) => m.topics))]
      const plan = planAssignment(group, await partitionIds(cluster, new Set(topics), all, (message, extra) => logger.warn(message, extra)))
      return [...plan].map(([memberId, { assignment, notice }]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: notice ? Buffer.from(JSON.stringify(notice)) : Buffer.alloc(0) }),
      }))
    },
    protocol({ topics }) {
      const userData = identity ? Buffer.from(JSON.stringify(identity)) : Buffer.alloc(0)
      return { name: CO_PARTITIONED_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData }) }
    },
  })
}
