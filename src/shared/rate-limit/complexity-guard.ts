import { AppError } from '../errors.js';
import type { OperationGuard } from '../operation-guard.js';
import { analyzeQuery, type QueryAnalysis } from './query-cost.js';

export interface ComplexityGuardOptions {
  /** MAX_QUERY_COST: operations costing more points are refused. */
  readonly maxCost: number;
  /** MAX_QUERY_DEPTH: operations nesting fields deeper are refused. */
  readonly maxDepth: number;
  /** Root fields that cost nothing (the modules' `freeOperations`). */
  readonly freeRootFields?: ReadonlySet<string>;
}

/**
 * Prices an operation: computes its cost and depth (query-cost.ts) before execution and refuses it with
 * QUERY_TOO_COMPLEX (`extensions: { cost, maxCost }` or `{ depth, maxDepth }`) when over a maximum.
 * @returns the analysis (the caller records it on `ctx.operation` and charges it).
 */
export function createOperationPricer(
  options: ComplexityGuardOptions,
): (args: Omit<Parameters<OperationGuard>[0], 'ctx'>) => QueryAnalysis {
  if (!(options.maxCost >= 1) || !(options.maxDepth >= 1))
    throw new TypeError('maxCost and maxDepth must be at least 1');
  return ({ schema, document, operation, variables }) => {
    const analysis = analyzeQuery({ schema, document, operation, variables, freeRootFields: options.freeRootFields });
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
    return analysis;
  };
}
