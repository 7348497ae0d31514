/** Small HTTP helpers: the request shape handlers see, JSON replies and API errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERR, type ErrorSpec } from './codes.js';

/** What a route handler receives. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body; undefined when the body was empty. */
  body: unknown;
  /** Arrival time (clock ms). */
  at: number;
  /** The helpdesk named by a valid X-Lark-Helpdesk-Authorization, on helpdesk routes only. */
  helpdeskId?: string;
}

/** What a route handler returns. */
export interface ApiReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Thrown by handlers; the server turns it into `{code, msg}` with the spec's status. */
export class ApiError extends Error {
  constructor(
    readonly spec: ErrorSpec,
    detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ? `${spec.msg} ${detail}` : spec.msg);
  }

  reply(): ApiReply {
    return { status: this.spec.status, body: { code: this.spec.code, msg: this.message }, headers: this.headers };
  }
}

export function ok(data?: Record<string, unknown>, msg = 'success'): ApiReply {
  return { status: 200, body: data === undefined ? { code: 0, msg } : { code: 0, msg, data } };
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ApiError(ERR.badJson);
  }
}

export function sendJson(res: ServerResponse, reply: ApiReply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
