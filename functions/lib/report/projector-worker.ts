/**
 * Worker-thread entry of the projector's layout (see projector-thread.ts): waits for one request, posts
 * its layout back and ends. Bundled as projector-worker.mjs beside a Lambda's index.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { layoutFromRequest, type ProjectorLayoutRequest } from './projector-thread.ts';

parentPort?.once('message', (request: ProjectorLayoutRequest) => {
  const layout = layoutFromRequest(request);
  const arrays = [layout.reference, layout.current, layout.xs, layout.ys, layout.clusters];
  parentPort?.postMessage(layout, [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]);
});
