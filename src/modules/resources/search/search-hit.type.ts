import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Resource } from '../resource.type.js';

@ObjectType({
  description: 'A highlighted range of `SearchHit.snippet`: snippet.slice(start, end) == text (UTF-16 offsets).',
})
export class SearchHighlight {
  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  end!: number;

  @Field(() => String)
  text!: string;
}

@ObjectType({ description: 'One search result (docs/search.md explains the scores).' })
export class SearchHit {
  @Field(() => Resource)
  resource!: Resource;

  @Field(() => Float, {
    description: 'The ranking score of the chosen mode: keywordScore, semanticScore or the RRF score.',
  })
  score!: number;

  @Field(() => Float, { nullable: true, description: 'Full-text relevance in 0..1 (null: no word matched).' })
  keywordScore!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Cosine similarity of the best chunk, -1..1 (null: not computed in this mode, or no vectors).',
  })
  semanticScore!: number | null;

  @Field(() => String, { description: 'Text around the match (or from the best-matching chunk).' })
  snippet!: string;

  @Field(() => [SearchHighlight])
  highlights!: SearchHighlight[];
}
