/** FeishuEmulator: the public face that wires the parts together and owns the HTTP server. */
import { createServer, type Server } from 'node:http';
import { listen } from '../listen.js';
import { TokenStore } from './auth.js';
import { Directory } from './contact.js';
import { FailureQueue } from './failures.js';
import { HelpdeskService } from './helpdesk.js';
import { LongConnectionService, type PushAck } from './long-connection.js';
import { MessageService } from './messages.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { createRequestListener } from './server.js';
import { sendStats, type SendStats } from './send-stats.js';
import { ScopeGrants } from './scopes.js';
import type {
  EmulatedTicket,
  EmulatedUser,
  FeishuEmulatorOptions,
  PatchRecord,
  UrgentRecord,
  RequestRecord,
  ScriptedFailure,
  SentMessage,
} from './types.js';

export const DEFAULT_APP_ID = 'cli_0123456789abcdef';
export const DEFAULT_APP_SECRET = 'emulator-secret';
export const DEFAULT_TENANT_KEY = 'emulator_tenant';
export const DEFAULT_BOT_OPEN_ID = 'ou_bot_emulator';
export const DEFAULT_BOT_NAME = 'Emulator Bot';

interface Waiter {
  n: number;
  resolve: () => void;
}

export class FeishuEmulator {
  readonly appId: string;
  readonly appSecret: string;
  readonly tenantKey: string;
  /** The open_id GET /open-apis/bot/v3/info reports for the bot. */
  readonly botOpenId: string;
  readonly botName: string;
  /** The scopes GET /open-apis/application/v6/scopes reports; change them with `scopes.set(granted, pending)`. */
  readonly scopes: ScopeGrants;

  private readonly server: Server;
  private readonly tokens: TokenStore;
  private readonly directory: Directory;
  private readonly messageService: MessageService;
  private readonly helpdesk: HelpdeskService;
  /** The long connection: clients connected over WebSocket, events pushed to them. */
  readonly longConnection: LongConnectionService;
  private readonly clock: () => number;
  private readonly failures = new FailureQueue();
  private readonly limiters: SlidingWindowLimiter[];
  private readonly requestLog: RequestRecord[] = [];
  private waiters: Waiter[] = [];
  private readonly pendingDelays = new Set<() => void>();
  private baseUrl = '';
  private changeCount = 0;

  private constructor(opts: FeishuEmulatorOptions) {
    this.appId = opts.appId ?? DEFAULT_APP_ID;
    this.appSecret = opts.appSecret ?? DEFAULT_APP_SECRET;
    this.tenantKey = opts.tenantKey ?? DEFAULT_TENANT_KEY;
    this.botOpenId = opts.botOpenId ?? DEFAULT_BOT_OPEN_ID;
    this.botName = opts.botName ?? DEFAULT_BOT_NAME;
    this.clock = opts.clock ?? Date.now;
    const appLimits = [new SlidingWindowLimiter(opts.appRatePerSecond ?? 50, 1000)];
    const perMinute = opts.appRatePerMinute === undefined ? 1000 : opts.appRatePerMinute;
    if (perMinute !== null) appLimits.push(new SlidingWindowLimiter(perMinute, 60_000));
    const recipient = new SlidingWindowLimiter(opts.recipientRatePerSecond ?? 5, 1000);
    const patch = new SlidingWindowLimiter(opts.patchRatePerSecond ?? 5, 1000);
    // ephemeral/v1/send has its own quota (50/s, 1000/min for the app) and 40/s per group.
    const ephemeral = {
      app: [new SlidingWindowLimiter(50, 1000), new SlidingWindowLimiter(1000, 60_000)],
      chat: new SlidingWindowLimiter(40, 1000),
    };
    this.limiters = [...appLimits, recipient, patch, ...ephemeral.app, ephemeral.chat];

    this.scopes = new ScopeGrants(opts.grantedScopes, opts.pendingScopes);
    this.directory = new Directory(opts.users);
    this.tokens = new TokenStore(this.appId, this.appSecret, opts.tokenTtlSeconds ?? 7200);
    this.helpdesk = new HelpdeskService(opts.helpdesks);
    this.messageService = new MessageService({
      appId: this.appId,
      tenantKey: this.tenantKey,
      directory: this.directory,
      granted: (scope) => this.scopes.has(scope),
      limits: { app: appLimits, recipient, patch, ephemeral },
      onMessage: () => {
        this.changeCount++;
        this.wakeWaiters();
      },
      onChange: () => this.changeCount++,
      ...(opts.messageClock && { stamp: opts.messageClock }),
    });
    this.longConnection = new LongConnectionService(
      { appId: this.appId, appSecret: this.appSecret },
      () => this.baseUrl,
    );
    this.server = createServer(
      createRequestListener({
        clock: this.clock,
        tokens: this.tokens,
        directory: this.directory,
        messages: this.messageService,
        helpdesk: this.helpdesk,
        bot: {
          openId: this.botOpenId,
          appName: this.botName,
          ...(opts.botActivateStatus !== undefined && { activateStatus: opts.botActivateStatus }),
        },
        scopes: this.scopes,
        longConnection: this.longConnection,
        failures: this.failures,
        appRatePerSecond: appLimits[0]!.limit,
        record: (r) => this.requestLog.push(r),
        delay: (ms) => this.delay(ms),
      }),
    );
    this.server.on('upgrade', (req, socket, head) => this.longConnection.handleUpgrade(req, socket, head));
  }

