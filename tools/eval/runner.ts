/** Runs evaluations one after another and reports whether all of them passed. */
import type { Evaluation, EvaluationContext } from './types.ts';

export interface RunSummary {
  passed: boolean;
  failed: string[];
}

export async function runEvaluations(
  evaluations: readonly Evaluation[],
  context: EvaluationContext,
  print: (line: string) => void,
): Promise<RunSummary> {
  const failed: string[] = [];
  for (const evaluation of evaluations) {
    const started = performance.now();
    try {
      const result = await evaluation.run(context);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      print(`${result.passed ? 'PASS' : 'FAIL'} ${evaluation.name} (${seconds} s)`);
      for (const line of result.lines) print(`  ${line}`);
      if (!result.passed) failed.push(evaluation.name);
    } catch (err) {
      // One broken evaluation must not hide the results of the others.
      print(`FAIL ${evaluation.name}: ${(err as Error).message}`);
      failed.push(evaluation.name);
    }
  }
  return { passed: failed.length === 0, failed };
}
