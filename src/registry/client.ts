/**
 * The schema registry client, with a bound on how long a request may go unanswered. Used by the
 * service (src/app.ts) and the producer client (src/client/prediction-logger.ts).
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { guardedTypes } from '../ingest/schemas.js'
import { DriftwatchError, describeError } from '../errors.js'

/**
 * How long a registry request may go without an answer. The client's HTTP layer (mappersmith)
 * sets no timeout, so a registry that accepted the connection and never answered held startApp
 * (registering the schemas) and the decode of every new schema id forever. mappersmith reports a
 * timed-out request as a client-side failure, status 400, which registerSchemas
 * (src/pipeline/publisher.ts) and classifyRegistryFailure (src/registry/resolvers.ts) turn into a
 * retriable DW_REGISTRY_UNAVAILABLE; the client's retry middleware retries only 5xx, and
 * registerSchemas starts no new try once half of this has passed, so a silent registry holds a
 * start about this long. It bounds silence on the socket (http's setTimeout), not the length of an
 * answer that keeps arriving.
 */
export const REGISTRY_REQUEST_TIMEOUT_MS = 10_000

type RegistryMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number]

/**
 * mappersmith's TimeoutMiddleware (mappersmith/middleware/timeout), written out: imported from
 * this ES module it is mappersmith's ESM build, whose Request type is not the one of the CommonJS
 * build the registry client runs on, and mappersmith is not a dependency of ours.
 */
const requestTimeout = (timeoutMs: number): RegistryMiddleware => () => ({
  async prepareRequest(next) {
    const request = await next()
    return request.timeout() ? request : request.enhance({ timeout: timeoutMs })
  },
})

/**
 * The registry's answers that refuse this client's credentials: 401 (none sent, or not valid) and
 * 403 (valid, but not allowed). The same credentials go with every request, so no retry cures
 * them: an operator has to change the URL or the registry's permissions.
 */
const CREDENTIALS_REFUSED: ReadonlySet<number> = new Set([401, 403])

/**
 * The error of a request whose credentials the registry refused (CREDENTIALS_REFUSED):
 * DW_CONFIG_INVALID, not retriable, as Kafka's refused SASL credentials are (src/cli/known-errors.ts),
 * naming the registry without the user, password or query of its URL, and `setting`, where the
 * user sets that URL.
 */
function credentialsRefusedError(registryUrl: string, setting: string, status: number, request: string, cause: unknown): DriftwatchError {
  let where = 'the registry URL'
  let sent = false
  try {
    const url = new URL(registryUrl)
    where = `${url.origin}${url.pathname}`
    sent = url.username !== '' || url.password !== ''
  } catch {
    // not a URL: the client could not have sent the request
  }
  const check =
    status === 403
      ? `give the registry user of ${setting} the right to read and write driftwatch's subjects, or set another user there`
      : sent
        ? `check the user and password in ${setting} (https://user:password@host/...)`
        : `the registry wants credentials: put a user and password in ${setting} (https://user:password@host/...)`
  const what = status === 403 ? "refused this client's request" : "refused this client's credentials"
  return new DriftwatchError('DW_CONFIG_INVALID', `the schema registry at ${where} ${what} (HTTP ${status} on ${request}): ${check}`, { cause, status })
}

/**
 * Turns the registry client's error for an answer in CREDENTIALS_REFUSED into
 * credentialsRefusedError's, on every request the client makes: the start-up's subject levels
 * and registrations (src/registry/compatibility.ts, src/pipeline/publisher.ts, which pass an
 * error without a status on unchanged and do not retry it) and the lookups of writer schemas while
 * consuming (./resolvers.ts). The client's own middlewares run inside this one: its error
 * middleware has made the answer a ResponseError with the status, and its retries (5xx only) are
 * over.
 */
const credentialsRefused = (registryUrl: string, setting: string): RegistryMiddleware => () => ({
  async response(next, _renew, request) {
    try {
      return await next()
    } catch (e) {
      const status = registryStatusOf(e)
      if (status === null || !CREDENTIALS_REFUSED.has(status)) throw e
      throw credentialsRefusedError(registryUrl, setting, status, `${request.method().toUpperCase()} ${request.path()}`, e)
    }
  },
})

/**
 * The registry client of Kafka mode. The writer schemas it parses read as driftwatch's own do
 * (src/ingest/schemas.ts guardedTypes): a field the reader skips cannot hold the event loop with a
 * block count larger than the record. Credentials the registry refuses fail the request with
 * DW_CONFIG_INVALID (credentialsRefused), naming `setting`: where the user sets the URL.
 */
export function schemaRegistryClient(registryUrl: string, setting = 'SCHEMA_REGISTRY_URL'): SchemaRegistry {
  return new SchemaRegistry(
    { host: registryUrl, middlewares: [requestTimeout(REGISTRY_REQUEST_TIMEOUT_MS), credentialsRefused(registryUrl, setting)] },
    { [SchemaType.AVRO]: { typeHook: guardedTypes } },
  )
}

/**
 * What the registry client threw, as text. The client writes an answer's body into its message as
 * is, and a JSON body without a `message` (a 404 from a path that is not the Confluent API)
 * comes out as "[object Object]": that part is left out.
 */
export function registryErrorText(e: unknown): string {
  return describeError(e).replaceAll(': [object Object]', '')
}

/**
 * The HTTP status of what the registry client threw: its ResponseError carries it (400 for a request
 * that got no answer, see REGISTRY_REQUEST_TIMEOUT_MS). null for anything else: an error the client
 * raised itself, or a bug.
 */
export function registryStatusOf(e: unknown): number | null {
  try {
    const status = (e as { status?: unknown } | null)?.status
    return typeof status === 'number' ? status : null
  } catch {
    return null
  }
}

/**
 * A registry URL ready for fetch, which refuses credentials in the URL (https://user:pass@host):
 * they become a Basic authorization header and leave the URL. `path` is appended to the base.
 */
export function registryRequest(registryUrl: string, path: string, accept: string): { url: URL; headers: Record<string, string> } {
  const url = new URL(`${registryUrl.replace(/\/+$/, '')}${path}`)
  const headers: Record<string, string> = { accept }
  if (url.username || url.password) {
    headers['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  return { url, headers }
}