  /** Pushes an event body over the long connection and resolves with the client's ACK (see LongConnectionService). */
  pushEvent(body: unknown, opts?: { fragments?: number; timeoutMs?: number }): Promise<PushAck> {
    return this.longConnection.push(body, opts);
  }

  /** Start an emulator listening on 127.0.0.1 and a random port (unless `opts.port`). */
  static async start(opts: FeishuEmulatorOptions = {}): Promise<FeishuEmulator> {
    const emulator = new FeishuEmulator(opts);
    const host = opts.host ?? '127.0.0.1';
    emulator.baseUrl = await listen(emulator.server, host, opts.port ?? 0);
    return emulator;
  }

  /** 'http://127.0.0.1:PORT', what the bot uses as its Feishu domain. */
  get url(): string {
    return this.baseUrl;
  }

  /** Every message actually created, in order (uuid-deduplicated repeats are not here). */
  get messages(): ReadonlyArray<SentMessage> {
    return this.messageService.messages;
  }

  /** Urgent notifications the app sent (urgent_app). */
  get urgents(): ReadonlyArray<UrgentRecord> {
    return this.messageService.urgents;
  }

  get patches(): ReadonlyArray<PatchRecord> {
    return this.messageService.patches;
  }

  /** Every request received, rejected ones included. */
  get requests(): ReadonlyArray<RequestRecord> {
    return this.requestLog;
  }

  /** Sends from every client together: attempts, refusals, and the most created in any second or minute. */
  sendStats(): SendStats {
    return sendStats(this.requestLog, this.messages);
  }

  /** Messages whose receive_id, chat_id or recipient open_id is `receiveId`. */
  messagesTo(receiveId: string): SentMessage[] {
    return this.messages.filter(
      (m) => m.receive_id === receiveId || m.chat_id === receiveId || m.recipient_open_id === receiveId,
    );
  }

  /** Grows by one whenever a message is created or its content changes: a cheap "anything new?" for pollers. */
  get version(): number {
    return this.changeCount;
  }

  /** The directory's users, in the order they were added. */
  get users(): ReadonlyArray<EmulatedUser> {
    return this.directory.list();
  }

  /** Show `card` in place of message `messageId`, as Feishu does with the card in a callback's answer. */
  replaceFromCallback(messageId: string, card: Record<string, unknown>): boolean {
    return this.messageService.replaceFromCallback(messageId, card, this.clock());
  }

  addUser(user: EmulatedUser): void {
    this.directory.add(user);
  }

  /**
   * Register a group chat. botIsMember false makes sends to it fail with 230002, and its members unreadable;
   * `members`: the people in it (open_ids).
   */
  addChat(chatId: string, opts: { botIsMember?: boolean; name?: string; members?: string[] } = {}): void {
    this.messageService.addChat({
      chat_id: chatId,
      botIsMember: opts.botIsMember ?? true,
      ...(opts.name !== undefined && { name: opts.name }),
      ...(opts.members !== undefined && { members: [...opts.members] }),
    });
  }

  /** The p2p chat id the emulator uses for messages to this user. */
  p2pChatId(openId: string): string {
    return this.messageService.p2pChatId(openId);
  }

  /**
   * The helpdesk events ("type/subtype", e.g. 'helpdesk.ticket/ticket.created_v1') that
   * `helpdeskId` is subscribed to, in subscription order; [] when none.
   */
  helpdeskSubscriptions(helpdeskId: string): string[] {
    return this.helpdesk.subscriptions(helpdeskId);
  }

  /** Add or replace a helpdesk ticket, readable only with its helpdesk's credential. */
  addTicket(ticket: EmulatedTicket): void {
    this.helpdesk.addTicket(ticket, this.clock());
  }

  /** Queue a scripted failure for the next matching request(s). */
  failNext(failure: ScriptedFailure): void {
    this.failures.push(failure);
  }

  /** How many requests the queued scripted failures will still answer. */
  get pendingFailures(): number {
    return this.failures.size;
  }

  /** Invalidate every tenant_access_token issued so far. */
  revokeTokens(): void {
    this.tokens.revokeAll();
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

  /**
   * Clear messages, patches, requests, uuids, rate-limit windows, queued failures and helpdesk
   * event subscriptions. Users, chats, tokens, helpdesk credentials and tickets stay.
   */
  reset(): void {
    this.changeCount++;
    this.messageService.clear();
    this.helpdesk.clearSubscriptions();
    this.requestLog.length = 0;
    this.failures.clear();
    for (const l of this.limiters) l.reset();
  }

  /** Close the server and every open connection; delayed replies are dropped. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
    });
    this.longConnection.close();
    this.server.closeAllConnections();
    this.releaseDelayedReplies();
    await closed;
  }

  /** Replies held back by a scripted `delayMs`, not yet sent. */
  get delayedReplies(): number {
    return this.pendingDelays.size;
  }

  /** Sends every reply held back by a scripted `delayMs` now. */
  releaseDelayedReplies(): void {
    for (const wake of [...this.pendingDelays]) wake();
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
