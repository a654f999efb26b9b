/** State of one dependency as reported by GET /monitoring/health. */
export type ComponentStatus = 'up' | 'down' | 'disabled';
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** A probe resolves when the dependency answers and rejects otherwise. */
export type HealthProbe = () => Promise<void>;

/** Probes for every component; `null` means the component is not used (embedded mode). */
export interface HealthProbes {
  readonly database: HealthProbe;
  readonly redis: HealthProbe | null;
  readonly queue: HealthProbe | null;
}
