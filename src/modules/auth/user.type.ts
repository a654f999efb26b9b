import { Field, ID, ObjectType } from 'type-graphql';
import type { Tier } from '../../config/index.js';
import { TierEnum } from '../../shared/security/index.js';

@ObjectType({ description: 'A Pharos account.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Lower-cased; unique regardless of case.' })
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => TierEnum)
  tier!: Tier;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastLoginAt!: Date | null;
}

/** The public fields of a user row. */
export function toUser(row: {
  id: string;
  email: string;
  name: string | null;
  tier: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}): User {
  return Object.assign(new User(), {
    id: row.id,
    email: row.email,
    name: row.name,
    tier: row.tier as Tier,
    createdAt: row.createdAt,
    lastLoginAt: row.lastLoginAt,
  });
}
