import { Field, Int, ObjectType } from 'type-graphql';
import { User } from './user.type.js';

@ObjectType({
  description: 'Tokens of a new session. Send `Authorization: Bearer <accessToken>`; renew with `refresh`.',
})
export class AuthPayload {
  @Field(() => String, { description: 'JWT, valid `expiresIn` seconds.' })
  accessToken!: string;

  @Field(() => String, { description: 'Opaque, single use: `refresh` returns a new one and retires this one.' })
  refreshToken!: string;

  @Field(() => String, { description: 'Always "Bearer".' })
  tokenType!: string;

  @Field(() => Int, { description: 'Access-token lifetime in seconds.' })
  expiresIn!: number;

  @Field(() => User)
  user!: User;
}
