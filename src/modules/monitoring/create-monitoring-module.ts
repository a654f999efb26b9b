import type { AppModule, ResolverClass } from '../../shared/app-module.js';
import { cachedReport, checkHealth, type CheckHealthOptions } from './check-health.js';
import { HealthResolver } from './health.resolver.js';
import { healthRoute } from './health.route.js';

/** The resolver classes of this slice (schema.graphql is printed from them without instances). */
export const MONITORING_RESOLVERS: readonly ResolverClass[] = [HealthResolver];

/**
 * The monitoring slice: the public, free `health` query and GET /monitoring/health, both from one report
 * cached for a second and shared by concurrent callers.
 */
export function createMonitoringModule(options: CheckHealthOptions): AppModule {
  const report = cachedReport(() => checkHealth(options));
  return {
    resolvers: new Map([[HealthResolver, new HealthResolver(report)]]),
    publicOperations: ['health'],
    freeOperations: ['health'],
    routes: (app) => app.get('/monitoring/health', healthRoute(report)),
  };
}
