/** Reads the browser assets the HTML report inlines, from the installed packages. */

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ReportAssets } from '../lib/report/html.ts';

const require = createRequire(import.meta.url);

let cached: Promise<ReportAssets> | undefined;

/** The minified ECharts bundle; read once per process. */
export function loadReportAssets(): Promise<ReportAssets> {
  cached ??= readFile(require.resolve('echarts/dist/echarts.min.js'), 'utf8').then(
    (echartsJs) => ({ echartsJs }),
    (error: unknown) => {
      cached = undefined; // let a later call retry instead of caching the failure
      throw error;
    },
  );
  return cached;
}
