/** Waiting for a consumer group to commit every record of the bench's topics. */
import type { Admin } from 'kafkajs'

/** Resolves once the offsets `groupId` committed on `topics` add up to `records` (polled every 50 ms). */
export async function waitForCommits(admin: Admin, groupId: string, topics: readonly string[], records: number): Promise<void> {
  for (;;) {
    const offsets = await admin.fetchOffsets({ groupId, topics: [...topics] })
    if (offsets.flatMap((t) => t.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) >= records) return
    await new Promise((r) => setTimeout(r, 50))
  }
}
