/** Every evaluation `npm run eval` runs, in order; a new evaluation is one file plus one entry here. */
import { createModelAccuracyEvaluation } from './model-accuracy.ts';
import { createMonitorAdmixtureEvaluation } from './monitor-admixture.ts';
import { createMonitorFalseAlarmsEvaluation } from './monitor-false-alarms.ts';
import { createMonitorPowerEvaluation } from './monitor-power.ts';
import type { Evaluation } from './types.ts';

export const EVALUATIONS: readonly Evaluation[] = [
  createModelAccuracyEvaluation(),
  createMonitorFalseAlarmsEvaluation(),
  createMonitorPowerEvaluation(),
  createMonitorAdmixtureEvaluation(),
];
