/**
 * One instance's leadership of the alerts role, in a process of its own, for
 * test/leadership-stall.test.ts. It prints a JSON line each time `holdsLease()` changes (checked
 * every 10 ms, and said once more at the first check after a stall) and when it is elected or
 * deposed. Told `stall` on stdin, it blocks its event loop
 * for STALL_MS right after it writes its next Heartbeat request: a pause (a long collection, a
 * SIGSTOP, a suspended machine) that lands while the coordinator's answer is on the wire.
 *
 *   node --import tsx test/support/leadership-stall-child.ts NAME BROKERS GROUP TOPIC_PREFIX
 */
import net from 'node:net'
import { Kafka, logLevel } from 'kafkajs'
import { startLeadership } from '../../src/kafka/leadership.js'
import { createLogger } from '../../src/observability/logger.js'

const [name, brokers, group, prefix] = process.argv.slice(2) as [string, string, string, string]
const STALL_MS = Number(process.env['STALL_MS'] ?? 15_000)
const HEARTBEAT_API_KEY = 12
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ name, t: Date.now(), ...line })}\n`)

let armed = false
/** Set after the stall: the next check says what it finds, even if unchanged. */
let stalled = false
const write = net.Socket.prototype.write
net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
  const written = (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
  // A Kafka request: its size (int32), then its API key (int16).
  if (armed && Buffer.isBuffer(chunk) && chunk.length >= 6 && chunk.readInt16BE(4) === HEARTBEAT_API_KEY) {
    armed = false
    say({ ev: 'stalled' })
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STALL_MS)
    say({ ev: 'resumed' })
    stalled = true
  }
  return written
}

const leadership = await startLeadership({
  kafka: new Kafka({ clientId: name, brokers: brokers.split(','), logLevel: logLevel.NOTHING }),
  groupId: group,
  topicPrefix: prefix,
  role: 'alerts',
  logger: createLogger('silent'),
  onElected: () => void say({ ev: 'elected' }),
  onDeposed: () => void say({ ev: 'deposed' }),
})
let holds = false
setInterval(() => {
  if (leadership.holdsLease() === holds && !stalled) return
  stalled = false
  holds = leadership.holdsLease()
  say({ holds })
}, 10)
process.stdin.on('data', (d) => {
  if (String(d).includes('stall')) armed = true
  if (String(d).includes('exit')) void leadership.stop().then(() => process.exit(0))
})
say({ ev: 'started' })
