// The docs hold together: every relative link in README.md and docs/**/*.md points at a file that
// exists, every code path a page names (`src/…`, `test/…`, `web/src/…`, `scripts/…`) exists, and every
// page under docs/ can be reached from the README by following links. A page that names a moved or
// invented file, or a page nobody links, fails here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function markdownUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownUnder(rel));
    else if (entry.name.endsWith('.md')) out.push(rel);
  }
  return out;
}

const PAGES = ['README.md', ...markdownUnder('docs')];

/** Markdown links and images `[text](target)`, without external URLs and pure anchors. */
export function relativeLinks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    out.push(decodeURI(target.split('#')[0]!));
  }
  return out;
}

/** Repository paths named in code spans or plain text: src/x/y.ts, test/…, web/src/…, scripts/…. */
export function codePaths(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\w./-])((?:src|test|web\/src|scripts|bin)\/[\w./-]*\w\.(?:tsx|ts|mjs|json|js))(?![\w-])/g)) out.add(m[1]!);
  return [...out];
}

describe('docs: links and named files', () => {
  it('the link and path readers find what a page writes', () => {
    const sample = 'see [a](docs/a.md#x), ![b](../shots/b.png), [c](https://x.org/c.md), [d](#here) and `src/domain/deadline.ts` (`computeDeadline`), test/browser/support.ts.';
    assert.deepEqual(relativeLinks(sample), ['docs/a.md', '../shots/b.png']);
    assert.deepEqual(codePaths(sample), ['src/domain/deadline.ts', 'test/browser/support.ts']);
  });

  it('every relative link and every named code path exists', () => {
    const missing: string[] = [];
    let links = 0;
    let paths = 0;
    for (const page of PAGES) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const link of relativeLinks(text)) {
        links++;
        if (!existsSync(resolve(ROOT, dirname(page), link))) missing.push(`${page}: link ${link}`);
      }
      for (const path of codePaths(text)) {
        paths++;
        if (!existsSync(join(ROOT, path))) missing.push(`${page}: names ${path}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(links > 50 && paths > 50, `links ${links}, paths ${paths}: the readers found too little`);
  });

  it('every docs page is reached from the README', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length) {
      const page = queue.shift()!;
      for (const link of relativeLinks(readFileSync(join(ROOT, page), 'utf8'))) {
        const target = relative(ROOT, resolve(ROOT, dirname(page), link));
        if (target.endsWith('.md') && existsSync(join(ROOT, target)) && !reached.has(target)) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    assert.deepEqual(
      PAGES.filter((p) => !reached.has(p)),
      [],
      'pages no link from the README leads to',
    );
  });
});

describe('docs: the rules page names what exists', () => {
  it('every identifier written beside a file, as `name`（`src/…`）, occurs in that file', () => {
    const text = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');
    const missing: string[] = [];
    let checked = 0;
    for (const m of text.matchAll(/((?:`[A-Za-z_]\w*`[、，, ]*)+)（`((?:src|test)\/[\w./-]+)`/g)) {
      const file = join(ROOT, m[2]!);
      const source = existsSync(file) ? readFileSync(file, 'utf8') : '';
      for (const [, name] of m[1]!.matchAll(/`([A-Za-z_]\w*)`/g)) {
        checked++;
        if (!new RegExp(`\\b${name}\\b`).test(source)) missing.push(`${name} in ${m[2]}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(checked >= 40, `only ${checked} identifiers found on the rules page`);
  });

  it('every time-limit key it names is a key of the limits table', async () => {
    const { LIMIT_KEYS } = await import('../src/domain/time-limits.ts');
    const text = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');
    const named = [...text.matchAll(/(?<![\w-])limits(?:\['([\w.]+)'\]|\.(\w+))/g)].map((m) => m[1] ?? m[2]!);
    assert.ok(named.length >= 12, `only ${named.length} limit keys found`);
    assert.deepEqual(named.filter((k) => !(LIMIT_KEYS as readonly string[]).includes(k)), []);
  });
});

describe('docs: the manual states the time limits of the city config', () => {
  it('each row of the limits table in docs/manual/README.md says what the city config says', async () => {
    const { mudanjiang } = await import('../src/config/cities/mudanjiang.ts');
    const { describeLimit } = await import('../src/domain/time-limits.ts');
    const text = readFileSync(join(ROOT, 'docs', 'manual', 'README.md'), 'utf8');
    const rows: Array<[string, string[]]> = [
      ['签收', ['sign']],
      ['办理反馈：咨询', ['reply.consultation']],
      ['办理反馈：求助、意见建议、表扬', ['reply.help', 'reply.suggestion', 'reply.praise']],
      ['办理反馈：投诉、举报', ['reply.complaint', 'reply.report']],
      ['退单', ['return']],
      ['异议', ['dispute.raise', 'dispute.settle']],
      ['特殊事项', ['special.first_response', 'special.progress']],
      ['特殊紧急事项', ['special_emergency.first_response', 'special_emergency.progress']],
      ['督办函书面回复', ['supervision.special']],
    ];
    const wrong: string[] = [];
    for (const [label, keys] of rows) {
      const cell = new RegExp(`^\\| ${label} \\| (.+) \\|$`, 'm').exec(text)?.[1];
      if (!cell) {
        wrong.push(`no row ${label}`);
        continue;
      }
      // The row names the limits in order; keys of one row share one limit.
      const said = [...new Set(keys.map((k) => describeLimit(mudanjiang.limits[k as keyof typeof mudanjiang.limits])))];
      let from = 0;
      for (const limit of said) {
        const at = cell.indexOf(limit, from);
        if (at < 0) wrong.push(`${label}: ${limit} not in “${cell}”`);
        else from = at + limit.length;
      }
    }
    assert.deepEqual(wrong, []);
  });
});
