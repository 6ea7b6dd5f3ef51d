/** Markdown for one benchmark's output in bench/RESULTS.md: a table for the known JSON shapes, else as printed. */

type Json = Record<string, unknown>;
const r = (x: unknown, d = 2) => (typeof x === 'number' ? Number(x.toFixed(d)).toString() : String(x ?? '-'));

/** The last JSON document a benchmark printed (they print one object, or one object per line). */
function lastJson(stdout: string): Json | null {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    const start = text.lastIndexOf('\n{');
    try {
      return JSON.parse(text.slice(start + 1));
    } catch {
      return null;
    }
  }
}

function jsonLines(stdout: string): Json[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Json];
      } catch {
        return [];
      }
    });
}

function predict(j: Json): string[] {
  const s = j.warmSingleTextMs as Json;
  const b = j.batch64Ms as Json;
  const c = j.coldStartMs as Json;
  const t = j.tokenizer as Json;
  const m = j.serveMemory as Json & { samples?: { requests: number; rssMb: number }[] };
  const samples = m.samples ?? [];
  return [
    `Model: ${(j.model as Json)?.name} (${j.bundle}).`,
    '',
    '| measure | result | target |',
    '|---|---:|---|',
    `| warm predict, 1 text (p50 / p99, n=${s.n}) | ${r(s.p50, 3)} / ${r(s.p99, 3)} ms | ${s.target} ms |`,
    `| warm predict, 64 texts (p50 / p99, n=${b.n}) | ${r(b.p50)} / ${r(b.p99)} ms | ${b.target} ms |`,
    `| cold start: load + first prediction (median / max of ${c.runs}) | ${r(c.median, 0)} / ${r(c.max, 0)} ms | ${c.target} |`,
    `| tokenizer | ${r(t.textsPerSecond, 0)} texts/s, ${r(t.tokensPerSecond, 0)} tokens/s | - |`,
    `| \`vigil serve\` over HTTP (${m.requests} requests, concurrency ${m.concurrency}) | ${r(m.requestsPerSecond, 0)} requests/s incl. logging | - |`,
    `| \`vigil serve\` RSS, first / last sample | ${samples[0]?.rssMb ?? '-'} / ${samples.at(-1)?.rssMb ?? '-'} MB | ${m.target} |`,
  ];
}

function writers(j: Json): string[] {
  const c = j.comparison as Json;
  const h = c.hyparquetWriter as Json;
  const p = c.parquetjsLite as Json;
  const ts = j.parquetjsTimestampRead as Json;
  const logging = (j.logging as Json[]) ?? [];
  return [
    `| writer (${c.rows} rows × ${c.dim} floats) | ms per row | one-row file | file bytes |`,
    '|---|---:|---:|---:|',
    `| hyparquet-writer (used) | ${r(h.msPerRow, 3)} | ${r(h.oneRowFileMs)} ms | ${h.fileBytes} |`,
    `| parquetjs-lite | ${r(p.msPerRow, 3)} | ${r(p.oneRowFileMs)} ms | ${p.fileBytes} |`,
    '',
    `parquetjs-lite is ${r(c.slowdownPerRow, 1)}× slower per row and ${r(c.slowdownOneRowFile, 1)}× slower for a one-row file; ` +
      `reading its own TIMESTAMP_MILLIS file back ${ts.reproduced ? `fails ("${ts.error}")` : 'works'}.`,
    '',
    '| logging one request on local disk | mean | p50 | p95 | encode only |',
    '|---|---:|---:|---:|---:|',
    ...logging.map(
      (l) =>
        `| ${l.dim}-float embedding, ${l.requests} requests | ${r(l.meanMs)} ms | ${r(l.p50Ms)} ms | ${r(l.p95Ms)} ms | ${r(l.encodeOnlyMs)} ms |`,
    ),
  ];
}

function compaction(j: Json): string[] {
  const ratio = j.ratioToDuckdbCopy as Json;
  const rows = ['duckdbCopy', 'duckDbMerger', 'hyparquetMerger'].filter((k) => j[k]);
  const read = j.readCompactedHour as Json | undefined;
  return [
    `${j.records} records × ${j.dim} floats in ${j.parts} part files.`,
    '',
    '| merger | median | records/s | output bytes | vs DuckDB COPY |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((k) => {
      const v = j[k] as Json;
      const x = k === 'duckdbCopy' ? '1×' : `${r(ratio?.[k])}×`;
      return `| ${k} | ${v.medianMs} ms | ${v.recordsPerSec} | ${v.outBytes ?? '-'} | ${x} |`;
    }),
    ...(read
      ? ['', `Reading the compacted hour back: hyparquet ${read.hyparquetMs} ms, DuckDB ${read.duckDbMs} ms.`]
      : []),
  ];
}

function monitorRun(lines: Json[]): string[] {
  return [
    '| records in window | texts | wall | CPU | peak RSS | load reference | load current | checks | projector (after checks) | write report | projector / word test on | worst verdict |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...lines.map((l) => {
      const s = (l.stages ?? {}) as Json;
      const t = (l.threads ?? {}) as Json;
      return `| ${l.records} | ${l.text ?? 'short'} | ${r(Number(l.ms) / 1000, 1)} s | ${r(Number(l.cpuMs) / 1000, 1)} s | ${l.maxRssMb} MB | ${s.load_reference} ms | ${s.load_current} ms | ${s.checks} ms | ${s.projector ?? '-'} ms | ${s.write_report} ms | ${t.projectorLayout ?? '-'} / ${t.wordExcess ?? '-'} | ${l.worst} |`;
    }),
  ];
}

const asPrinted = (stdout: string) => stdout.trim().split('\n');

export function renderSection(name: string, stdout: string, seconds: number): string[] {
  try {
    if (name === 'predict') return predict(lastJson(stdout) as Json);
    if (name === 'parquet-writers') return writers(lastJson(stdout) as Json);
    if (name === 'compaction') return compaction(lastJson(stdout) as Json);
    if (name === 'monitor-run' || name === 'monitor-run-texts') return monitorRun(jsonLines(stdout));
    if (name === 'demo') {
      const alerts = (stdout.match(/^ {4}ALERT/gm) ?? []).length;
      const worst = [...stdout.matchAll(/worst verdict: (\w+)/g)].map((m) => m[1]);
      return [
        `Finished in ${seconds.toFixed(1)} s; worst verdict per run: ${worst.join(', ')}; ${alerts} alerting findings.`,
      ];
    }
  } catch {
    // An unexpected shape falls through to the output as printed.
  }
  const out = asPrinted(stdout);
  return out[0]?.startsWith('|') || out.some((l) => l.startsWith('|')) ? out : ['```', ...out, '```'];
}
