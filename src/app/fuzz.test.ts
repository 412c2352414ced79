// Bad input against every route the application registers (enumerated by an onRoute hook):
// malformed JSON, wrong types, huge and deeply nested bodies, control characters, mixed scripts,
// SQL/HTML/script injection strings, in bodies, path parameters and query strings, as several roles
// and anonymously. No answer is a 5xx, and a refused request (4xx) changes no table: the rows of
// every table are counted before and after each one (failed logins and refused reads are written to
// the audit log by design, with outcome `failure`, and are left out of the comparison). The counts
// of requests per outcome are printed.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { describeEachEngine, intakeBody, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { appWithRoutes, type RegisteredRoute } from '../../test/support/routes.ts';
import { tableRowCounts } from '../store/backup.ts';

const NASTY: unknown[] = [
  "' OR '1'='1' --",
  '1; DROP TABLE tickets; --',
  "admin'/*",
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '\u0000\u0001\u0007\b\u001b[31m\u007f',
  '\u202e\u200b\ufeff\ud800',
  '张三ＡＢＣ𠮷😀عربي Русский 한국어 ﷽',
  '../../../../etc/passwd',
  '%00%27%22%3Cscript%3E',
  '${jndi:ldap://x/a}{{7*7}}',
  'x'.repeat(20_000),
  '',
  '   ',
  '-1',
  '1e309',
  '9'.repeat(40),
  'MDJ20260302000001',
];
const WRONG_TYPES: unknown[] = [123456789012, -1, 1.5, true, null, [], {}, ['a', 1], { $gt: '' }];

