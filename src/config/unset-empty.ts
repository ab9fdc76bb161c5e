/**
 * An environment variable set to an empty value (or only spaces) counts as unset, for every
 * variable src/config reads: compose files pass optional settings on as `SLACK_WEBHOOK_URL:
 * ${SLACK_WEBHOOK_URL:-}`, which sets the variable to "" when the host has none, and that means
 * "not configured" (the default applies), not a value to refuse.
 */
export type Env = Readonly<Record<string, string | undefined>>

export function unsetEmpty(env: Env): Env {
  const set: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') set[name] = value
  return set
}
