/** One evaluation `npm run eval` runs: a name and a check that passes or fails with printable lines. */

export interface EvaluationContext {
  /** Folder with the public datasets (see the README); never inside the repository. */
  datasetsDir: string;
}

export interface EvaluationResult {
  passed: boolean;
  lines: string[];
}

export interface Evaluation {
  name: string;
  run(context: EvaluationContext): Promise<EvaluationResult>;
}
