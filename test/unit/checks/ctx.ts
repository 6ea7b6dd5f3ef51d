/** A CheckContext over synthetic windows with the default config. */
import type { CheckContext } from '../../../functions/lib/checks/context.ts';
import { DEFAULT_MONITOR_CONFIG, resolveMonitorConfig } from '../../../functions/lib/monitor/config.ts';
import type { MonitorWindow } from '../../../functions/lib/monitor/window.ts';
import { MODEL } from '../monitor/make-windows.ts';

export function ctxOf(
  reference: MonitorWindow,
  current: MonitorWindow,
  over: Partial<CheckContext> = {},
): CheckContext {
  return {
    reference,
    current,
    labels: MODEL.labels,
    config: resolveMonitorConfig({ embedding: { ...DEFAULT_MONITOR_CONFIG.embedding, permutations: 200 } }),
    seed: 3,
    ...over,
  };
}
