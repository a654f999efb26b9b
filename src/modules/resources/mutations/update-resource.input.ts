import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Fields to change; omitted fields keep their value, null clears title or description.' })
export class UpdateResourceInput {
  @Field(() => String, { nullable: true, description: 'At most 500 characters.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 5,000 characters.' })
  description?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      'Replaces the categories with these (manual, confidence 1). They override the TAXONOMY stage until the resource is reprocessed. [] removes all.',
  })
  categoryIds?: string[] | null;
}
