import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new resource: exactly one of `url` or `content`.' })
export class CreateResourceInput {
  @Field(() => String, { nullable: true, description: 'An http(s) URL to fetch (at most 2,048 characters).' })
  url?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Text or Markdown (at most 5 MB). Identical content you already submitted returns that resource.',
  })
  content?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'At most 500 characters; extracted from the document when omitted.',
  })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 5,000 characters; taken from the page when omitted.' })
  description?: string | null;
}
