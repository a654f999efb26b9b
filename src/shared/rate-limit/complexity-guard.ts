import { AppError } from '../errors.js';
import type { OperationGuard } from '../operation-guard.js';
import { analyzeQuery, type QueryAnalysis } from './query-cost.js';

export interface ComplexityGuardOptions {
  /** MAX_QUERY_COST: operations costing more points are refused. */
  readonly maxCost: number;
  /** MAX_QUERY_DEPTH: operations nesting fields deeper are refused. */
  readonly maxDepth: number;
  /** MAX_QUERY_NODES: operations that can return more objects are refused (default: unbounded). */
  readonly maxNodes?: number;
  /** MAX_QUERY_ALIASES: operations with more aliased fields are refused (default: unbounded). */
  readonly maxAliases?: number;
  /** Root fields free on their own (the modules' `freeOperations`). */
  readonly freeRootFields?: ReadonlySet<string>;
}

/**
 * Prices an operation: computes its cost, nodes, aliases and depth (query-cost.ts) before execution and refuses
 * it with QUERY_TOO_COMPLEX when over a maximum, checked in this order: `{ aliases, maxAliases }`,
 * `{ depth, maxDepth }`, `{ nodes, maxNodes }`, `{ cost, maxCost }`.
 * @returns the analysis (the caller records it on `ctx.operation` and charges it).
 * @throws TypeError at construction when a maximum is below 1.
 */
export function createOperationPricer(
  options: ComplexityGuardOptions,
): (args: Omit<Parameters<OperationGuard>[0], 'ctx'>) => QueryAnalysis {
  const maxNodes = options.maxNodes ?? Number.POSITIVE_INFINITY;
  const maxAliases = options.maxAliases ?? Number.POSITIVE_INFINITY;
  if (!(options.maxCost >= 1) || !(options.maxDepth >= 1) || !(maxNodes >= 1) || !(maxAliases >= 1))
    throw new TypeError('maxCost, maxDepth, maxNodes and maxAliases must be at least 1');
  const refuse = (message: string, extensions: Record<string, number>): AppError =>
    new AppError('QUERY_TOO_COMPLEX', message, { extensions });
  return ({ schema, document, operation, variables }) => {
    const analysis = analyzeQuery({ schema, document, operation, variables, freeRootFields: options.freeRootFields });
    if (analysis.aliases > maxAliases)
      throw refuse(`Query uses ${analysis.aliases} aliases; the maximum is ${maxAliases}`, {
        aliases: analysis.aliases,
        maxAliases,
      });
    if (analysis.depth > options.maxDepth)
      throw refuse(`Query is nested ${analysis.depth} levels deep; the maximum is ${options.maxDepth}`, {
        depth: analysis.depth,
        maxDepth: options.maxDepth,
      });
    if (analysis.nodes > maxNodes)
      throw refuse(`Query can return ${analysis.nodes} objects; the maximum is ${maxNodes}`, {
        nodes: analysis.nodes,
        maxNodes,
      });
    if (analysis.cost > options.maxCost)
      throw refuse(`Query costs ${analysis.cost} points; the maximum is ${options.maxCost}`, {
        cost: analysis.cost,
        maxCost: options.maxCost,
      });
    return analysis;
  };
}
