/** The address's route, for the router (app.ts): one that cannot be decoded is not found. */
import { parseRoute, type Route } from './routes.js'

/** A malformed %-escape in the hash (`#/models/%E0%A4%A`) makes decodeURIComponent throw a URIError: the not-found page, not the error. */
export function routeOf(hash: string): Route {
  try {
    return parseRoute(hash)
  } catch (e) {
    if (e instanceof URIError) return { page: 'unknown' }
    throw e
  }
}
