import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_SCOPE_CALLS, SCOPES, neededScopes } from '../../src/feishu/scopes.js';

const root = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** The Open API calls in src/: SDK calls (`client.im.v1.message.create(`) and raw requests (`GET /open-apis/...`). */
function callsInCode(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (call: string, file: string) =>
    found.set(call, [...(found.get(call) ?? []), file.slice(root.length + 1)]);
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /\bclient\s*\.\s*([a-z]+)\s*\.\s*(v\d+)\s*\.\s*([a-zA-Z]+)\s*\.\s*([a-zA-Z]+)\s*\(/g,
    )) {
      add(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`, file);
    }
    for (const m of text.matchAll(/method:\s*'([A-Z]+)',\s*url:\s*[`']([^`']+)[`']/g)) add(`${m[1]} ${m[2]}`, file);
    for (const m of text.matchAll(/[`'](\/open-apis\/[^`'?]+)/g)) {
      if (![...found.keys()].some((k) => k.endsWith(` ${m[1]}`))) add(`? ${m[1]}`, file);
    }
  }
  return found;
}

describe('the Feishu scopes the bot needs', () => {
  const calls = callsInCode();

  it('finds the calls the bot makes (the scan itself works)', () => {
    expect([...calls.keys()]).toEqual(
      expect.arrayContaining(['im.v1.message.create', 'contact.v3.user.get', 'GET /open-apis/bot/v3/info']),
    );
  });

  it('every Open API call in src/ has its scope listed (or needs none), and no listed call is gone', () => {
    const covered = new Set([...SCOPES.flatMap((s) => s.calls), ...NO_SCOPE_CALLS]);
    const unmapped = [...calls]
      .filter(([call]) => !covered.has(call))
      .map(([call, files]) => `${call} (${files.join(', ')})`);
    expect(unmapped, 'calls without a scope in src/feishu/scopes.ts').toEqual([]);
    const stale = SCOPES.flatMap((s) => s.calls).filter((call) => !calls.has(call));
    expect(stale, 'calls listed in src/feishu/scopes.ts that src/ no longer makes').toEqual([]);
  });

  it('deploy/feishu-scopes.json, for the console bulk import, lists exactly those scopes', () => {
    const json = JSON.parse(readFileSync(join(root, 'deploy/feishu-scopes.json'), 'utf8')) as {
      scopes: { tenant: string[]; user: string[] };
    };
    expect(json.scopes.tenant).toEqual(neededScopes());
    expect(json.scopes.user).toEqual([]);
  });

  it('the README names each scope and each event that needs one', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const s of SCOPES) {
      expect(readme, s.scope).toContain(`\`${s.scope}\``);
      for (const e of s.events) expect(readme, e).toContain(e);
    }
  });
});
