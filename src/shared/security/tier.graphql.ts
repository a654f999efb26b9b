import { registerEnumType } from 'type-graphql';
import type { Tier } from '../../config/index.js';

/**
 * The GraphQL `Tier` enum (FREE, PREMIUM, ADMIN), registered once here so every slice that exposes a
 * tier (User.tier, rate-limit status) uses the same type: `@Field(() => TierEnum)`.
 */
export const TierEnum = { FREE: 'FREE', PREMIUM: 'PREMIUM', ADMIN: 'ADMIN' } as const satisfies Record<Tier, Tier>;

registerEnumType(TierEnum, { name: 'Tier', description: 'Service tier: decides rate limits and subscription caps.' });
