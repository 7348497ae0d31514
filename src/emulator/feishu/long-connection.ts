/**
 * The long connection: endpoint discovery over HTTP, then a WebSocket carrying pbbp2 protobuf
 * frames. Pings get a pong with the full ClientConfig; events are pushed as data frames (fragmented on request) to
 * one connected client at a time, round robin like Feishu's cluster mode, and the client's ACK is returned.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import protobuf from 'protobufjs';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isRecord, type ApiReply, type ApiRequest } from './http.js';

const root = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: {
          fields: {
            key: { rule: 'required', type: 'string', id: 1 },
            value: { rule: 'required', type: 'string', id: 2 },
          },
        },
        Frame: {
          fields: {
            SeqID: { rule: 'required', type: 'uint64', id: 1 },
            LogID: { rule: 'required', type: 'uint64', id: 2 },
            service: { rule: 'required', type: 'int32', id: 3 },
            method: { rule: 'required', type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
});
const Frame = root.lookupType('pbbp2.Frame');

interface WireFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

/** Seconds, as Feishu sends them. Fast values by default so tests see reconnects within about 100 ms. */
export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

/** The client's acknowledgement of a pushed event: `data` decoded from base64 JSON when there is one. */
export interface PushAck {
  code: number;
  data?: unknown;
}

const SERVICE_ID = 33554678;
/** Feishu's code for a wrong app id or secret at endpoint discovery (terminal for the SDK). */
export const ENDPOINT_AUTH_FAILED = 514;

export class LongConnectionService {
  readonly clientConfig: ClientConfig = {
    PingInterval: 1,
    ReconnectCount: -1,
    ReconnectInterval: 1,
    ReconnectNonce: 0,
  };
  /** Pings received, over all connections. */
  pings = 0;
  /** When each ping arrived (ms since the epoch), in order. */
  readonly pingTimes: number[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  /** Every open WebSocket. */
  private readonly open = new Set<WebSocket>();
  /**
   * The connections whose client listens: those that have sent their first ping. The SDK sends it from its 'open'
   * handler and attaches its message listener only after that handler returns, so a frame pushed as soon as the
   * upgrade completes can reach a client that is not yet listening, and is lost; a frame pushed after the first ping
   * cannot.
   */
  private readonly sockets = new Set<WebSocket>();
  private readonly acks = new Map<string, (ack: PushAck) => void>();
  private nextId = 1;
  private turn = 0;

  constructor(
    private readonly app: { appId: string; appSecret: string },
    private readonly baseUrl: () => string,
  ) {}

  /** POST /callback/ws/endpoint: a one-use WebSocket URL for the right app id and secret. */
  handleEndpoint(req: ApiRequest): ApiReply {
    const body = isRecord(req.body) ? req.body : {};
    if (body.AppID !== this.app.appId || body.AppSecret !== this.app.appSecret) {
      // The SDK reads `data` before `code`, so it is always there.
      return { status: 200, body: { code: ENDPOINT_AUTH_FAILED, msg: 'auth failed', data: {} } };
    }
    const ticket = randomBytes(8).toString('hex');
    this.tickets.add(ticket);
    // device_id and service_id must not come first: the SDK parses the whole URL as a query string.
    const wsBase = this.baseUrl().replace(/^http/, 'ws');
    const url = `${wsBase}/ws/v2?fpid=1&device_id=emu&service_id=${SERVICE_ID}&ticket=${ticket}`;
    return { status: 200, body: { code: 0, msg: 'ok', data: { URL: url, ClientConfig: this.clientConfig } } };
  }

  /** The HTTP server's 'upgrade': only /ws/v2 with a ticket from discovery becomes a connection. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/ws/v2' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nhandshake-status: 403\r\nhandshake-msg: invalid ticket\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** WebSockets open, whether their client listens yet or not. A socket counts from the end of its upgrade. */
  get openSockets(): number {
    return this.open.size;
  }

  /** Resolves once at least `n` clients are connected. */
  async waitForConnections(n: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size < n) {
      if (Date.now() > deadline)
        throw new Error(`waitForConnections: wanted ${n}, have ${this.sockets.size} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Pushes one event body to the next connected client, split into `fragments` frames, and resolves with its ACK.
   * Rejects when no client is connected or no ACK comes within `timeoutMs` (Feishu then pushes it again). A Buffer
   * is pushed as it is: JSON text already serialised (say, nested deeper than JSON.stringify can write).
   */
  push(body: unknown, opts: { fragments?: number; timeoutMs?: number } = {}): Promise<PushAck> {
    const open = [...this.sockets];
    if (open.length === 0) return Promise.reject(new Error('no long connection is open'));
    const ws = open[this.turn++ % open.length]!;
    const id = this.nextId++;
    const messageId = `msg_${id}`;
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const sum = Math.max(1, Math.min(opts.fragments ?? 1, bytes.length));
    const size = Math.ceil(bytes.length / sum);
    return new Promise<PushAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(messageId);
        reject(new Error(`no acknowledgement for ${messageId} within ${opts.timeoutMs ?? 3000} ms`));
      }, opts.timeoutMs ?? 3000);
      this.acks.set(messageId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      for (let seq = 0; seq < sum; seq++) {
        const headers = {
          type: 'event',
          message_id: messageId,
          sum: String(sum),
          seq: String(seq),
          trace_id: `trace_${id}`,
        };
        ws.send(
          encode({
            SeqID: id,
            LogID: id,
            service: SERVICE_ID,
            method: 1,
            headers: pairs(headers),
            payload: bytes.subarray(seq * size, (seq + 1) * size),
          }),
        );
      }
    });
  }

  /** Closes every connection from the server side, as a network failure would; the clients reconnect. */
  dropConnections(): void {
    for (const ws of this.open) ws.terminate();
  }

  close(): void {
    this.dropConnections();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    this.open.add(ws);
    ws.on('close', () => {
      this.open.delete(ws);
      this.sockets.delete(ws);
    });
    ws.on('message', (raw: RawData) => this.receive(ws, raw));
  }

  private receive(ws: WebSocket, raw: RawData): void {
    const frame = Frame.toObject(Frame.decode(raw as Buffer), { longs: Number }) as WireFrame;
    const headers = Object.fromEntries((frame.headers ?? []).map((h) => [h.key, h.value]));
    if (frame.method === 0 && headers.type === 'ping') {
      this.pings++;
      this.pingTimes.push(Date.now());
      if (ws.readyState === ws.OPEN) this.sockets.add(ws);
      const pong = Buffer.from(JSON.stringify(this.clientConfig));
      ws.send(
        encode({
          SeqID: 0,
          LogID: 0,
          service: frame.service,
          method: 0,
          headers: pairs({ type: 'pong' }),
          payload: pong,
        }),
      );
      return;
    }
    if (frame.method === 1 && headers.message_id) {
      const settle = this.acks.get(headers.message_id);
      if (!settle) return;
      this.acks.delete(headers.message_id);
      const response = JSON.parse(Buffer.from(frame.payload ?? []).toString('utf8')) as { code: number; data?: string };
      settle({
        code: response.code,
        ...(response.data !== undefined && {
          data: JSON.parse(Buffer.from(response.data, 'base64').toString('utf8')) as unknown,
        }),
      });
    }
  }
}

function pairs(headers: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(headers).map(([key, value]) => ({ key, value }));
}

function encode(frame: WireFrame): Uint8Array {
  return Frame.encode(Frame.fromObject(frame)).finish();
}
