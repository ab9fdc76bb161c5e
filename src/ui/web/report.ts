/** The script inlined into `driftwatch report --format html`: draws the charts the page describes. */
import { drawAll } from './charts.js'

document.body.dataset['charts'] = String(drawAll(document))
