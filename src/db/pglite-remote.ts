import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from '@prisma/driver-adapter-utils';
import { initDataDirIfNew } from './pglite-init.js';

/** The database thread's young generation (see `start`). */
const DB_THREAD_YOUNG_GENERATION_MB = 3;

type WireError = { driver?: ConstructorParameters<typeof DriverAdapterError>[0]; message: string; name: string };
type Reply = { id: number; result: unknown } | { id: number; error: WireError };
type Request =
  | { op: 'queryRaw' | 'executeRaw'; tx?: number; query: SqlQuery }
  | { op: 'query'; sql: string; params: unknown[] }
  | { op: 'executeScript'; script: string }
  | { op: 'startTransaction'; isolationLevel?: IsolationLevel }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'close' };

/**
 * The embedded database in a worker thread (src/db/pglite-thread.mjs), seen from this thread as a Prisma driver
 * adapter factory. Statements are forwarded as they come (pipelined); the thread runs them in PGlite's own order.
 *
 * Replies arrive on a port of their own so that `pump` can take them synchronously: whenever a statement is sent,
 * the replies already waiting are settled first. A transaction in progress then moves on without waiting for this
 * thread's event loop to come round, which under load can take many requests' worth of time.
 */
export class PGliteThread implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: unknown) => void }>();
  private ended: Error | undefined;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly replies: MessagePort,
    readonly adapterName: string,
  ) {}

  /** Starts the thread and opens the database under `dataDir` (`memory://` for an in-memory one). */
  static async start(dataDir: string, onDeath: (err: Error) => void = () => {}): Promise<PGliteThread> {
    await initDataDirIfNew(dataDir);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./pglite-thread.mjs', import.meta.url), {
      workerData: { dataDir, replies: port2 },
      transferList: [port2],
      // No tsx or test-runner flags in the thread; `npm run bench` can ask for a CPU profile of it (bench/child.ts).
      execArgv: process.env.BENCH_CPU_PROF_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
        : [],
      // This thread's JavaScript allocates little (PGlite's protocol buffers; the data lives in WebAssembly memory),
      // so its young generation stays small whatever the process's `--max-semi-space-size` (which sizes the main
      // thread's, where every request allocates): 3 MB is two 1 MB semi-spaces and their large-object space.
      resourceLimits: { maxYoungGenerationSizeMb: DB_THREAD_YOUNG_GENERATION_MB },
    });
    const first = await new Promise<Reply>((resolve, reject) => {
      port1.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the database thread ended at start (code ${code})`)));
    });
    if ('error' in first) {
      await worker.terminate();
      port1.close();
      throw new Error(`the embedded database at ${dataDir} could not be opened: ${first.error.message}`);
    }
    const thread = new PGliteThread(worker, port1, String(first.result));
    port1.on('message', (m: Reply) => thread.settle(m));
    // An error in the thread is followed by its exit: the first of the two ends it, once.
    const end = (err: Error) => {
      if (thread.ended) return;
      thread.pump();
      thread.ended = err;
      for (const p of thread.pending.values()) p.reject(thread.ended);
      thread.pending.clear();
      port1.close();
      if (!thread.closing) onDeath(err);
    };
    worker.on('error', end);
    worker.on('exit', (code) =>
      end(new Error(thread.closing ? 'the database is closed' : `the database thread ended (code ${code})`)),
    );
    return thread;
  }

  connect(): Promise<SqlDriverAdapter> {
    return Promise.resolve(new RemoteAdapter(this));
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return Promise.reject(
      new Error('the embedded database has no shadow database; `npm run db:migration` makes migrations'),
    );
  }

  /** Settles every operation whose reply has already arrived. */
  pump(): void {
    if (this.pending.size === 0) return;
    for (let m = receiveMessageOnPort(this.replies); m; m = receiveMessageOnPort(this.replies))
      this.settle(m.message as Reply);
  }

  call<T>(request: Request): Promise<T> {
    if (this.ended) return Promise.reject(this.ended);
    this.pump();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  /** A plain statement in the thread, without Prisma: its rows as objects. */
  query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.call({ op: 'query', sql, params });
  }

  /** Finishes what was sent, closes PGlite cleanly (a checkpoint), and ends the thread. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.call({ op: 'close' });
    await exited;
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if ('result' in m) p.resolve(m.result);
    else if (m.error.driver) p.reject(new DriverAdapterError(m.error.driver));
    else p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
  }
}

class RemoteQueryable {
  readonly provider = 'postgres';
  readonly adapterName: string;

  constructor(
    protected readonly thread: PGliteThread,
    protected readonly tx?: number,
  ) {
    this.adapterName = thread.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.thread.call({ op: 'queryRaw', tx: this.tx, query });
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.thread.call({ op: 'executeRaw', tx: this.tx, query });
  }
}

class RemoteAdapter extends RemoteQueryable implements SqlDriverAdapter {
  executeScript(script: string): Promise<void> {
    return this.thread.call({ op: 'executeScript', script });
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const { tx, options } = await this.thread.call<{ tx: number; options: TransactionOptions }>({
      op: 'startTransaction',
      isolationLevel,
    });
    return new RemoteTransaction(this.thread, tx, options);
  }

  getConnectionInfo() {
    return { supportsRelationJoins: true };
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

class RemoteTransaction extends RemoteQueryable implements Transaction {
  constructor(
    thread: PGliteThread,
    private readonly id: number,
    readonly options: TransactionOptions,
  ) {
    super(thread, id);
  }

  commit(): Promise<void> {
    return this.thread.call({ op: 'commit', tx: this.id });
  }

  rollback(): Promise<void> {
    return this.thread.call({ op: 'rollback', tx: this.id });
  }
}
