/**
 * Worker-thread entry of the monitor run's off-thread work: waits for one request — a projector layout
 * (projector-thread.ts) or a word-excess test (checks/word-excess-thread.ts) — posts its result back
 * and ends. Bundled as projector-worker.mjs beside a Lambda's index.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { runWordExcessRequest, type WordExcessRequest } from '../checks/word-excess-thread.ts';
import { layoutFromRequest, type ProjectorLayoutRequest } from './projector-thread.ts';

parentPort?.once('message', (request: ProjectorLayoutRequest | WordExcessRequest) => {
  if ('kind' in request && request.kind === 'word_excess') {
    parentPort?.postMessage(runWordExcessRequest(request));
    return;
  }
  const layout = layoutFromRequest(request as ProjectorLayoutRequest);
  const arrays = [layout.reference, layout.current, layout.xs, layout.ys, layout.clusters];
  parentPort?.postMessage(layout, [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]);
});
