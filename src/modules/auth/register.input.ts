import { Field, InputType } from 'type-graphql';

@InputType()
export class RegisterInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, { description: '8 to 1024 characters.' })
  password!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}
