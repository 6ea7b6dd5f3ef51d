/**
 * Expected calibration error (Naeini et al. 2015; Guo et al. 2017, eq. 3): the gap between confidence
 * and accuracy, averaged over equal-width confidence bins weighted by their share of the records.
 * ECE = sum_b |B_b|/n * |acc(B_b) - conf(B_b)|, bins (0, 1/B], (1/B, 2/B], ..., as Guo et al. define them.
 */

export interface CalibrationBin {
  /** Upper edge of the bin; the bin is (upper - 1/B, upper]. */
  upper: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

export interface CalibrationSummary {
  ece: number;
  bins: CalibrationBin[];
}

export function expectedCalibrationError(
  confidence: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  binCount = 10,
): CalibrationSummary {
  const n = confidence.length;
  if (n === 0) throw new Error('expectedCalibrationError needs at least one record');
  if (correct.length !== n) throw new Error('confidence and correct must have the same length');
  const count = new Array<number>(binCount).fill(0);
  const confSum = new Array<number>(binCount).fill(0);
  const hits = new Array<number>(binCount).fill(0);
  for (let i = 0; i < n; i++) {
    const c = confidence[i];
    if (!(c >= 0 && c <= 1)) throw new Error(`confidence must be in [0, 1], got ${c}`);
    // ceil(c * B) - 1 puts c in (b/B, (b+1)/B]; a confidence of 0 joins the first bin.
    const b = Math.max(0, Math.min(binCount - 1, Math.ceil(c * binCount) - 1));
    count[b]++;
    confSum[b] += c;
    if (correct[i]) hits[b]++;
  }
  let ece = 0;
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < binCount; b++) {
    if (count[b] === 0) continue;
    const meanConfidence = confSum[b] / count[b];
    const accuracy = hits[b] / count[b];
    ece += (count[b] / n) * Math.abs(accuracy - meanConfidence);
    bins.push({ upper: (b + 1) / binCount, count: count[b], meanConfidence, accuracy });
  }
  return { ece, bins };
}
