import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Resource } from '../resource.type.js';

export enum RelationKind {
  CITES = 'CITES',
  CITED_BY = 'CITED_BY',
  SIMILAR = 'SIMILAR',
}
registerEnumType(RelationKind, {
  name: 'RelationKind',
  description: 'CITES: this resource links to the other; CITED_BY: the other links here; SIMILAR: close embeddings.',
});

@ObjectType({ description: 'A resource linked to another by the GRAPH stage.' })
export class RelatedResource {
  @Field(() => Resource)
  resource!: Resource;

  @Field(() => Float, { description: 'Edge weight in 0..1 (higher is closer).' })
  weight!: number;

  @Field(() => RelationKind)
  kind!: RelationKind;
}
