/**
 * The status of a binary row (calibration drift, fairness) with no figure because the positive
 * class occurs nowhere on a side (./compute.ts positiveClassAbsent): like 'insufficient', no
 * verdict and no value an alert rule can read; unlike it, the cure is the model's positiveClass
 * in driftwatch.yaml, not more rows.
 */
export const NO_POSITIVE_CLASS = 'no_positive_class'
