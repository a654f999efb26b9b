import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  PROCESSING_STAGES,
  STAGE_STATUSES,
  type ProcessingStage,
  type ResourceProgress,
  type StageProgress,
  type StageStatus,
} from '../../../shared/status-tracker/index.js';

/** GraphQL enum objects built from the kernel's lists, so the two can never drift apart. */
export const ProcessingStageEnum = Object.fromEntries(PROCESSING_STAGES.map((s) => [s, s])) as {
  [K in ProcessingStage]: K;
};
export const StageStatusEnum = Object.fromEntries(STAGE_STATUSES.map((s) => [s, s])) as { [K in StageStatus]: K };

registerEnumType(ProcessingStageEnum, {
  name: 'ProcessingStage',
  description: 'The five processing stages; `ResourceProgress.stages` lists them in execution order.',
});
registerEnumType(StageStatusEnum, {
  name: 'StageStatus',
  description: 'Status of one stage, or of a resource overall.',
});

@ObjectType('StageProgress', { description: 'Progress of one processing stage.' })
export class StageProgressType implements StageProgress {
  @Field(() => ProcessingStageEnum)
  stage!: ProcessingStage;

  @Field(() => StageStatusEnum)
  status!: StageStatus;

  @Field(() => String, { nullable: true, description: 'Why the stage failed (FAILED only).' })
  error!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the current or last attempt started.' })
  startedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the stage completed or failed (null while PENDING or PROCESSING).',
  })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'Number of the current or last attempt (0 = never started).' })
  attempt!: number;
}

@ObjectType('ResourceProgress', { description: 'Live processing progress of a resource. See docs/status-tracking.md.' })
export class ResourceProgressType implements Omit<ResourceProgress, 'stages'> {
  @Field(() => ID)
  resourceId!: string;

  @Field(() => StageStatusEnum, {
    description: 'Any stage FAILED → FAILED; all COMPLETED → COMPLETED; all PENDING → PENDING; else PROCESSING.',
  })
  overallStatus!: StageStatus;

  @Field(() => Float, { description: 'Completed stages ÷ 5 × 100.' })
  percent!: number;

  @Field(() => [StageProgressType], { description: 'All five stages, in execution order.' })
  stages!: StageProgressType[];

  @Field(() => String, { nullable: true, description: 'The first failed stage’s error, if any.' })
  error!: string | null;

  @Field(() => Date, { description: 'When progress last changed.' })
  updatedAt!: Date;

  version!: number;
}
