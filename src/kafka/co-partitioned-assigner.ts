/**
 * Consumer-group assignment that keeps partition numbers together: partition i of every
 * subscribed topic goes to the same member, so the instance that consumes predictions partition
 * i also consumes ground-truth partition i (both keyed by prediction_id, same partition count).
 * kafkajs's round-robin assigner does not guarantee that (it deals topic-partitions in one list,
 * so the two topics line up only when the partition count divides by the member count).
 */
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs'

export const CO_PARTITIONED_ASSIGNER_NAME = 'DriftwatchCoPartitioned'

/** Pure core: partition number i -> the (i mod members)-th member in sorted order. */
export function coPartitionedAssignment(memberIds: readonly string[], partitionsByTopic: ReadonlyMap<string, readonly number[]>): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort()
  const out = new Map<string, Record<string, number[]>>(members.map((m) => [m, {}]))
  if (members.length === 0) return out
  for (const [topic, partitions] of partitionsByTopic) {
    for (const p of [...partitions].sort((a, b) => a - b)) {
      const member = out.get(members[p % members.length]!)!
      ;(member[topic] ??= []).push(p)
    }
  }
  return out
}

export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED_ASSIGNER_NAME,
  version: 0,
  async assign({ members, topics }) {
    const partitions = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId)]))
    const assignment = coPartitionedAssignment(members.map((m) => m.memberId), partitions)
    return [...assignment].map(([memberId, a]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: a, userData: Buffer.alloc(0) }),
    }))
  },
  protocol({ topics }) {
    return { name: CO_PARTITIONED_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }
  },
})
