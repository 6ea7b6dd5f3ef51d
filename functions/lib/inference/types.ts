/** What the rest of Vigil knows about a loaded model bundle. */
export interface ModelInfo {
  name: string;
  version: string;
  /** Index i is the label of logit i (config.json id2label). */
  labels: string[];
  /** Token budget including special tokens; longer inputs are truncated and flagged. */
  maxLength: number;
  hiddenSize: number;
}

/** One text's result: the label, the distribution, the pooled embedding and token statistics. */
export interface Prediction {
  label: string;
  score: number;
  probabilities: number[];
  embedding: Float32Array;
  tokenCount: number;
  truncated: boolean;
  unknownTokenRatio: number;
  /** The (truncated) input ids, special tokens included; kept in the log for token-level novelty. */
  tokenIds?: ArrayLike<number>;
}

export interface TextClassifier {
  readonly info: ModelInfo;
  predict(texts: readonly string[]): Promise<Prediction[]>;
}
