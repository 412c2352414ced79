// The console (web/src) takes the API's shapes and code tables from the server's own contract modules
// (src/<capability>/contract.ts, src/domain/call-contract.ts) and the pure domain (src/domain/), so a
// change on the server fails the console's type check instead of drifting. Two rules keep it so:
// - the console imports from src/ only contract and domain modules, and everything those reach stays
//   in contract and domain modules and imports no Node built-in and no server package, so the
//   bundle never carries server code;
// - no console file declares again a name a contract exports (a hand copy under the same name).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

/** Packages a contract or domain module may import: pure code the browser runs as well. */
const BROWSER_SAFE = new Set(['luxon']);

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, keep));
    else if (keep(entry.name)) out.push(full);
  }
  return out;
}

const rel = (file: string) => relative(ROOT, file);

/** The imports of a file: relative ones resolved to absolute paths, bare ones as written. */
function importsOf(file: string): { local: string[]; bare: string[] } {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const local: string[] = [];
  const bare: string[] = [];
  for (const ref of info.importedFiles) {
    if (ref.fileName.startsWith('.')) local.push(resolve(dirname(file), ref.fileName));
    else bare.push(ref.fileName);
  }
  return { local, bare };
}

/** A module the console may read: the pure domain, or a capability's contract. */
export const isShareable = (srcRelative: string) => /^domain\/[^/]+\.ts$/.test(srcRelative) || /^[a-z0-9-]+\/contract\.ts$/.test(srcRelative);

const CONSOLE_FILES = filesUnder(join(ROOT, 'web', 'src'), (n) => /\.tsx?$/.test(n));
const CONTRACTS = [...filesUnder(SRC, (n) => n === 'contract.ts'), join(SRC, 'domain', 'call-contract.ts')];

/** Names a module exports by declaration (`export interface X`, `export const X` …). */
export function declaredExports(text: string): string[] {
  return [...text.matchAll(/^export\s+(?:declare\s+)?(?:interface|type|const|let|function|class|enum)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
}

/**
 * The types and code tables a console file declares at its top level (exported or not): interfaces,
 * type aliases and UPPER_CASE constants. Re-exports and imports are not declarations, and a React
 * component (a PascalCase constant such as a lazy page) is not a copy of a type of the same name.
 */
export function topLevelDeclarations(text: string): string[] {
  const types = [...text.matchAll(/^(?:export\s+)?(?:declare\s+)?(?:interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
  const tables = [...text.matchAll(/^(?:export\s+)?(?:const|let)\s+([A-Z][A-Z0-9_]*)\b/gm)].map((m) => m[1]!);
  return [...types, ...tables];
}

describe('the console reads the server through its contracts', () => {
  const edges = CONSOLE_FILES.flatMap((file) => importsOf(file).local.filter((target) => target.startsWith(SRC + '/')).map((target) => ({ from: rel(file), to: relative(SRC, target) })));

  it('imports from src/ only contract and domain modules', () => {
    assert.ok(edges.some((e) => e.to === 'reports/contract.ts'), 'the reading found the report pages’ contract import');
    const wrong = edges.filter((e) => !isShareable(e.to));
    assert.deepEqual(wrong, [], wrong.map((e) => `${e.from} → src/${e.to}`).join('\n'));
  });

  it('what those modules reach stays shareable and imports nothing server-only', () => {
    const seen = new Set<string>();
    const queue = [...new Set(edges.map((e) => join(SRC, e.to)))];
    const problems: string[] = [];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!isShareable(relative(SRC, file))) {
        problems.push(`${rel(file)} is reached from the console but is neither a contract nor a domain module`);
        continue;
      }
      const { local, bare } = importsOf(file);
      for (const name of bare) {
        if (name.startsWith('node:')) problems.push(`${rel(file)} imports the Node built-in ${name}`);
        else if (!BROWSER_SAFE.has(name)) problems.push(`${rel(file)} imports the package ${name}, which the console must not bundle`);
      }
      queue.push(...local);
    }
    assert.ok(seen.size >= 5, `the walk reached ${seen.size} modules`);
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  it('no console file declares again a name a contract exports', () => {
    const owner = new Map<string, string>();
    for (const file of CONTRACTS) for (const name of declaredExports(readFileSync(file, 'utf8'))) owner.set(name, rel(file));
    for (const known of ['Report', 'KbHit', 'KbSearchResult', 'TicketDetail', 'Disposition', 'ServiceLevelFigures']) {
      assert.ok(owner.has(known), `the contracts export ${known}`);
    }
    const copies = CONSOLE_FILES.flatMap((file) =>
      topLevelDeclarations(readFileSync(file, 'utf8'))
        .filter((name) => owner.has(name))
        .map((name) => `${rel(file)} declares ${name}, which ${owner.get(name)} exports: import it instead`),
    );
    assert.deepEqual(copies, [], copies.join('\n'));
  });

  it('the scanners see declarations and skip re-exports', () => {
    const text = "export type { Report } from '../x.ts';\nimport type { Row } from './y.ts';\ninterface Report {\n  a: number;\n}\nexport const PHONE_PATTERN = /x/;\n  const inner = 1;\nconst CallStatsPage = lazy(() => import('./p'));\n";
    assert.deepEqual(topLevelDeclarations(text), ['Report', 'PHONE_PATTERN']);
    assert.deepEqual(declaredExports(text), ['PHONE_PATTERN']);
    assert.equal(isShareable('tickets/contract.ts'), true);
    assert.equal(isShareable('domain/deadline.ts'), true);
    assert.equal(isShareable('tickets/view.ts'), false);
    assert.equal(isShareable('domain/sub/x.ts'), false);
  });
});
