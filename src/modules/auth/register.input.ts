import { Field, InputType } from 'type-graphql';

@InputType()
export class RegisterInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, {
    description:
      '8 to 1024 characters after NFKC normalisation; not a common password, not containing the email (BAD_USER_INPUT with extensions.reason otherwise).',
  })
  password!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}
