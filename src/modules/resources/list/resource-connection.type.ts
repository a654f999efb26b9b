import { Field, ObjectType } from 'type-graphql';
import { Resource } from '../resource.type.js';

@ObjectType()
export class ResourceEdge {
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this resource.' })
  cursor!: string;

  @Field(() => Resource)
  node!: Resource;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when `after` was given (pagination is forward-only).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'A page of resources (Relay-style cursor connection).' })
export class ResourceConnection {
  @Field(() => [ResourceEdge])
  edges!: ResourceEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Counts the filtered set; resolved by a field resolver only when requested. */
  countTotal!: () => Promise<number>;
}
