import { Field, InputType, registerEnumType } from 'type-graphql';

export enum ResourceOrderField {
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  QUALITY = 'QUALITY',
  TITLE = 'TITLE',
}
registerEnumType(ResourceOrderField, {
  name: 'ResourceOrderField',
  description: 'Sort key of `resources`; ties break on id in the same direction.',
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@InputType({
  description: 'Order of a `resources` page. Resources without a quality score or title sort last in both directions.',
})
export class ResourceOrder {
  @Field(() => ResourceOrderField, { defaultValue: ResourceOrderField.CREATED_AT })
  field: ResourceOrderField = ResourceOrderField.CREATED_AT;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction: OrderDirection = OrderDirection.DESC;
}
