/**
 * `npm run eval -- --datasets DIR [--only NAME]`: runs the evaluations in tools/eval/evaluations.ts
 * against public datasets kept outside the repository; exits 1 when any of them fails.
 */
import { parseArgs } from 'node:util';
import { EVALUATIONS } from './eval/evaluations.ts';
import { runEvaluations } from './eval/runner.ts';

const { values } = parseArgs({
  options: { datasets: { type: 'string' }, only: { type: 'string', multiple: true } },
});
if (!values.datasets) {
  console.error('DATASETS_DIR_REQUIRED: usage: npm run eval -- --datasets DIR [--only NAME]');
  process.exit(2);
}
const only = values.only;
const selected = only ? EVALUATIONS.filter((e) => only.includes(e.name)) : EVALUATIONS;
if (selected.length === 0) {
  console.error(
    `EVALUATION_UNKNOWN: none of ${only?.join(', ')}; known: ${EVALUATIONS.map((e) => e.name).join(', ')}`,
  );
  process.exit(2);
}
const summary = await runEvaluations(selected, { datasetsDir: values.datasets }, (line) => console.log(line));
console.log(
  summary.passed ? `all ${selected.length} evaluation(s) passed` : `failed: ${summary.failed.join(', ')}`,
);
process.exit(summary.passed ? 0 : 1);
