// The embedded database's thread: PGlite (PostgreSQL compiled to WebAssembly) and pglite-prisma-adapter run here,
// and the main thread's Prisma client reaches them through a thin driver adapter (src/db/pglite-remote.ts). PGlite
// executes synchronously, so in the main thread every statement held up HTTP handling; here it uses the second core.
//
// Plain JavaScript on purpose: a worker thread's entry point does not go through the tsx loader on Node 20.
//
//   workerData   { dataDir, replies: MessagePort }
//   main → here  (parentPort) { id, op, tx?, query?, sql?, params?, script?, isolationLevel? }
//   here → main  (replies)    { id, result } | { id, error: { driver?: cause, message, name } }
//   id 0 answers the start: the adapter's name once the database is open, or why it could not be opened.
//
// Ordering and isolation are PGlite's own: a statement outside a transaction waits for an open transaction to end,
// exactly as when PGlite ran in the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PGLITE_OPTIONS } from './pglite-settings.mjs';

const { dataDir, replies } = workerData;

const toWire = (e) =>
  e && e.name === 'DriverAdapterError'
    ? { driver: e.cause, message: e.message, name: e.name }
    : { message: e instanceof Error ? e.message : String(e), name: e instanceof Error ? e.name : 'Error' };

try {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir, PGLITE_OPTIONS);
  const adapter = await new PrismaPGlite(pg).connect();
  const transactions = new Map();
  let nextTx = 1;

  const ops = {
    queryRaw: (m) => (m.tx ? tx(m.tx) : adapter).queryRaw(m.query),
    executeRaw: (m) => (m.tx ? tx(m.tx) : adapter).executeRaw(m.query),
    // A plain statement, without the Prisma adapter's conversions: the intake's hot path (src/inbox/inbox.ts).
    // Like the adapter's own statements outside a transaction, it waits for an open transaction to end.
    query: async (m) => (await pg.query(m.sql, m.params)).rows,
    // pglite-prisma-adapter 0.7.2 does not await its script, so a failing migration would be reported as applied.
    executeScript: async (m) => {
      await pg.exec(m.script);
    },
    startTransaction: async (m) => {
      const t = await adapter.startTransaction(m.isolationLevel);
      const id = nextTx++;
      transactions.set(id, t);
      return { tx: id, options: t.options };
    },
    commit: (m) => end(m.tx, 'commit'),
    rollback: (m) => end(m.tx, 'rollback'),
    close: async () => {
      await pg.close();
      parentPort.close();
      return null;
    },
  };
  function tx(id) {
    const t = transactions.get(id);
    if (!t) throw new Error(`no open transaction ${id}`);
    return t;
  }
  async function end(id, how) {
    const t = tx(id);
    transactions.delete(id);
    await t[how]();
    return null;
  }

  parentPort.on('message', (m) => {
    let p;
    try {
      p = Promise.resolve(ops[m.op](m));
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (result) => replies.postMessage({ id: m.id, result }),
      (e) => replies.postMessage({ id: m.id, error: toWire(e) }),
    );
  });
  replies.postMessage({ id: 0, result: adapter.adapterName });
} catch (e) {
  replies.postMessage({ id: 0, error: toWire(e) });
  parentPort.close();
}
