import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Quality scores written by the QUALITY stage, each in 0..1.' })
export class ResourceQuality {
  @Field(() => Float, { description: 'Weighted mean of the four dimensions.' })
  overall!: number;

  @Field(() => Float, { nullable: true })
  completeness!: number | null;

  @Field(() => Float, { nullable: true })
  readability!: number | null;

  @Field(() => Float, { nullable: true })
  depth!: number | null;

  @Field(() => Float, { nullable: true })
  credibility!: number | null;
}
