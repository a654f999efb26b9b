import { Query, Resolver } from 'type-graphql';
import { Health } from './health.types.js';
import type { HealthReport } from './check-health.js';

/** `health` query: public, never rate-limited. */
@Resolver()
export class HealthResolver {
  constructor(private readonly report: () => Promise<HealthReport>) {}

  @Query(() => Health, { description: 'Service health. Public and never rate-limited.' })
  async health(): Promise<Health> {
    return (await this.report()) as Health;
  }
}
