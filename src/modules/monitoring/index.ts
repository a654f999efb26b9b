export { checkHealth, cachedReport } from './check-health.js';
export type { HealthReport, CheckHealthOptions } from './check-health.js';
export { HealthResolver } from './health.resolver.js';
export { healthRoute } from './health.route.js';
export { Health, HealthComponents } from './health.types.js';

/** Root fields of this module anyone may call without a token. */
export const PUBLIC_FIELDS = ['health'] as const;
