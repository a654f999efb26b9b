import { Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * A user's resource. Its heavier fields (contentPreview, content, quality, categories, related, progress) come
 * from field resolvers in their own files (fields/).
 */
@ObjectType({ description: 'A resource the caller ingested (URL, document or text).' })
export class Resource {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  url!: string | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  language!: string | null;

  @Field(() => Int)
  wordCount!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  // Not exposed directly: used by field resolvers.
  ownerId!: string;
}
