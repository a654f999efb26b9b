export { checkHealth, cachedReport } from './check-health.js';
export type { HealthReport, CheckHealthOptions } from './check-health.js';
export { createMonitoringModule, MONITORING_RESOLVERS } from './create-monitoring-module.js';
export { Health, HealthComponents } from './health.types.js';
