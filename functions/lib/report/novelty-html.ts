/**
 * The report's "New text" section: how many current texts are unlike the reference in each space,
 * the most novel texts, the current texts that cluster among themselves, and the characteristic words
 * of each window with typical texts. Every user
 * string goes through escapeHtml.
 */
import type { CharacteristicWords, NoveltyReport } from '../monitor/novelty-types.ts';
import type { Finding } from '../monitor/types.ts';
import { escapeHtml } from './escape.ts';

const num = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(digits)));
const pct = (v: number) => `${Number((v * 100).toFixed(1))}%`;
const int = (v: number) => v.toLocaleString('en-US');

const SPACE_NAMES = { tokens: 'words', embeddings: 'meaning (embeddings)' } as const;

function spaceLines(n: NoveltyReport): string {
  const items = (Object.keys(SPACE_NAMES) as (keyof typeof SPACE_NAMES)[])
    .map((k) => {
      const s = n.spaces[k];
      if (!s) return '';
      const share = s.tested > 0 ? s.exceed / s.tested : 0;
      return `<li class="novelty-space" data-space="${k}"><b>${int(s.exceed)} of ${int(s.tested)} texts (${pct(share)}, expected ${pct(s.expectedShare)})</b> are unlike the reference in ${SPACE_NAMES[k]} <span class="muted">(tail p ${num(s.tailPValue)}, rank AUC ${num(s.rankAuc)}, p ${num(s.rankPValue)}; ${escapeHtml(s.basis)}, ${s.calibration} held-out reference texts calibrate)</span></li>`;
    })
    .join('\n');
  return `<ul class="novelty-summary">${items}</ul>`;
}

function novelTable(n: NoveltyReport, max: number): string {
  const rows = n.records.slice(0, max);
  if (rows.length === 0) return '<p class="muted">No current texts were scored.</p>';
  const body = rows
    .map(
      (r, i) => `<tr class="novel-text${r.novel ? ' novel' : ''}">
<td class="num">${i + 1}</td><td class="num">${num(r.novelty)}</td><td class="num">${num(r.tokenScore)}</td><td class="num">${num(r.embeddingScore)}</td><td>${escapeHtml(r.label)}</td><td class="text">${r.text === null ? '<span class="muted">(text not stored)</span>' : escapeHtml(r.text)}</td></tr>`,
    )
    .join('\n');
  return `<table class="novel-texts"><thead><tr><th class="num">#</th><th class="num">novelty</th><th class="num">bits / token</th><th class="num">kNN distance</th><th>label</th><th>text</th></tr></thead>
<tbody>${body}</tbody></table>`;
}

function wordTable(side: 'current' | 'reference', w: CharacteristicWords): string {
  const words = w[side];
  if (words.length === 0) return `<p class="muted">No word stands out in the ${side} window.</p>`;
  const body = words
    .map(
      (x) =>
        `<tr><td class="word">${escapeHtml(x.word)}</td><td class="num">${x.current}</td><td class="num">${x.reference}</td><td class="num">${num(x.z)}</td></tr>`,
    )
    .join('\n');
  const examples = w.examples[side].map((t) => `<li>${escapeHtml(t)}</li>`).join('');
  return `<table class="words words-${side}"><thead><tr><th>word</th><th class="num">current</th><th class="num">reference</th><th class="num">z</th></tr></thead>
<tbody>${body}</tbody></table>
<h4>Typical ${side} texts</h4><ul class="samples examples-${side}">${examples || '<li class="muted">none</li>'}</ul>`;
}

/** What the text-neighbour finding keeps of each clustered current text (checks/novelty.ts). */
interface ClusteredText {
  id: string;
  text: string | null;
  currentNeighbours: string[];
  similarity: number;
}

/** The text-neighbour test's clustered current texts: new texts that are each other's nearest. */
function clusterCard(finding: Finding | undefined, max: number): string {
  const clustered = finding?.details?.clustered as ClusteredText[] | undefined;
  if (!finding || !clustered) return '';
  const k = Number(finding.details?.k);
  const expected = Number(finding.details?.expected);
  const rows = clustered
    .slice(0, max)
    .map(
      (c, i) =>
        `<tr><td class="num">${i + 1}</td><td class="num">${c.currentNeighbours.length} of ${k}</td><td class="num">${num(c.similarity)}</td><td class="text">${c.text === null ? '<span class="muted">(text not stored)</span>' : escapeHtml(c.text)}</td></tr>`,
    )
    .join('\n');
  return `<section class="card" id="text-clusters"><h3>Current texts that cluster together</h3>
<p class="muted"><b>${int(clustered.length)}</b> current texts have at least ${k - 1} current texts among their ${k} nearest by shared rare words (${num(expected)} expected by chance; p ${num(finding.pValue)}, adjusted ${num(finding.pValueAdjusted)}).</p>
${rows === '' ? '<p class="muted">None.</p>' : `<table class="clustered-texts"><thead><tr><th class="num">#</th><th class="num">current neighbours</th><th class="num">similarity</th><th>text</th></tr></thead><tbody>${rows}</tbody></table>`}</section>`;
}

/** The section's HTML, or a note when the run had neither novelty nor texts. */
export function noveltySectionHtml(
  novelty: NoveltyReport | undefined,
  words: CharacteristicWords | undefined,
  maxTexts = 20,
  neighbours?: Finding,
): string {
  const parts: string[] = [];
  if (novelty) {
    parts.push(`<section class="card" id="novelty"><h3>Texts unlike the reference</h3>${spaceLines(novelty)}
<h4>Most novel current texts</h4>${novelTable(novelty, maxTexts)}</section>`);
  }
  const clusters = clusterCard(neighbours, maxTexts);
  if (clusters) parts.push(clusters);
  if (words) {
    parts.push(`<section class="card" id="characteristic-words"><h3>Characteristic words</h3>
<p class="muted">Log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008) over ${int(words.currentTexts)} current and ${int(words.referenceTexts)} reference texts; z controls for frequency.</p>
<div class="grid"><div><h4>More common in the current window</h4>${wordTable('current', words)}</div>
<div><h4>More common in the reference</h4>${wordTable('reference', words)}</div></div></section>`);
  }
  return parts.length > 0 ? parts.join('\n') : '<p class="muted">No novelty analysis in this run.</p>';
}
