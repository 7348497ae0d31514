/**
 * GET /open-apis/application/v6/scopes: the scopes the app asked for and whether the tenant granted each
 * (`grant_status` 1 granted, 0 not). Under `data.scopes`, like the real endpoint.
 */
import type { ApiReply } from './http.js';

export class ScopeGrants {
  private granted: string[];
  private pending: string[];

  constructor(granted: readonly string[] = [], pending: readonly string[] = []) {
    this.granted = [...granted];
    this.pending = [...pending];
  }

  /** Replaces the app's scopes: `granted` are granted, `pending` asked for but not granted. */
  set(granted: readonly string[], pending: readonly string[] = []): void {
    this.granted = [...granted];
    this.pending = [...pending];
  }

  /** Whether `scope` is granted. */
  has(scope: string): boolean {
    return this.granted.includes(scope);
  }

  handleList(): ApiReply {
    const scopes = [
      ...this.granted.map((scope_name) => ({ scope_name, grant_status: 1, scope_type: 'tenant' })),
      ...this.pending.map((scope_name) => ({ scope_name, grant_status: 0, scope_type: 'tenant' })),
    ];
    return { status: 200, body: { code: 0, msg: 'success', data: { scopes } } };
  }
}
