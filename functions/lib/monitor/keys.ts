/** Object keys the monitoring run reads and writes beside the prediction log (DESIGN.md, "Layout"). */
import { baselineKey, reportsPrefix } from '../records/layout.ts';

export { baselineKey };

/** True labels of a labelled baseline, in the actuals schema, next to reference.parquet. */
export function baselineLabelsKey(model: string, version: string): string {
  return baselineKey(model, version).replace(/reference\.parquet$/, 'reference-labels.parquet');
}

/** A window end as a file name: ISO-8601 UTC with ':' replaced, so it sorts in time order everywhere. */
export function windowEndStamp(end: string | Date): string {
  return new Date(end).toISOString().replace(/:/g, '-');
}

export function reportKeys(model: string, version: string, windowEnd: string | Date) {
  const prefix = reportsPrefix(model, version);
  const stamp = windowEndStamp(windowEnd);
  return {
    prefix,
    json: `${prefix}${stamp}.json`,
    html: `${prefix}${stamp}.html`,
    latestHtml: `${prefix}latest.html`,
  };
}

const REPORT_JSON_RE = /\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.json$/;

export function isReportJsonKey(key: string): boolean {
  return REPORT_JSON_RE.test(key);
}
