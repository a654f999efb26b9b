import type { RequestHandler } from 'express';
import type { HealthReport } from './check-health.js';

/** GET /monitoring/health: 200 when healthy or degraded, 503 when unhealthy. Never authenticated. */
export function healthRoute(report: () => Promise<HealthReport>): RequestHandler {
  return (_req, res, next) => {
    report()
      .then((r) => {
        res
          .status(r.status === 'unhealthy' ? 503 : 200)
          .set('Cache-Control', 'no-store')
          .json(r);
      })
      .catch(next);
  };
}
