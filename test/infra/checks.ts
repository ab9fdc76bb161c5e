/** Reachability checks that fail with a message saying what is missing, never a silent skip. */
import { Kafka, logLevel } from 'kafkajs'

export async function checkKafka(brokers: string): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin()
  try {
    await admin.connect()
    await admin.listTopics()
  } catch (e) {
    throw new Error(`integration tests: Kafka at ${brokers} is not reachable: ${(e as Error).message}`)
  } finally {
    await admin.disconnect()
  }
}

export async function checkRegistry(url: string): Promise<void> {
  try {
    const res = await fetch(`${url.replace(/\/$/, '')}/subjects`)
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
  } catch (e) {
    throw new Error(`integration tests: schema registry at ${url} is not reachable: ${(e as Error).message}`)
  }
}
