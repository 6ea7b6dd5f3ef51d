import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');

/** Runs the Python client's own suite (standard library only), which starts its own `vigil serve`. */
function runPythonSuite(): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('python3', ['-m', 'unittest', '-v'], {
      cwd: resolve(REPO, 'clients/python'),
      env: { ...process.env, VIGIL_NODE: process.execPath, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

describe('Python client (clients/python)', () => {
  it('passes its unittest suite against a real vigil serve', async () => {
    // Act
    const { code, output } = await runPythonSuite();
    // Assess
    expect(code, output).toBe(0);
    expect(output).toMatch(/^OK$/m);
    const ran = Number(/Ran (\d+) tests/.exec(output)?.[1]);
    expect(ran).toBeGreaterThanOrEqual(29);
    // The suite that talks to the real server ran, not only the scripted ones.
    expect(output).toMatch(/test_logs_records_in_batches_and_they_are_written .*\.\.\. ok/);
    expect(output).not.toMatch(/skipped/);
  }, 180_000);
});
