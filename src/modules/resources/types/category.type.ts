import { Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A node of the built-in taxonomy.' })
export class Category {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Slash-joined ancestry, e.g. "science/physics".' })
  path!: string;
}

@ObjectType({ description: 'A category assigned to a resource, by the TAXONOMY stage or by the owner (manual).' })
export class ResourceCategory {
  @Field(() => Category)
  category!: Category;

  @Field(() => Float, { description: 'Classifier confidence in 0..1 (1 for manual assignments).' })
  confidence!: number;

  @Field(() => Boolean, { description: 'Set by updateResource; kept until the resource is reprocessed.' })
  manual!: boolean;
}
