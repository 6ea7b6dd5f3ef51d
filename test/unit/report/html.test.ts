import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadReportAssets } from '../../../functions/adapters/report-assets.ts';
import type { MonitorReport } from '../../../functions/lib/monitor/types.ts';
import { escapeHtml, jsonForScript } from '../../../functions/lib/report/escape.ts';
import { renderReportHtml } from '../../../functions/lib/report/html.ts';
import { makeReport, XSS_TEXT } from '../../fixtures/report/synthetic.ts';

const FAKE_ASSETS = { echartsJs: 'window.echarts = {};' };

function hostileReport(): MonitorReport {
  const r = makeReport({ end: new Date('2026-11-28T00:00:00Z'), drift: 0.9 });
  r.model = { name: XSS_TEXT, version: '"><script>alert(2)</script>' };
  r.findings[0].message = `<b onmouseover=alert(3)>${XSS_TEXT}`;
  r.distributions.labels.labels = ['<svg onload=alert(4)>', 'POSITIVE'];
  r.projector = {
    points: [
      { x: 0, y: 0, window: 'reference', text: XSS_TEXT, label: '<i>L</i>', score: 0.5, cluster: 0 },
      {
        x: 1,
        y: 1,
        window: 'current',
        text: 'see https://evil.example/x.png',
        label: 'A',
        score: 0.9,
        cluster: 0,
      },
      { x: 2, y: 2, window: 'current', text: '\u2028<!-- -->', label: 'A', score: 0.9, cluster: -1 },
    ],
    clusters: [{ id: 0, reference: 1, current: 1, driftRatio: 0, sampleTexts: [XSS_TEXT] }],
  };
  return r;
}

/** Text of each inline <script> element, in order. */
function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }));
}

describe('escape', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('writes JSON that cannot close a script block and still parses to the same value', () => {
    const value = { t: XSS_TEXT, u: '\u2028\u2029 & <!--' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('renderReportHtml', () => {
  const report = hostileReport();
  const html = renderReportHtml(report, [], FAKE_ASSETS);

  it('leaves user text inert: no element or script comes from it', () => {
    expect(scripts(html).map((s) => s.attrs.trim())).toEqual([
      'type="application/json" id="vigil-data"',
      '',
      '',
    ]);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<b onmouseover');
    expect(html).not.toContain('<i>L</i>');
    expect(html).toContain(escapeHtml(XSS_TEXT));
  });

  it('embeds the data as JSON that round-trips the user text exactly', () => {
    const data = JSON.parse(scripts(html)[0].body);
    expect(data.projector.points[0].text).toBe(XSS_TEXT);
    expect(data.projector.points[0].label).toBe('<i>L</i>');
    expect(data.projector.clusters[0].sampleTexts).toEqual([XSS_TEXT]);
    expect(data.distributions.labels.labels[0]).toBe('<svg onload=alert(4)>');
  });

  it('neutralises a </script> inside an inlined library', () => {
    const out = renderReportHtml(report, [], { echartsJs: 'var s = "</script><img src=x>";' });
    expect(out).not.toContain('</script><img');
    expect(scripts(out)[1].body).toBe('var s = "<\\/script><img src=x>";');
  });

  it('allows exactly its own scripts by hash and forbids every network request', () => {
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:|file:/);
    const hashes = [...csp.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]);
    const executable = scripts(html).filter((s) => !s.attrs.includes('application/json'));
    expect(hashes).toEqual(executable.map((s) => createHash('sha256').update(s.body).digest('base64')));
  });

  it('references no remote resource, with the real ECharts inlined', async () => {
    const assets = await loadReportAssets();
    const out = renderReportHtml(
      report,
      [makeReport({ end: new Date('2026-11-27T00:00:00Z'), drift: 0 })],
      assets,
    );
    expect(out).toContain(assets.echartsJs.slice(0, 2000));
    expect(out).not.toMatch(/<link\b|@import|<iframe|<object|<embed/i);
    expect(out).not.toMatch(/\b(src|href|action|poster|srcset)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(out).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    // Outside the library (whose only URLs are XML namespaces and licence links) and the escaped
    // user data, no URL appears at all.
    const [data, lib] = scripts(out);
    const rest = out.replace(data.body, '').replace(lib.body, '');
    expect(rest).not.toMatch(/https?:\/\//);
    expect(data.body).toContain('https://evil.example'); // user text is kept, as data
  });

  it('shows the header, and the findings worst first with their verdict colours', () => {
    expect(html).toContain(`Vigil · ${escapeHtml(XSS_TEXT)}`);
    expect(html).toContain('2026-11-27T00:00:00.000Z → 2026-11-28T00:00:00.000Z');
    const verdicts = [...html.matchAll(/<tr class="finding" data-verdict="([a-z_]+)"/g)].map((m) => m[1]);
    expect(verdicts).toEqual(['alert', 'insufficient_data', 'ok', 'ok']);
    expect(html).toMatch(/\.verdict-alert \{ background: #c62828; \}/);
    expect(html).toContain('<span class="badge verdict-alert">alert</span>');
  });

  it('says so when a run has no findings', () => {
    const empty = { ...report, findings: [] };
    expect(renderReportHtml(empty, [], FAKE_ASSETS)).toContain('No findings in this run.');
  });
});
