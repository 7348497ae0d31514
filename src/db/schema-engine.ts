import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

/** The slice of the WebAssembly API used here (the project's `lib` has no DOM types). */
const wasmApi = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }> };
}).WebAssembly;
let loaded: Promise<void> | undefined;
/** The loaded instance's memory, and how many engines are open on it. */
let memory: { grow(pages: number): number } | undefined;
let open = 0;

/**
 * `@prisma/schema-engine-wasm` is built for bundlers (`import * as wasm from "./x.wasm"`), which Node
 * cannot do, so the module is instantiated here and handed to the JS glue with `__wbg_set_wasm`.
 */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    // The package's exports map does not list the .wasm file, so find it next to the entry point.
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm');
    const bytes = await readFile(wasmPath);
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    memory = instance.exports.memory as typeof memory;
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loaded;
}

/**
 * Lets the engine's WebAssembly instance, its compiled code and its memory be collected once the last engine is
 * freed: it is needed only while migrating at start, and would otherwise stay resident for the process's life.
 * The JS glue caches views of the memory; growing it by zero pages detaches those views, so it drops them and
 * reads the memory afresh should the engine be loaded again.
 */
function unloadWasm(): void {
  memory?.grow(0);
  memory = undefined;
  bg.__wbg_set_wasm(undefined);
  loaded = undefined;
}

/** Prisma's own schema engine (migrate deploy, migrate dev, diff) running in-process over a driver adapter. */
export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema?: { path: string; content: string },
  onLog: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  await loadWasm();
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  open++;
  let engine: SchemaEngine;
  try {
    engine = await bg.SchemaEngine.new({ datamodels: schema ? [[schema.path, schema.content]] : undefined }, onLog, bound);
  } catch (e) {
    if (--open === 0) unloadWasm();
    const registry = bound.errorRegistry as unknown as { lookupError(e: unknown): { error: unknown } | undefined };
    throw registry.lookupError(e)?.error ?? e;
  }
  // Freeing the last open engine unloads the WebAssembly module (see unloadWasm).
  const free = engine.free.bind(engine);
  engine.free = () => {
    free();
    if (--open === 0) unloadWasm();
  };
  return engine;
}
