/**
 * The errors of Node and of the clients that a user's setting or infrastructure causes, as the
 * DriftwatchErrors ./main.ts prints as one line (exit 2 for the user's mistake, 1 for
 * infrastructure); null for anything else, which is a bug.
 */
import { resolve, sep } from 'node:path'
import type { RuntimeConfig } from '../config/env.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { fileError } from './files.js'

/** kafkajs errors that say the brokers were not reached (or not in time). */
const KAFKA_UNREACHED = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSTimeout', 'KafkaJSNumberOfRetriesExceeded'])

/**
 * kafkajs names its errors KafkaJS…; one that gave up retrying carries the last error
 * (originalError), which decides. The brokers not reached: DW_KAFKA_UNAVAILABLE naming
 * KAFKA_BROKERS. Credentials refused: DW_CONFIG_INVALID naming the SASL settings. Anything else
 * Kafka answered (a topic or group it refused this client, ...): DW_KAFKA_UNAVAILABLE with Kafka's
 * reason. undefined: not a kafkajs error; null: a kafkajs retry around an error of ours, a bug.
 */
function kafkaError(e: unknown, config: RuntimeConfig | undefined): DriftwatchError | null | undefined {
  if (!(e instanceof Error) || !e.name.startsWith('KafkaJS')) return undefined
  let last: Error = e
  for (let i = 0; i < 5 && last.name === 'KafkaJSNumberOfRetriesExceeded'; i++) {
    const inner = (last as { originalError?: unknown }).originalError
    if (!(inner instanceof Error)) break
    if (!inner.name.startsWith('KafkaJS')) return null
    last = inner
  }
  const reason = last.message || last.name
  if (last.name === 'KafkaJSSASLAuthenticationError') {
    return new DriftwatchError('DW_CONFIG_INVALID', `Kafka refused this client's credentials: ${reason}: check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and the password`, { cause: e })
  }
  if (KAFKA_UNREACHED.has(last.name)) {
    const brokers = config?.kafka ? ` (${config.kafka.brokers.join(',')})` : ''
    return new DriftwatchError('DW_KAFKA_UNAVAILABLE', `Kafka: ${reason}: check KAFKA_BROKERS${brokers}, that the brokers run and that this machine reaches them`, { cause: e, retriable: true })
  }
  return new DriftwatchError('DW_KAFKA_UNAVAILABLE', `Kafka refused a request: ${reason} (${last.name}): check this client's permissions on the topics and the consumer group`, { cause: e })
}

/**
 * Node's and the clients' errors for the usual mistakes (a file that is a directory, a port in
 * use, an HTTP host that is not this machine's, Kafka unreachable) as DriftwatchErrors.
 */
export function asDriftwatchError(e: unknown, config: RuntimeConfig | undefined): DriftwatchError | null {
  const err = e as NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string }
  if (err?.code === 'EADDRINUSE') {
    return new DriftwatchError('DW_PORT_IN_USE', `${err.address ?? ''}:${err.port ?? ''} is already in use: stop what listens there, or set DRIFTWATCH_HTTP_PORT`)
  }
  // Binding the HTTP API: an address this machine does not have, or a name that does not resolve.
  if (err?.code === 'EADDRNOTAVAIL' && (err.syscall === 'listen' || err.syscall === 'bind')) {
    return new DriftwatchError('DW_CONFIG_INVALID', `DRIFTWATCH_HTTP_HOST: ${err.address ?? config?.http.host ?? ''} is not an address of this machine; set it to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`, { cause: e })
  }
  if ((err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') && config !== undefined && err.hostname === config.http.host) {
    return new DriftwatchError('DW_CONFIG_INVALID', `DRIFTWATCH_HTTP_HOST: ${config.http.host} does not resolve to an address of this machine; set it to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`, { cause: e })
  }
  const kafka = kafkaError(e, config)
  if (kafka !== undefined) return kafka
  // mkdir of a folder where a file of that name is.
  if (err?.code === 'EEXIST' && err.syscall === 'mkdir' && typeof err.path === 'string') {
    return new DriftwatchError('DW_FILE_UNWRITABLE', `cannot create the folder ${err.path}: a file of that name is in the way`, { cause: e, path: err.path })
  }
  if (typeof err?.path === 'string') {
    // A read-only file system, a full disk or a quota refuse writes only, whatever call met them.
    const writing = err.syscall === 'write' || err.syscall === 'mkdir' || err.code === 'EROFS' || err.code === 'ENOSPC' || err.code === 'EDQUOT'
    // In the data directory (a lock, the engine's files): named by the setting the user chose.
    const dataDir = config?.clickhouse.dataDir
    const inDataDir = dataDir !== undefined && (err.path === resolve(dataDir) || err.path.startsWith(`${resolve(dataDir)}${sep}`) || err.path.startsWith(`${dataDir}${sep}`))
    const what = inDataDir ? `DRIFTWATCH_DATA_DIR ${dataDir}: file` : 'file'
    const mapped = fileError(e, err.path, what, writing ? 'write' : 'read')
    if (isDriftwatchError(mapped)) return mapped
  }
  // A file error without a path (a read on an open descriptor): still the user's file.
  if (err?.code === 'EISDIR' || err?.code === 'EACCES' || err?.code === 'EPERM' || err?.code === 'ENOENT') {
    return new DriftwatchError('DW_FILE_INVALID', `a file could not be read: ${err.message}`)
  }
  return null
}
