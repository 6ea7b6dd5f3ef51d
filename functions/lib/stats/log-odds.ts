/**
 * Words that tell two corpora apart: the log-odds ratio with an informative Dirichlet prior
 * (Monroe, Colaresi & Quinn 2008, "Fightin' Words", Political Analysis 16(4), eq. 16-22).
 * With counts y_w^a, y_w^b, totals n^a, n^b and prior alpha_w = alpha0 * (y_w^a + y_w^b) / (n^a + n^b):
 *   delta_w = ln((y_w^a + alpha_w) / (n^a + alpha0 - y_w^a - alpha_w))
 *           - ln((y_w^b + alpha_w) / (n^b + alpha0 - y_w^b - alpha_w))
 *   var(delta_w) ~= 1 / (y_w^a + alpha_w) + 1 / (y_w^b + alpha_w),  z_w = delta_w / sqrt(var).
 * The prior shrinks rare words towards zero, so the z-score controls for frequency.
 */
import { StatsInputError } from './errors.ts';

export interface LogOddsWord {
  word: string;
  /** Count in corpus a (the current window). */
  countA: number;
  /** Count in corpus b (the reference). */
  countB: number;
  delta: number;
  z: number;
}

export interface LogOddsOptions {
  /** Total prior mass alpha0. @default the pooled token count (the whole corpus as prior, as Monroe et al.) */
  priorScale?: number;
}

export function logOddsDirichlet(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  options: LogOddsOptions = {},
): LogOddsWord[] {
  let na = 0;
  let nb = 0;
  for (const c of a.values()) na += c;
  for (const c of b.values()) nb += c;
  if (na === 0 || nb === 0) throw new StatsInputError('EMPTY_INPUT', 'both corpora need at least one word');
  const pooled = na + nb;
  const alpha0 = options.priorScale ?? pooled;
  if (!(alpha0 > 0)) throw new StatsInputError('INVALID_OPTION', 'priorScale must be > 0');
  const words = new Set([...a.keys(), ...b.keys()]);
  const out: LogOddsWord[] = [];
  for (const word of words) {
    const ya = a.get(word) ?? 0;
    const yb = b.get(word) ?? 0;
    const alpha = (alpha0 * (ya + yb)) / pooled;
    const delta =
      Math.log((ya + alpha) / (na + alpha0 - ya - alpha)) -
      Math.log((yb + alpha) / (nb + alpha0 - yb - alpha));
    const variance = 1 / (ya + alpha) + 1 / (yb + alpha);
    out.push({ word, countA: ya, countB: yb, delta, z: delta / Math.sqrt(variance) });
  }
  return out.sort((x, y) => y.z - x.z || (x.word < y.word ? -1 : 1));
}
