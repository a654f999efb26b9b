import type { RequestContext } from '../context.js';
import { AppError } from '../errors.js';
import type { OperationGuard } from '../operation-guard.js';
import { analyzeQuery, type QueryAnalysis } from './query-cost.js';

const ANALYSIS_KEY = 'rate-limit:analysis';

export interface ComplexityGuardOptions {
  /** MAX_QUERY_COST: operations costing more points are refused. */
  readonly maxCost: number;
  /** MAX_QUERY_DEPTH: operations nesting fields deeper are refused. */
  readonly maxDepth: number;
  /** Root fields that cost nothing (the modules' `freeOperations`). */
  readonly freeRootFields?: ReadonlySet<string>;
}

/**
 * Guard: computes the operation's cost and depth (query-cost.ts) before execution, refuses it with
 * QUERY_TOO_COMPLEX (`extensions: { cost, maxCost }` or `{ depth, maxDepth }`) when over a maximum,
 * and leaves the analysis on the context for the rate-limit guard.
 */
export function createComplexityGuard(options: ComplexityGuardOptions): OperationGuard {
  if (!(options.maxCost >= 1) || !(options.maxDepth >= 1))
    throw new TypeError('maxCost and maxDepth must be at least 1');
  return ({ ctx, schema, document, operation, variables }) => {
    const analysis = analyzeQuery({ schema, document, operation, variables, freeRootFields: options.freeRootFields });
    ctx.loaders.set(ANALYSIS_KEY, analysis);
    if (analysis.depth > options.maxDepth) {
      throw new AppError(
        'QUERY_TOO_COMPLEX',
        `Query is nested ${analysis.depth} levels deep; the maximum is ${options.maxDepth}`,
        {
          extensions: { depth: analysis.depth, maxDepth: options.maxDepth },
        },
      );
    }
    if (analysis.cost > options.maxCost) {
      throw new AppError(
        'QUERY_TOO_COMPLEX',
        `Query costs ${analysis.cost} points; the maximum is ${options.maxCost}`,
        {
          extensions: { cost: analysis.cost, maxCost: options.maxCost },
        },
      );
    }
  };
}

/** The analysis the complexity guard stored for this operation, if it ran. */
export function queryAnalysisOf(ctx: RequestContext): QueryAnalysis | undefined {
  return ctx.loaders.get(ANALYSIS_KEY) as QueryAnalysis | undefined;
}
