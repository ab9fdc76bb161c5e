/**
 * A window's health in words: shared with `driftwatch status`, so it lives beside the chart spec
 * (../health.ts, pure and DOM-free). Re-exported here for the pages that import it from web/.
 */
export { boundOf, driftHealth, fairnessHealth, featureHealth, FOUR_FIFTHS, fourFifths, qualityHealth, type Health } from '../health.js'
