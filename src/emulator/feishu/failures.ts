/** The queue of scripted failures, consumed by matching requests in FIFO order. */
import { isRecord, type ApiRequest } from './http.js';
import type { FailureMatch, ScriptedFailure } from './types.js';

const DEFAULT_MATCH: Required<Pick<FailureMatch, 'method' | 'path'>> = {
  method: 'POST',
  path: '/open-apis/im/v1/messages',
};

interface Pending {
  failure: ScriptedFailure;
  left: number;
}

export class FailureQueue {
  private pending: Pending[] = [];

  push(failure: ScriptedFailure): void {
    const times = failure.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`failNext: times must be a positive integer, got ${times}`);
    this.pending.push({ failure, left: times });
  }

  /** The first queued failure that matches `req`, with one use consumed; undefined if none. */
  take(req: Pick<ApiRequest, 'method' | 'path' | 'body'>): ScriptedFailure | undefined {
    const i = this.pending.findIndex((p) => matches(p.failure.match, req));
    if (i < 0) return undefined;
    const p = this.pending[i]!;
    if (--p.left === 0) this.pending.splice(i, 1);
    return p.failure;
  }

  /** How many requests the queued failures will still answer. */
  get size(): number {
    return this.pending.reduce((n, p) => n + p.left, 0);
  }

  clear(): void {
    this.pending = [];
  }
}

function matches(match: FailureMatch | undefined, req: Pick<ApiRequest, 'method' | 'path' | 'body'>): boolean {
  const method = match?.method ?? DEFAULT_MATCH.method;
  const path = match?.path ?? DEFAULT_MATCH.path;
  if (method.toUpperCase() !== req.method) return false;
  if (typeof path !== 'string') path.lastIndex = 0; // a /g or /y pattern must not carry state over
  if (typeof path === 'string' ? path !== req.path : !path.test(req.path)) return false;
  if (match?.receiveId !== undefined) {
    return isRecord(req.body) && req.body.receive_id === match.receiveId;
  }
  return true;
}
