import {
  defaultFieldResolver,
  getNamedType,
  isLeafType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { throwIfCancelled, type RequestContext } from '../shared/context.js';

const METERED = Symbol('pharos.metered');

/**
 * Wraps every field resolver of `schema` (in place, once) so that on HTTP and WebSocket alike:
 * - no resolver starts after the operation's signal was aborted (deadline, client gone, response cap);
 * - a pending resolver settles with the abort reason as soon as the signal aborts, so the operation answers
 *   at its deadline even while a slow step is still in flight (whose result is then dropped);
 * - every resolved value is counted into the context's response meter (keys and leaf values, UTF-8 bytes),
 *   which aborts the operation once the answer passes MAX_RESPONSE_BYTES, long before the JSON is built.
 * Introspection meta-fields (`__schema`, `__type`) are not schema fields and are not wrapped.
 */
export function meterResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const inner = (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, unknown> & {
        [METERED]?: true;
      };
      if (inner[METERED]) continue;
      const outer: GraphQLFieldResolver<unknown, unknown> & { [METERED]?: true } = (source, args, ctx, info) => {
        const control = ctx as Partial<Pick<RequestContext, 'signal' | 'meter'>> | undefined;
        if (!control?.signal || !control.meter) return inner(source, args, ctx, info);
        throwIfCancelled(control.signal);
        const meter = control.meter;
        const value = inner(source, args, ctx, info);
        if (!isPromiseLike(value)) {
          meter.add(sizeOf(value, info));
          return value;
        }
        return untilAborted(value, control.signal).then((resolved) => {
          meter.add(sizeOf(resolved, info));
          return resolved;
        });
      };
      outer[METERED] = true;
      field.resolve = outer;
    }
  }
  return schema;
}

/** `"key":` plus the value when it is a leaf (objects are counted by their own fields). */
function sizeOf(value: unknown, info: GraphQLResolveInfo): number {
  const key = info.fieldNodes[0]?.alias?.value ?? info.fieldName;
  return key.length + 3 + (isLeafType(getNamedType(info.returnType)) ? leafBytes(value) : 2);
}

function leafBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8') + 2;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + leafBytes(item) + 1, 2);
  if (value === null || value === undefined) return 4;
  // Numbers, booleans, enum values and DateTimes serialise to a few dozen bytes at most.
  return 24;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function untilAborted<T>(value: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    value.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}
