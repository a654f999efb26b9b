import type { ComponentStatus, HealthProbe, HealthProbes, HealthStatus } from '../../shared/health.js';
import { withTimeout } from '../../shared/with-timeout.js';

export interface HealthReport {
  readonly status: HealthStatus;
  readonly components: {
    readonly database: ComponentStatus;
    readonly redis: ComponentStatus;
    readonly queue: ComponentStatus;
  };
  readonly version: string;
  readonly uptimeSeconds: number;
}

export interface CheckHealthOptions {
  readonly probes: HealthProbes;
  readonly version: string;
  readonly startedAt: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/**
 * Runs every probe in parallel (each bounded by `timeoutMs`, default 2 s).
 * Database down → unhealthy; Redis or queue down → degraded; otherwise healthy.
 */
export async function checkHealth(options: CheckHealthOptions): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const [database, redis, queue] = await Promise.all([
    runProbe(options.probes.database, timeoutMs),
    options.probes.redis ? runProbe(options.probes.redis, timeoutMs) : Promise.resolve<ComponentStatus>('disabled'),
    options.probes.queue ? runProbe(options.probes.queue, timeoutMs) : Promise.resolve<ComponentStatus>('disabled'),
  ]);
  const status: HealthStatus =
    database === 'down' ? 'unhealthy' : redis === 'down' || queue === 'down' ? 'degraded' : 'healthy';
  const now = options.now ?? Date.now;
  return {
    status,
    components: { database, redis, queue },
    version: options.version,
    uptimeSeconds: Math.floor((now() - options.startedAt) / 1000),
  };
}

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<ComponentStatus> {
  try {
    await withTimeout(probe(), timeoutMs, 'health probe timed out');
    return 'up';
  } catch {
    return 'down';
  }
}

/**
 * Wraps a report function so concurrent callers share one probe run and a result is reused for
 * `maxAgeMs` (default 1 s): health checks stay cheap under load balancer polling and benchmarks.
 */
export function cachedReport(
  report: () => Promise<HealthReport>,
  maxAgeMs = 1_000,
  now: () => number = Date.now,
): () => Promise<HealthReport> {
  let last: { at: number; value: HealthReport } | null = null;
  let inFlight: Promise<HealthReport> | null = null;
  return () => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.value);
    inFlight ??= report()
      .then((value) => {
        last = { at: now(), value };
        return value;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
}
