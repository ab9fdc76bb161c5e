/** Hash routes: #/, #/models/{model}?version=&variant=, #/models/{model}/windows/{start}?version=, #/alerts, #/pipeline?from=&to=&topic=&code=&model=. */
const enc = encodeURIComponent

export const modelHref = (model: string, query: Record<string, string> = {}): string => {
  const q = new URLSearchParams(query).toString()
  return `#/models/${enc(model)}${q ? `?${q}` : ''}`
}
export const windowHref = (model: string, start: string, version: string): string =>
  `#/models/${enc(model)}/windows/${enc(start)}?${new URLSearchParams({ version })}`

/** The dead letters page; filters left undefined are left out. */
export const pipelineHref = (query: Record<string, string | undefined> = {}): string => {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString()
  return `#/pipeline${q ? `?${q}` : ''}`
}

export type Route =
  | { page: 'overview' }
  | { page: 'alerts' }
  | { page: 'pipeline'; query: URLSearchParams }
  | { page: 'model'; model: string; query: URLSearchParams }
  | { page: 'window'; model: string; start: string; query: URLSearchParams }
  | { page: 'unknown' }

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2)
  const query = new URLSearchParams(search)
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent)
  if (parts.length === 0) return { page: 'overview' }
  if (parts.length === 1 && parts[0] === 'alerts') return { page: 'alerts' }
  if (parts.length === 1 && parts[0] === 'pipeline') return { page: 'pipeline', query }
  if (parts[0] === 'models' && parts.length === 2) return { page: 'model', model: parts[1]!, query }
  if (parts[0] === 'models' && parts.length === 4 && parts[2] === 'windows') return { page: 'window', model: parts[1]!, start: parts[3]!, query }
  return { page: 'unknown' }
}