function deepNesting(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

type Route = RegisteredRoute;

/** A value of the property's schema kind that is wrong: NASTY for strings, a wrong type otherwise. */
function bodyFrom(schema: any, pick: (i: number) => unknown, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = (schema?.properties ?? {}) as Record<string, any>;
  Object.keys(props).forEach((key, i) => {
    const p = props[key];
    if (p?.type === 'object' && depth < 2) out[key] = bodyFrom(p, (j) => pick(i + j), depth + 1);
    else out[key] = pick(i);
  });
  if (!Object.keys(out).length) out.field = pick(0);
  return out;
}

function fillPath(url: string, value: string): string {
  return url.replace(/:(\w+)/g, () => encodeURIComponent(value)).replace(/\*$/, encodeURIComponent(value));
}

describeEachEngine('fuzz: bad input on every route', (engine) => {
  let t: TestApp;
  let app: FastifyInstance;
  let routes: Route[] = [];
  const tokens: Record<string, string | null> = { anonymous: null };

  before(async () => {
    t = await startTestApp(engine);
    const built = await appWithRoutes(t.ctx);
    app = built.app;
    // WebSocket endpoints and the logout (it would end the fuzzing clients' sessions) are left out.
    routes = built.routes.filter((r) => !r.websocket && !r.url.endsWith('/auth/logout'));
    for (const username of ['admin', 'agent1', 'zjj.head']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
      tokens[username] = JSON.parse(res.body).token;
    }
    // A real ticket, so routes that find it go on to validate the rest of the input.
    const made = await app.inject({ method: 'POST', url: '/api/v1/tickets', payload: intakeBody(), headers: { authorization: `Bearer ${tokens.agent1}` } });
    assert.equal(made.statusCode, 201);
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  it('no request gets a 5xx and no refused request changes a table', async () => {
    const started = Date.now();
    assert.ok(routes.length > 100, `routes found: ${routes.length}`);
    const outcomes: Record<string, number> = {};
    const serverErrors: string[] = [];
    const changed: string[] = [];
    const counts = async () => {
      const c = await tableRowCounts(t.ctx.store.db, engine);
      // Written on refusal by design: failed logins (for the lockout) and failure audit events.
      const failures = await t.ctx.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('outcome', '=', 'failure').executeTakeFirstOrThrow();
      c.events = c.events! - Number(failures.n);
      // On PostgreSQL the events' monthly partitions are tables too: their rows are counted in `events`.
      for (const k of Object.keys(c)) if (/^events_(default|p\d{6})$/.test(k)) delete c[k];
      delete c.login_failures;
      delete c.login_attempts;
      return c;
    };
    let baseline = await counts();
    const clients = Object.keys(tokens);
    let n = 0;

    const send = async (route: Route, init: { url: string; payload?: string | Buffer; contentType?: string }, label: string) => {
      const who = clients[n++ % clients.length]!;
      const headers: Record<string, string> = {};
      if (tokens[who]) headers.authorization = `Bearer ${tokens[who]}`;
      if (init.payload !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
      const res = await app.inject({ method: route.method as any, url: init.url, headers, ...(init.payload !== undefined ? { payload: init.payload } : {}) });
      const key = res.statusCode >= 500 ? '5xx' : res.statusCode >= 400 ? String(res.statusCode) : `${Math.floor(res.statusCode / 100)}xx`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (res.statusCode >= 500) serverErrors.push(`${route.method} ${route.url} [${label}] as ${who}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      const now = await counts();
      if (res.statusCode >= 400) {
        const diff = Object.keys(now).filter((k) => now[k] !== baseline[k]);
        if (diff.length) changed.push(`${route.method} ${route.url} [${label}] → ${res.statusCode} changed ${diff.map((k) => `${k} ${baseline[k]}→${now[k]}`).join(', ')}`);
      }
      baseline = now;
    };

    for (const route of routes) {
      const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
      const q = (route.schema?.querystring?.properties ?? {}) as Record<string, unknown>;
      const qs = (v: unknown) => {
        const keys = Object.keys(q).length ? Object.keys(q) : ['q'];
        return `?${keys.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&')}`;
      };
      const paths = route.url.includes(':') || route.url.endsWith('*') ? [NASTY[6] as string, NASTY[8] as string, NASTY[18] as string, '%'] : [''];
      for (const [pi, value] of paths.entries()) {
        const url = value ? fillPath(route.url, value) : route.url;
        if (value === '%') {
          await send(route, { url: route.url.replace(/:(\w+)|\*$/g, value) }, 'path with a bad escape');
          continue;
        }
        if (!hasBody) {
          await send(route, { url: `${url}${qs(NASTY[(pi * 5) % NASTY.length])}` }, 'query nasty');
          await send(route, { url: `${url}${qs(WRONG_TYPES[pi % WRONG_TYPES.length])}` }, 'query wrong type');
          continue;
        }
        const body = route.schema?.body;
        const variants: Array<[string, string | Buffer, string?]> = [
          ['malformed JSON', '{"facts": "未闭合'],
          ['JSON null', 'null'],
          ['JSON array', '[1,2,3]'],
          ['JSON string', '"字符串"'],
          ['control characters', `{"a":"\u0001\u0002"}\u0000`],
          ['nested 20,000 deep', deepNesting(20_000)],
          ['text/plain', '一段文字', 'text/plain'],
          ['huge body (3 MB)', Buffer.alloc(3 * 1024 * 1024, 0x61)],
          ['wrong types', JSON.stringify(bodyFrom(body, (i) => WRONG_TYPES[i % WRONG_TYPES.length]))],
        ];
        for (let k = 0; k < 4; k++) variants.push([`nasty strings ${k}`, JSON.stringify(bodyFrom(body, (i) => NASTY[(i + k * 3) % NASTY.length]))]);
        if (pi > 0) variants.splice(0, variants.length - 3);
        for (const [label, payload, type] of variants) await send(route, { url, payload, contentType: type }, label);
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const line = Object.entries(outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    process.stdout.write(`fuzz [${engine}]: ${routes.length} routes, ${total} requests in ${seconds} s; ${line}\n`);
    assert.deepEqual(serverErrors, []);
    assert.deepEqual(changed, []);
  });
});
