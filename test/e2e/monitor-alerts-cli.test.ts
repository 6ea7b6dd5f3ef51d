import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWO_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';
import { logPredictions, vigil } from './helpers/vigil-cli.ts';

const NOW = '2026-03-02T00:00:00.000Z';
const STATE = ['state', 'model=fixture-sentiment', 'version=1.0.0', 'alerts.json'];

let root: string;
let bundle: string;
let dataDir: string;
let webhook: Server;
let webhookUrl: string;
const posts: unknown[] = [];

/** `vigil monitor` over the test's data dir and bundle, for the window ending at NOW. */
const monitorRun = (...extra: string[]) =>
  vigil(['monitor', '--data-dir', dataDir, '--model', bundle, '--now', NOW, ...extra]);

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  // Prepare: a webhook receiver on loopback that records every body it is sent.
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      posts.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/slack`;

  root = await mkdtemp(join(tmpdir(), 'vigil-e2e-alerts-'));
  bundle = await writeFixtureBundle(join(root, 'bundle'), TWO_LABEL_SPEC);
  dataDir = join(root, 'data');
  // Reference: short texts. Current window: the same words, but every text is several times longer,
  // so the text-length and embedding checks must alert.
  const words = ['good', 'bad', 'film', 'plot', 'actor', 'story', 'great', 'dull', 'funny', 'slow'];
  const shortText = (i: number) => `${words[i % 10]} ${words[(i * 3) % 10]}`;
  const longText = (i: number) => Array.from({ length: 40 }, (_, k) => words[(i * 7 + k * 3) % 10]).join(' ');
  const rows = Array.from({ length: 120 }, (_, i) => `${shortText(i)}\t${i % 2}`);
  await writeFile(join(root, 'reference.tsv'), `sentence\tlabel\n${rows.join('\n')}\n`);
  const baseline = await vigil([
    'baseline',
    '--input',
    join(root, 'reference.tsv'),
    '--model',
    bundle,
    '--data-dir',
    dataDir,
  ]);
  expect(baseline.code).toBe(0);

  await logPredictions(
    bundle,
    dataDir,
    Array.from({ length: 120 }, (_, i) => longText(i)),
    Date.parse(NOW) - 3_600_000,
  );
});

afterAll(async () => {
  await new Promise((r) => webhook.close(r));
  await rm(root, { recursive: true, force: true });
});

describe('vigil monitor alerting', () => {
  it('--dry-run shows the alert it would send, posts nothing and saves no state', async () => {
    const r = await monitorRun('--webhook', webhookUrl, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('DRY RUN, would send');
    expect(r.stderr).toContain('integrity.text_length');
    expect(posts).toHaveLength(0);
    expect(await exists(join(dataDir, ...STATE))).toBe(false);
  });

  it('--webhook posts one Slack-compatible message, and the console shows it', async () => {
    const r = await monitorRun('--webhook', webhookUrl);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alerting: delivered');
    expect(r.stderr).toContain('fixture-sentiment');
    expect(posts).toHaveLength(1);
    const payload = posts[0] as { text: string; blocks: { type: string }[] };
    expect(typeof payload.text).toBe('string');
    expect(payload.blocks.length).toBeGreaterThan(0);
    expect(JSON.stringify(payload)).toContain('integrity.text_length');
    expect(await exists(join(dataDir, ...STATE))).toBe(true);
  });

  it('a re-run of the same window sends nothing new', async () => {
    const r = await monitorRun('--webhook', webhookUrl);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alerting: already_processed');
    expect(posts).toHaveLength(1);
  });

  it('rejects a webhook that is not an http(s) URL', async () => {
    const r = await vigil(['monitor', '--data-dir', dataDir, '--webhook', 'ftp://example.invalid/x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--webhook must be an http(s) URL');
  });
});
