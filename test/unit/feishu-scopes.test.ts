import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_SCOPE_CALLS, SCOPES, neededScopes, satisfiedBy } from '../../src/feishu/scopes.js';

const root = join(import.meta.dirname, '../..');
const SCOPES_FILE = 'src/feishu/scopes.ts';

/** The bot's sources; the emulator only answers Open API calls, it makes none. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' || e.name === 'emulator' ? [] : sources(p);
    return /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

const relative = (file: string) => file.slice(root.length + 1);

/**
 * The Open API calls in src/: SDK calls (`client.im.v1.message.create(`), requests through the SDK (`method: 'GET',
 * url: '/open-apis/...'`) and plain fetches (`fetch(`${domain}/open-apis/...`, { method: 'POST' ...`). A path found
 * in another form shows with method `?`, so that it fails the check until the scan learns it.
 */
function callsInCode(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (call: string, file: string) => found.set(call, [...(found.get(call) ?? []), relative(file)]);
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /\bclient\s*\.\s*([a-z]+)\s*\.\s*(v\d+)\s*\.\s*([a-zA-Z]+)\s*\.\s*([a-zA-Z]+)\s*\(/g,
    )) {
      add(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`, file);
    }
    for (const m of text.matchAll(/method:\s*'([A-Z]+)',\s*url:\s*[`']([^`']+)[`']/g)) add(`${m[1]} ${m[2]}`, file);
    for (const m of text.matchAll(/[`'}](\/open-apis\/[^`'?]+)[`'],\s*\{[^}]*?\bmethod:\s*'([A-Z]+)'/g)) {
      add(`${m[2]} ${m[1]}`, file);
    }
    for (const m of text.matchAll(/[`'}](\/open-apis\/[^`'?]+)/g)) {
      if (![...found.keys()].some((k) => k.endsWith(` ${m[1]}`))) add(`? ${m[1]}`, file);
    }
  }
  return found;
}

describe('the Feishu scopes the bot needs', () => {
  const calls = callsInCode();

  it('finds the calls the bot makes (the scan itself works)', () => {
    expect([...calls.keys()]).toEqual(
      expect.arrayContaining([
        'im.v1.message.create',
        'contact.v3.user.get',
        'GET /open-apis/bot/v3/info',
        // doctor's own calls
        'POST /open-apis/auth/v3/tenant_access_token/internal',
        'application.v6.scope.list',
        'helpdesk.v1.event.subscribe',
      ]),
    );
  });

  it('every Open API call in src/ has its scope listed (or needs none), and no listed call is gone', () => {
    const covered = new Set([...SCOPES.flatMap((s) => s.calls), ...NO_SCOPE_CALLS]);
    const unmapped = [...calls]
      .filter(([call]) => !covered.has(call))
      .map(([call, files]) => `${call} (${files.join(', ')})`);
    expect(unmapped, `calls without a scope in ${SCOPES_FILE}`).toEqual([]);
    const stale = [...SCOPES.flatMap((s) => s.calls), ...NO_SCOPE_CALLS].filter((call) => !calls.has(call));
    expect(stale, `calls listed in ${SCOPES_FILE} that src/ no longer makes`).toEqual([]);
  });

  it('each need is backed by a call or an event, and its alternatives are other scopes', () => {
    for (const s of SCOPES) {
      expect(s.calls.length + s.events.length, s.scope).toBeGreaterThan(0);
      expect(new Set(satisfiedBy(s)).size, s.scope).toBe(satisfiedBy(s).length);
    }
  });

  it(`no file in src/ but ${SCOPES_FILE} names a scope (one list)`, () => {
    const names = [...new Set(SCOPES.flatMap(satisfiedBy))];
    const elsewhere = sources(join(root, 'src'))
      .filter((file) => relative(file) !== SCOPES_FILE)
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        return names
          .filter((n) => new RegExp(`[\`'"]${n.replace(/[.]/g, '\\.')}[\`'"]`).test(text))
          .map((n) => `${n} (${relative(file)})`);
      });
    expect(elsewhere, `scopes named outside ${SCOPES_FILE}`).toEqual([]);
  });

  it('deploy/feishu-scopes.json, for the console bulk import, lists exactly those scopes', () => {
    const json = JSON.parse(readFileSync(join(root, 'deploy/feishu-scopes.json'), 'utf8')) as {
      scopes: { tenant: string[]; user: string[] };
    };
    expect(json.scopes.tenant).toEqual(neededScopes());
    expect(json.scopes.user).toEqual([]);
  });

  it("the README's scope table lists exactly those scopes, and the README names each event that needs one", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const setup = readme.split('\n## Set up the Feishu app\n')[1]?.split('\n## ')[0] ?? '';
    const rows = [...setup.matchAll(/^\s*\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect([...new Set(rows)].sort()).toEqual(neededScopes());
    for (const s of SCOPES) {
      expect(readme, s.scope).toContain(`\`${s.scope}\``);
      for (const e of s.events) expect(readme, e).toContain(e);
    }
  });
});
