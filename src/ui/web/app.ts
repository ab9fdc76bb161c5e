/**
 * The web UI: a hash router over five pages, each built from the read API's JSON, then its
 * charts drawn. The token box keeps a read token in sessionStorage.
 *
 * A page says when its data was loaded, and is loaded again: when its own link in the navigation
 * bar (or "refresh") is clicked, and every REFRESH_MS while the tab is visible (a hidden tab waits
 * until it is shown again). A refresh builds the new page off screen, with the parts it fills in
 * later (see whenLoaded), and swaps it in whole at the same scroll position, so nothing blinks; a
 * refresh never starts while another load is under way, and a navigation discards a refresh.
 */
import { utcTime } from '../figures.js'
import { ApiError, getToken, setToken } from './api.js'
import { drawAll, releaseAll } from './charts.js'
import { h, loaded } from './dom.js'
import { alertsPage } from './pages/alerts.js'
import { modelPage } from './pages/model.js'
import { overviewPage } from './pages/overview.js'
import { pipelinePage } from './pages/pipeline.js'
import { windowPage } from './pages/window.js'
import { routeOf } from './route-of.js'

const REFRESH_MS = 60_000
/** How often a visible tab checks whether its page is due. */
const CHECK_MS = 5_000

const main = document.querySelector('main')!
const loadedAt = document.querySelector<HTMLElement>('#loaded-at')!

/** Bumped by every load: a load whose number is no longer current was overtaken and is dropped. */
let generation = 0
let loading = 0
/** When the page shown was loaded (ms); null while the token box is shown (nothing to refresh). */
let loadedAtMs: number | null = null

function tokenBox(message: string): HTMLElement {
  const input = h('input', { type: 'password', name: 'token', placeholder: 'read token', autocomplete: 'off', 'aria-label': 'API token' })
  const form = h('form', { class: 'token' }, h('p', {}, message), input, h('button', { type: 'submit' }, 'Use token'))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    setToken(input.value)
    void render('navigate')
  })
  return form
}

async function page(): Promise<HTMLElement> {
  const route = routeOf(location.hash)
  switch (route.page) {
    case 'overview': return overviewPage()
    case 'alerts': return alertsPage()
    case 'pipeline': return pipelinePage(route.query)
    case 'model': return modelPage(route.model, route.query)
    case 'window': return windowPage(route.model, route.start, route.query)
    default: return h('section', { 'data-page': 'unknown' }, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the models')))
  }
}

const refused = (e: unknown): e is ApiError => e instanceof ApiError && (e.status === 401 || e.status === 403)
const errorText = (e: unknown) => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e))

function showLoadedAt(ms: number, failure?: string): void {
  loadedAt.dataset['loadedAt'] = new Date(ms).toISOString()
  loadedAt.textContent = failure === undefined ? `loaded at ${utcTime(new Date(ms).toISOString(), true)}` : `${failure} (page loaded at ${utcTime(new Date(ms).toISOString(), true)})`
  loadedAt.classList.toggle('error', failure !== undefined)
}

/** The open/closed state of the page's folded parts (figures tables), to keep across a refresh. */
const foldState = () => [...main.querySelectorAll('details')].map((d) => d.open)

/**
 * 'navigate': a new page (hash change, token entered), shown as soon as its main data is in.
 * 'refresh': the same page again, swapped in complete, at the same scroll position; skipped while
 * another load is under way (that one brings fresh data anyway). A failed refresh keeps the page
 * and says so beside its time.
 */
async function render(mode: 'navigate' | 'refresh'): Promise<void> {
  if (mode === 'refresh' && loading > 0) return
  const mine = ++generation
  loading++
  document.body.dataset['state'] = mode === 'refresh' ? 'refreshing' : 'loading'
  try {
    let content: HTMLElement
    let isPage = true
    try {
      content = await page()
      if (mode === 'refresh') await loaded(content)
    } catch (e) {
      if (mode === 'refresh' && !refused(e)) {
        if (mine === generation) showLoadedAt(loadedAtMs ?? Date.now(), `could not refresh at ${utcTime(new Date().toISOString(), true)}: ${errorText(e)}`)
        return
      }
      isPage = !refused(e)
      content = refused(e)
        ? tokenBox(getToken() ? `This token was refused (${e.code}): enter a token with the read role.` : 'This server needs an API token with the read role.')
        : h('section', { 'data-page': 'error' }, h('h1', {}, 'Could not load this page'), h('p', { class: 'error' }, errorText(e)))
    }
    if (mine !== generation) return
    const scrollY = window.scrollY
    const folds = foldState()
    releaseAll(main)
    main.replaceChildren(content)
    if (mode === 'refresh') {
      const now = [...main.querySelectorAll('details')]
      if (now.length === folds.length) now.forEach((d, i) => (d.open = folds[i]!))
    }
    drawAll(main)
    if (mode === 'refresh') window.scrollTo(window.scrollX, scrollY)
    // A new page takes the focus to its heading: otherwise it stays on an element the page
    // replaced, which leaves it on the body, and a keyboard or screen-reader user starts over.
    else focusHeading()
    loadedAtMs = isPage ? Date.now() : null
    if (loadedAtMs === null) {
      loadedAt.textContent = ''
      delete loadedAt.dataset['loadedAt']
    } else showLoadedAt(loadedAtMs)
  } finally {
    loading--
    if (mine === generation) document.body.dataset['state'] = 'ready'
  }
}

function focusHeading(): void {
  const heading = main.querySelector<HTMLElement>('h1')
  if (!heading) return
  heading.tabIndex = -1
  heading.focus({ preventScroll: true })
}

const currentHash = () => (location.hash === '' ? '#/' : location.hash)

// The navigation link of the page shown reloads it (the browser fires no hashchange for it).
for (const a of document.querySelectorAll<HTMLAnchorElement>('header a[data-nav]')) {
  a.addEventListener('click', (e) => {
    if (a.getAttribute('href') !== currentHash()) return
    e.preventDefault()
    void render('refresh')
  })
}
document.querySelector('#refresh')?.addEventListener('click', () => void render('refresh'))
document.querySelector('#token-link')?.addEventListener('click', (e) => {
  e.preventDefault()
  generation++
  document.body.dataset['state'] = 'ready'
  loadedAtMs = null
  loadedAt.textContent = ''
  main.replaceChildren(tokenBox(getToken() ? 'A token is set for this tab. Enter another, or leave empty to forget it.' : 'Enter an API token with the read role.'))
})

const due = () => loadedAtMs !== null && !document.hidden && Date.now() - loadedAtMs >= REFRESH_MS
setInterval(() => {
  if (due()) void render('refresh')
}, CHECK_MS)
document.addEventListener('visibilitychange', () => {
  if (due()) void render('refresh')
})
window.addEventListener('hashchange', () => void render('navigate'))
void render('navigate')
