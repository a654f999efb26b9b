import { Field, Float, ID, InputType } from 'type-graphql';
import type { StageStatus } from '../../../shared/status-tracker/index.js';
import { StageStatusEnum } from '../progress/progress.types.js';

@InputType({ description: 'Narrows `resources` and `search`. All given conditions must hold.' })
export class ResourceFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Full-text match on title, description and content: every word except stopwords, stemmed.',
  })
  text?: string | null;

  @Field(() => ID, { nullable: true, description: 'Resources in this category or any of its descendants.' })
  categoryId?: string | null;

  @Field(() => Float, { nullable: true, description: 'quality.overall ≥ this (unscored resources are excluded).' })
  minQuality?: number | null;

  @Field(() => StageStatusEnum, { nullable: true, description: 'Overall processing status.' })
  status?: StageStatus | null;

  @Field(() => String, { nullable: true, description: 'ISO 639-1 code as detected by ingestion, e.g. "en".' })
  language?: string | null;

  @Field(() => Date, { nullable: true, description: 'createdAt ≥ this instant.' })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'createdAt < this instant.' })
  createdBefore?: Date | null;
}
