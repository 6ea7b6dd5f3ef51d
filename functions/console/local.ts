/**
 * The console inside `vigil serve`: the app at `/` (built in memory at start, no network) and its
 * read API, both over the server's store. One dispatcher entry for cli/serve.ts.
 */
import type { HttpApiHandler } from '../lib/http/response.ts';
import type { ObjectStore } from '../lib/records/store.ts';
import { isConsoleAssetPath, makeConsoleAssetsHandler } from './assets-handler.ts';
import { buildConsoleAssets, type ConsoleAssets } from './build-assets.ts';
import { isConsoleApiPath, makeHandler } from './make-handler.ts';

export interface LocalConsole {
  handles(path: string): boolean;
  handler: HttpApiHandler;
  /** Settles when the app is built (tests and the bench wait on it). */
  ready: Promise<void>;
}

export function makeLocalConsole(deps: {
  store: Pick<ObjectStore, 'getObject' | 'putObject' | 'list'>;
  now: () => number;
  build?: () => Promise<ConsoleAssets>;
}): LocalConsole {
  const build = deps.build ?? buildConsoleAssets;
  // Started now so the first page view does not wait for esbuild; a failure answers 503 at `/`.
  const first = build();
  first.catch(() => {});
  const assets = makeConsoleAssetsHandler(() => build());
  const api = makeHandler({ store: deps.store, now: deps.now });
  return {
    handles: (path) => isConsoleAssetPath(path) || isConsoleApiPath(path),
    handler: (event) => (isConsoleAssetPath(event.rawPath) ? assets(event) : api(event)),
    ready: first.then(
      () => undefined,
      () => undefined,
    ),
  };
}
