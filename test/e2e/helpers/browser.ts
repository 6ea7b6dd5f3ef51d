/**
 * Headless Chromium for browser tests, from the @sparticuz/chromium npm package (it ships a
 * compressed build inside itself), driven by playwright-core: nothing from apt, nothing downloaded.
 */
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/** Flags for a sandboxless, offline test browser (no GPU, no background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the packaged headless Chromium (unpacked once to the temp dir on first use). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await sparticuz.executablePath();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
