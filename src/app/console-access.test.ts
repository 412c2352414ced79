// The console's page table (web/src/access.ts) against the router and the API: every guarded route
// of web/src/App.tsx is in the table and nothing else is, and every role a page admits is admitted
// by each API route the page needs (test/support/access-policy.ts), so no role is shown a page that
// can only fail. The browser suite test/browser/access.test.ts visits every page as every role.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mayOpen, PAGES } from '../../web/src/access.ts';
import { ACCESS_POLICY, allows } from '../../test/support/access-policy.ts';
import { ROLES } from '../domain/roles.ts';

it('every guarded console route is in the page table, and only those', () => {
  const source = readFileSync(new URL('../../web/src/App.tsx', import.meta.url), 'utf8');
  const guarded = [...source.matchAll(/<Route path="([^"]+)" element=\{<Guard page="([^"]+)">/g)];
  for (const [, path, page] of guarded) assert.equal(page, path, `the guard of ${path} reads the entry ${page}`);
  const routes = guarded.map((m) => m[1]).sort();
  assert.deepEqual(routes, PAGES.map((p) => p.path).sort());
  // No page escapes the guard: every route element but the redirects is guarded.
  const unguarded = [...source.matchAll(/<Route path="([^"]+)" element=\{<(\w+)/g)].filter((m) => m[2] !== 'Guard' && m[2] !== 'Navigate' && m[2] !== 'LoginPage');
  assert.deepEqual(unguarded.map((m) => m[1]), []);
});

it('the API admits every role a page admits, for each route the page needs', () => {
  const wrong: string[] = [];
  let checks = 0;
  for (const page of PAGES) {
    assert.ok(page.api.length > 0, `${page.path} names the API routes it needs`);
    for (const key of page.api) {
      const access = ACCESS_POLICY[key];
      assert.ok(access, `${page.path}: ${key} is not an API route of the access table`);
      for (const role of ROLES) {
        if (!mayOpen(page, role)) continue;
        checks++;
        if (!allows(access, role)) wrong.push(`${page.path} opens for ${role}, but ${key} refuses it`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(checks > 100, `checks: ${checks}`);
});
