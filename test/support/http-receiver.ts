/**
 * A local HTTP receiver standing in for a Slack webhook or the Grafana API (127.0.0.1, an
 * ephemeral port). It records every request; `fail(status)` makes it answer with an error,
 * `down()` closes the listener so connections are refused, `up()` listens on the same port again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage['headers']
  readonly body: unknown
  readonly status: number
  readonly at: number
}

export type Handler = (req: { method: string; path: string; body: unknown }) => { status: number; body: unknown }

export class HttpReceiver {
  readonly requests: ReceivedRequest[] = []
  private server: Server | null = null
  private port = 0
  private failing: number | null = null

  constructor(private readonly handler: Handler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Requests answered with 2xx. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status < 300)
  }

  fail(status: number | null): void {
    this.failing = status
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  async down(): Promise<void> {
    const server = this.server
    this.server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: unknown = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // not JSON: keep the text
    }
    const url = new URL(req.url ?? '/', 'http://x')
    const reply = this.failing !== null ? { status: this.failing, body: 'unavailable' } : this.handler({ method: req.method ?? '', path: `${url.pathname}${url.search}`, body })
    this.requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, headers: req.headers, body, status: reply.status, at: Date.now() })
    const out = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
    res.writeHead(reply.status, { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json' }).end(out)
  }
}

/** Slack's incoming webhook answers a good message with 200 "ok". */
export const slackReceiver = () => new HttpReceiver(() => ({ status: 200, body: 'ok' }))

/** Grafana's annotations API: POST stores, GET finds by dashboardUID and tags. */
export function grafanaReceiver(): HttpReceiver & { annotations: { id: number; tags: string[]; dashboardUID: string }[] } {
  const annotations: { id: number; tags: string[]; dashboardUID: string }[] = []
  const r = new HttpReceiver(({ method, path, body }) => {
    if (method === 'POST' && path === '/api/annotations') {
      const a = body as { tags: string[]; dashboardUID: string }
      annotations.push({ id: annotations.length + 1, ...a })
      return { status: 200, body: { id: annotations.length, message: 'Annotation added' } }
    }
    if (method === 'GET' && path.startsWith('/api/annotations?')) {
      const q = new URL(path, 'http://x').searchParams
      const tags = q.getAll('tags')
      return { status: 200, body: annotations.filter((a) => a.dashboardUID === q.get('dashboardUID') && tags.every((t) => a.tags.includes(t))) }
    }
    return { status: 404, body: { message: 'not found' } }
  })
  return Object.assign(r, { annotations })
}
