/**
 * The status of a window's dataset_drift row when the window was compared with no reference: the
 * reference held no predictions (a model's first window, a fixed `reference: { from, to }` period
 * whose raw rows retention.raw removed, a baseline reference with no stored profile). The window
 * then has no drift rows, and its dataset row has no share (nan) and no feature (n_features 0).
 * Unlike 'insufficient' (features compared, too few rows on a side), nothing was compared; like
 * it, there is no verdict and no value an alert rule can read.
 */
export const NO_REFERENCE = 'no_reference'
