/** Vigil's own prediction log as a WindowSource: part files of the window's hours, streamed. */
import type { ObjectStore } from '../records/store.ts';
import { accumulateWindow } from './load.ts';
import type { WindowLoadOptions, WindowRange, WindowSource } from './source.ts';
import { type MonitorWindow, WindowAccumulator } from './window.ts';

export function logWindowSource(store: ObjectStore, model: { name: string; version: string }): WindowSource {
  return {
    describe: `vigil log ${model.name}@${model.version}`,
    async loadWindow(range: WindowRange, options: WindowLoadOptions): Promise<MonitorWindow> {
      const acc = new WindowAccumulator(options.capacity, options.seed, {
        fields: options.fields,
        segmentFields: options.segmentFields,
      });
      if (options.expectDimension !== undefined && options.expectDimension > 0)
        acc.expectDimension(options.expectDimension);
      await accumulateWindow(store, model, range, acc);
      return acc.build();
    },
  };
}
