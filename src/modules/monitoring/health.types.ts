import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'State of each dependency: up, down, or disabled (not used in this mode).' })
export class HealthComponents {
  @Field(() => String)
  database!: string;

  @Field(() => String)
  redis!: string;

  @Field(() => String)
  queue!: string;
}

@ObjectType({ description: 'Service health, identical to GET /monitoring/health.' })
export class Health {
  @Field(() => String, { description: 'healthy, degraded (Redis or queue down) or unhealthy (database down).' })
  status!: string;

  @Field(() => HealthComponents)
  components!: HealthComponents;

  @Field(() => String)
  version!: string;

  @Field(() => Int)
  uptimeSeconds!: number;
}
