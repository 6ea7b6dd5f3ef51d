/** The report's novelty section and characteristic words (checks/novelty.ts, checks/characteristic-words.ts). */

export interface NoveltySpaceSummary {
  /** `model_token_ids` or `words` for tokens; `cosine_knn` for embeddings. */
  basis: string;
  /** Current records scored. */
  tested: number;
  /** Held-out reference records that gave the null distribution. */
  calibration: number;
  /** The calibration quantile a record must pass to count as unlike the reference. */
  threshold: number;
  /** Current records above it. */
  exceed: number;
  /** Share expected above it without drift. */
  expectedShare: number;
  tailPValue: number;
  rankAuc: number;
  rankPValue: number;
}

export interface NoveltyRecord {
  id: string;
  text: string | null;
  label: string;
  /** Mean surprisal in bits per token; null without tokens. */
  tokenScore: number | null;
  /** Mean cosine distance to the k nearest reference embeddings. */
  embeddingScore: number | null;
  /** Conformal p-values against the calibration part (small = unlike the reference). */
  tokenPValue: number | null;
  embeddingPValue: number | null;
  /** 1 - the smaller conformal p-value: near 1 is unlike anything in the reference. */
  novelty: number;
  /** Above the calibration quantile in either space. */
  novel: boolean;
}

export interface NoveltyReport {
  /** Share of calibration records above the threshold by construction (1 - the quantile). */
  tailShare: number;
  /** Reference records the word frequencies and neighbours were fitted on. */
  fitSize: number;
  spaces: { tokens?: NoveltySpaceSummary; embeddings?: NoveltySpaceSummary };
  /** The most novel sampled current records, most novel first. */
  records: NoveltyRecord[];
}

export interface CharacteristicWord {
  word: string;
  /** Occurrences in the sampled current texts. */
  current: number;
  /** Occurrences in the sampled reference texts. */
  reference: number;
  /** Log-odds ratio (current over reference) and its z-score. */
  logOdds: number;
  z: number;
}

export interface CharacteristicWords {
  method: 'log_odds_dirichlet';
  /** Texts that were counted on each side (the sampled rows with text). */
  currentTexts: number;
  referenceTexts: number;
  /** Over-represented in the current window, strongest first (z > 0). */
  current: CharacteristicWord[];
  /** Over-represented in the reference, strongest first (z < 0). */
  reference: CharacteristicWord[];
  examples: { current: string[]; reference: string[] };
}
