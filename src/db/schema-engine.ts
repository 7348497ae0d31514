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
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate(
        bytes: Uint8Array,
        imports: Record<string, unknown>,
      ): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  }
).WebAssembly;
let loaded: Promise<void> | undefined;

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
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loaded;
}

/** Prisma's own schema engine (migrate deploy, migrate dev, diff) running in-process over a driver adapter. */
export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schema?: { path: string; content: string },
  onLog: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  await loadWasm();
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  try {
    return await bg.SchemaEngine.new(
      { datamodels: schema ? [[schema.path, schema.content]] : undefined },
      onLog,
      bound,
    );
  } catch (e) {
    const registry = bound.errorRegistry as unknown as { lookupError(e: unknown): { error: unknown } | undefined };
    throw registry.lookupError(e)?.error ?? e;
  }
}
