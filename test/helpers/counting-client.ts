/** A Prisma client that counts its model calls: each `db.model.method(...)` is one query. */
import type { PrismaClient } from '../../src/generated/prisma/client.js';

export function countingClient(db: PrismaClient): { client: PrismaClient; count: () => number } {
  let queries = 0;
  const client = new Proxy(db, {
    get(target, prop) {
      const model = Reflect.get(target, prop) as unknown;
      if (typeof prop !== 'string' || typeof model !== 'object' || model === null) return model;
      return new Proxy(model, {
        get(m, method) {
          const fn = Reflect.get(m, method) as unknown;
          if (typeof fn !== 'function') return fn;
          return (...args: unknown[]) => {
            queries++;
            return (fn as (...a: unknown[]) => unknown).apply(m, args);
          };
        },
      });
    },
  });
  return { client, count: () => queries };
}
