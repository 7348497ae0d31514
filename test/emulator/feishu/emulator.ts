/** FeishuEmulator: the public face that wires the parts together and owns the HTTP server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenStore } from './auth.js';
import { Directory } from './contact.js';
import { FailureQueue } from './failures.js';
import { MessageService } from './messages.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { createRequestListener } from './server.js';
import type {
  EmulatedUser,
  FeishuEmulatorOptions,
  PatchRecord,
  RequestRecord,
  ScriptedFailure,
  SentMessage,
} from './types.js';

export const DEFAULT_APP_ID = 'cli_0123456789abcdef';
export const DEFAULT_APP_SECRET = 'emulator-secret';
export const DEFAULT_TENANT_KEY = 'emulator_tenant';

interface Waiter {
  n: number;
  resolve: () => void;
}

export class FeishuEmulator {
  readonly url: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly tenantKey: string;

  private readonly requestLog: RequestRecord[] = [];
  private waiters: Waiter[] = [];
  private readonly pendingDelays = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    private readonly parts: {
      tokens: TokenStore;
      directory: Directory;
      messages: MessageService;
      failures: FailureQueue;
      limiters: SlidingWindowLimiter[];
    },
    ids: { url: string; appId: string; appSecret: string; tenantKey: string },
  ) {
    this.url = ids.url;
    this.appId = ids.appId;
    this.appSecret = ids.appSecret;
    this.tenantKey = ids.tenantKey;
  }

  /** Start an emulator listening on 127.0.0.1 and a random port (unless `opts.port`). */
  static async start(opts: FeishuEmulatorOptions = {}): Promise<FeishuEmulator> {
    const appId = opts.appId ?? DEFAULT_APP_ID;
    const appSecret = opts.appSecret ?? DEFAULT_APP_SECRET;
    const tenantKey = opts.tenantKey ?? DEFAULT_TENANT_KEY;
    const clock = opts.clock ?? Date.now;
    const appLimits = [new SlidingWindowLimiter(opts.appRatePerSecond ?? 50, 1000)];
    const perMinute = opts.appRatePerMinute === undefined ? 1000 : opts.appRatePerMinute;
    if (perMinute !== null) appLimits.push(new SlidingWindowLimiter(perMinute, 60_000));
    const recipient = new SlidingWindowLimiter(opts.recipientRatePerSecond ?? 5, 1000);
    const patch = new SlidingWindowLimiter(opts.patchRatePerSecond ?? 5, 1000);

    const directory = new Directory(opts.users);
    const tokens = new TokenStore(appId, appSecret, opts.tokenTtlSeconds ?? 7200);
    const failures = new FailureQueue();
    // `emulator` is assigned before the server can receive a request.
    let emulator: FeishuEmulator | undefined;
    const messages = new MessageService({
      appId,
      tenantKey,
      directory,
      limits: { app: appLimits, recipient, patch },
      onMessage: () => emulator?.wakeWaiters(),
    });
    const server = createServer();
    server.on(
      'request',
      createRequestListener({
        clock,
        tokens,
        directory,
        messages,
        failures,
        appRatePerSecond: appLimits[0]!.limit,
        record: (r) => emulator?.requestLog.push(r),
        delay: (ms) => emulator!.delay(ms),
      }),
    );
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    emulator = new FeishuEmulator(
      server,
      { tokens, directory, messages, failures, limiters: [...appLimits, recipient, patch] },
      { url: `http://${host}:${port}`, appId, appSecret, tenantKey },
    );
    return emulator;
  }

  /** Every message actually created, in order (uuid-deduplicated repeats are not here). */
  get messages(): ReadonlyArray<SentMessage> {
    return this.parts.messages.messages;
  }

  get patches(): ReadonlyArray<PatchRecord> {
    return this.parts.messages.patches;
  }

  /** Every request received, rejected ones included. */
  get requests(): ReadonlyArray<RequestRecord> {
    return this.requestLog;
  }

  /** Messages whose receive_id, chat_id or recipient open_id is `receiveId`. */
  messagesTo(receiveId: string): SentMessage[] {
    return this.messages.filter(
      (m) => m.receive_id === receiveId || m.chat_id === receiveId || m.recipient_open_id === receiveId,
    );
  }

  addUser(user: EmulatedUser): void {
    this.parts.directory.add(user);
  }

  /** Register a group chat. botIsMember false makes sends to it fail with 230002. */
  addChat(chatId: string, opts: { botIsMember?: boolean } = {}): void {
    this.parts.messages.addChat({ chat_id: chatId, botIsMember: opts.botIsMember ?? true });
  }

  /** The p2p chat id the emulator uses for messages to this user. */
  p2pChatId(openId: string): string {
    return this.parts.messages.p2pChatId(openId);
  }

  /** Queue a scripted failure for the next matching request(s). */
  failNext(failure: ScriptedFailure): void {
    this.parts.failures.push(failure);
  }

  /** Invalidate every tenant_access_token issued so far. */
  revokeTokens(): void {
    this.parts.tokens.revokeAll();
  }

  /** Resolves with all messages once at least `n` exist; rejects after `timeoutMs`. */
  waitForMessages(n: number, timeoutMs = 5000): Promise<SentMessage[]> {
    if (this.messages.length >= n) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve([...this.messages]);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`waitForMessages: wanted ${n} messages, have ${this.messages.length} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Clear messages, patches, requests, uuids, rate-limit windows and queued failures. Users, chats and tokens stay. */
  reset(): void {
    this.parts.messages.clear();
    this.requestLog.length = 0;
    this.parts.failures.clear();
    for (const l of this.parts.limiters) l.reset();
  }

  /** Close the server and every open connection; delayed replies are dropped. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
    });
    this.server.closeAllConnections();
    for (const wake of [...this.pendingDelays]) wake();
    await closed;
  }

  private wakeWaiters(): void {
    const ready = this.waiters.filter((w) => this.messages.length >= w.n);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.pendingDelays.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pendingDelays.add(wake);
    });
  }
}
