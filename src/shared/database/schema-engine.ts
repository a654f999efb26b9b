import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type {
  ApplyMigrationsOutput,
  DiagnoseMigrationHistoryOutput,
  DiffTarget,
  MigrationList,
  SchemaEngine,
  SchemaFilter,
} from '@prisma/schema-engine-wasm/schema_engine_bg';
import { detectProvider, type DatabaseProvider } from '../../config/index.js';
import { createEngineAdapter } from './schema-engine-adapter.js';

export type {
  DiagnoseMigrationHistoryOutput,
  DiffTarget,
  MigrationList,
} from '@prisma/schema-engine-wasm/schema_engine_bg';

type WasmBindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

// The WebAssembly global exists in Node but neither lib ES2023 nor @types/node 20 declares it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: unknown };
};

let bindings: Promise<WasmBindings> | undefined;

/**
 * Loads and instantiates the WebAssembly schema engine once per process.
 * The package entry imports its `.wasm` as an ES module, which Node 20 refuses, so we instantiate the
 * bindings module by hand: read `schema_engine_bg.wasm`, hand its instance to the JS bindings, start it.
 */
function loadBindings(): Promise<WasmBindings> {
  bindings ??= (async () => {
    const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const jsFile = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(jsFile), 'schema_engine_bg.wasm'));
    // The engine races its PostgreSQL advisory-lock query against a 10 s setTimeout it never clears,
    // which would keep every migrating process alive 10 s after its work is done: unref those timers.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './schema_engine_bg.js': imports });
    const exports = instance.exports as { __wbindgen_start(): void };
    bg.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return bg;
  })().catch((err: unknown) => {
    bindings = undefined;
    throw err;
  });
  return bindings;
}

export interface OpenSchemaEngineOptions {
  /** A normalised URL: `postgresql://…` or `file:path` (`file::memory:` for a scratch engine). */
  readonly url: string;
  /** The Prisma schema text the engine starts with; its datasource provider must match `url`. */
  readonly datamodel?: string;
  /** Receives the engine's JSON log lines. They may contain SQL: keep them out of production logs. */
  readonly onEngineLog?: (line: string) => void;
}

/** The result of a diff: the SQL script (or summary) and whether the two sides differ. */
export interface SchemaDiff {
  readonly changed: boolean;
  readonly output: string;
}

/** A live schema engine bound to one database. Not safe for concurrent calls: await each one. */
export interface SchemaEngineHandle {
  readonly provider: DatabaseProvider;
  /** Applies the unapplied migrations of `list`, like `prisma migrate deploy`. */
  applyMigrations(list: MigrationList): Promise<ApplyMigrationsOutput>;
  /** Compares `list` with the database's `_prisma_migrations` table; never writes. */
  diagnoseMigrationHistory(list: MigrationList): Promise<DiagnoseMigrationHistoryOutput>;
  /** Diffs two schema sources; `script: true` yields executable SQL, else a human summary. */
  diff(from: DiffTarget, to: DiffTarget, options?: { script?: boolean }): Promise<SchemaDiff>;
  /** Frees the engine and closes every connection it opened. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the WebAssembly Prisma schema engine on a database through a driver adapter
 * (see `createEngineAdapter`: one dedicated PostgreSQL connection, or a better-sqlite3 file).
 * The engine needs no native binary and no network.
 * @throws the engine's Error (some carry a Prisma `code`, e.g. P1002) when it cannot connect or the database is missing.
 */
export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngineHandle> {
  const provider = detectProvider(options.url);
  const bg = await loadBindings();
  const adapter = createEngineAdapter(options.url);
  let engine: SchemaEngine;
  try {
    engine = await bg.SchemaEngine.new(
      { datamodels: options.datamodel === undefined ? undefined : [['schema.prisma', options.datamodel]] },
      (line: string) => options.onEngineLog?.(line),
      adapter.factory,
    );
  } catch (err) {
    await adapter.release();
    adapter.explain(err);
  }
  let closed = false;
  return {
    provider,
    applyMigrations: (migrationsList) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTER }).catch(adapter.explain),
    diagnoseMigrationHistory: (migrationsList) =>
      engine
        .diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER })
        .catch(adapter.explain),
    async diff(from, to, diffOptions) {
      // exitCode: true makes the engine report 2 when the sides differ, so no output parsing is needed.
      const result = await engine
        .diff({ from, to, script: diffOptions?.script ?? true, exitCode: true, filters: NO_FILTER })
        .catch(adapter.explain);
      return { changed: result.exitCode === 2, output: result.stdout ?? '' };
    },
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await adapter.release();
    },
  };
}
