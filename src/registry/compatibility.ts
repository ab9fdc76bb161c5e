/**
 * The compatibility rule of driftwatch's subjects (`<topic>-value`).
 *
 * driftwatch reads every record with its own schema (schemas/*.avsc), the schema of the release
 * that runs: it is an old reader of whatever producers write later. The rule that protects such a
 * reader is FORWARD (data written with a new version can be read with the previous one), and
 * FORWARD_TRANSITIVE extends that to every earlier version, driftwatch's among them. BACKWARD,
 * a common registry default, protects new readers of old data instead, and lets through changes
 * driftwatch then cannot read at all (a nullable field it requires, a removed field
 * with no default) or read wrongly. FULL_TRANSITIVE is FORWARD_TRANSITIVE and more, so a subject
 * an operator set to it is left as it is. docs/events.md lists what producers may change.
 */
import { COMPATIBILITY, type SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import { registryStatusOf } from './client.js'
import { isRetriableRegistryStatus } from './resolvers.js'

export const SUBJECT_COMPATIBILITY = COMPATIBILITY.FORWARD_TRANSITIVE

/** Levels under which every version of a subject can be read with every earlier one. */
const READABLE_BY_EARLIER: ReadonlySet<string> = new Set([COMPATIBILITY.FORWARD_TRANSITIVE, COMPATIBILITY.FULL_TRANSITIVE])

/**
 * The registry client's subject-config endpoints (GET and PUT /config/{subject}). They are not
 * part of @kafkajs/confluent-schema-registry's public API, which only sets a level on a subject's
 * first registration and refuses to register under any other level than the one asked for; going
 * through its client keeps its host, credentials and request timeout (./client.ts).
 */
interface SubjectConfigApi {
  Subject: {
    config(args: { subject: string }): Promise<{ data(): { compatibilityLevel?: string } }>
    updateConfig(args: { subject: string; body: { compatibility: string } }): Promise<unknown>
  }
}

/** The subject's own level, upper-cased; undefined where it has none (404: no subject yet, or the registry-wide default applies). */
async function subjectLevel(api: SubjectConfigApi, subject: string): Promise<string | undefined> {
  try {
    return (await api.Subject.config({ subject })).data().compatibilityLevel?.toUpperCase()
  } catch (e) {
    if (registryStatusOf(e) !== 404) throw e
    return undefined
  }
}

const readableByEarlier = (level: string | undefined): level is COMPATIBILITY => level !== undefined && READABLE_BY_EARLIER.has(level)

/**
 * Makes the subject's level one that keeps it readable by driftwatch's schema, and returns it:
 * the subject's own level when that is FORWARD_TRANSITIVE or FULL_TRANSITIVE, otherwise
 * FORWARD_TRANSITIVE, set on the subject. That includes a subject that already holds versions
 * under another level (BACKWARD, say): the registry checks each version registered from then on
 * against all of them.
 *
 * Instances started together on a fresh subject each find no level and each set one. Apicurio
 * creates the subject's COMPATIBILITY rule on the first PUT and refuses the others (409, "A rule
 * named 'COMPATIBILITY' already exists"); a PUT the registry refused is therefore followed by a
 * second read, and a level readable by driftwatch's schema found then is taken. Any other failure
 * is thrown as the client threw it: registerSchemas (src/pipeline/publisher.ts) retries and
 * classifies. No second read follows a failure that got no answer or a 5xx: the retry reads again.
 */
export async function ensureSubjectCompatibility(registry: SchemaRegistry, subject: string): Promise<COMPATIBILITY> {
  const api = (registry as unknown as { api: SubjectConfigApi }).api
  const level = await subjectLevel(api, subject)
  if (readableByEarlier(level)) return level
  try {
    await api.Subject.updateConfig({ subject, body: { compatibility: SUBJECT_COMPATIBILITY } })
  } catch (refused) {
    const status = registryStatusOf(refused)
    if (status === null || isRetriableRegistryStatus(status)) throw refused
    const meanwhile = await subjectLevel(api, subject).catch(() => undefined)
    if (readableByEarlier(meanwhile)) return meanwhile
    throw refused
  }
  return SUBJECT_COMPATIBILITY
}
