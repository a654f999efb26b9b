import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Tier } from '../../config/index.js';
import { TierEnum } from '../../shared/security/tier.graphql.js';

/** The three rate-limit windows. */
export const RateLimitWindowName = { MINUTE: 'MINUTE', HOUR: 'HOUR', DAY: 'DAY' } as const;
export type RateLimitWindowName = (typeof RateLimitWindowName)[keyof typeof RateLimitWindowName];

registerEnumType(RateLimitWindowName, {
  name: 'RateLimitWindowName',
  description: 'Length of a sliding rate-limit window: one minute, hour or day.',
});

@ObjectType({ description: "One sliding window of the caller's budget, as the limiter enforces it." })
export class RateLimitWindow {
  @Field(() => RateLimitWindowName)
  window!: RateLimitWindowName;

  @Field(() => Int, { nullable: true, description: 'Points allowed within any span of this length; null = unlimited.' })
  limit!: number | null;

  @Field(() => Int, { description: 'Points counted in the window now (this operation included).' })
  used!: number;

  @Field(() => Int, { nullable: true, description: 'limit − used; null = unlimited.' })
  remaining!: number | null;

  @Field(() => Date, {
    description: 'When every point counted now has left the window (now, when nothing is counted).',
  })
  resetAt!: Date;
}

@ObjectType({ description: "The caller's rate-limit budget. Costs 1 point like any query." })
export class RateLimitStatus {
  @Field(() => TierEnum)
  tier!: Tier;

  @Field(() => Int, { description: 'Points charged for the current operation.' })
  cost!: number;

  @Field(() => [RateLimitWindow], { description: 'MINUTE, HOUR and DAY, in that order.' })
  windows!: RateLimitWindow[];
}
