// The import rules of docs/dev/design.md, read from the source (scripts/import-graph.ts): the floors
// domain → config → store → server (the shared kernel) → capability folders → app, imports pointing
// down, and no two folders or files importing each other, even through others (type imports count:
// a cycle of types still ties the floors together).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { folderOf, folderReport, importGraph, LAYERS } from '../scripts/import-graph.ts';

const graph = importGraph(join(import.meta.dirname));
const report = folderReport(graph);
const show = (edges: Array<{ from: string; to: string }>) => edges.map((e) => `${e.from} → ${e.to}`).join('\n');

describe('the floors of src/', () => {
  it('every top-level folder has a floor', () => {
    assert.deepEqual(report.unknownFolders, [], 'a new folder under src/ needs its floor in LAYERS (scripts/import-graph.ts)');
  });

  it('no import points up a floor', () => {
    assert.deepEqual(report.upward, [], show(report.upward));
  });

  it('src/domain/ imports nothing outside itself (pure rules, no I/O)', () => {
    const out = graph.edges.filter((e) => folderOf(e.from) === 'domain' && folderOf(e.to) !== 'domain');
    assert.deepEqual(out, [], show(out));
  });

  it('src/store/ imports only domain and config', () => {
    const out = graph.edges.filter((e) => folderOf(e.from) === 'store' && !['store', 'domain', 'config'].includes(folderOf(e.to)));
    assert.deepEqual(out, [], show(out));
  });

  it('a migration imports nothing outside src/store/migrations/ (frozen in time)', () => {
    const out = graph.edges.filter((e) => e.from.startsWith('store/migrations/') && !e.to.startsWith('store/migrations/'));
    assert.deepEqual(out, [], show(out));
  });

  it('the shared kernel (src/server/) names capabilities only in types', () => {
    const out = graph.edges.filter((e) => folderOf(e.from) === 'server' && (LAYERS[folderOf(e.to)] ?? 0) > LAYERS.server && !e.typeOnly);
    assert.deepEqual(out, [], show(out));
  });

  it('only src/app/ imports src/app/', () => {
    const out = graph.edges.filter((e) => folderOf(e.to) === 'app' && folderOf(e.from) !== 'app');
    assert.deepEqual(out, [], show(out));
  });

  it('no import cycle between folders', () => {
    assert.deepEqual(report.folderCycles, [], report.folderCycles.map((c) => c.join(' ⇄ ')).join('\n'));
  });

  it('no import cycle between files', () => {
    assert.deepEqual(report.fileCycles, [], report.fileCycles.map((c) => c.join(' ⇄ ')).join('\n'));
  });
});

describe('the import reader', () => {
  it('finds a known downward and a known type-only import', () => {
    const has = (from: string, to: string) => graph.edges.find((e) => e.from === from && e.to === to);
    assert.ok(has('app/app.ts', 'tickets/routes.ts'));
    assert.equal(has('org/directory.ts', 'server/context.ts')?.typeOnly, true);
    assert.equal(has('tickets/intake.ts', 'audit/events.ts')?.typeOnly, false);
    assert.ok(has('store/migrations/index.ts', 'store/migrations/2026-12-30-kb-regions.ts'));
  });

  it('reports an import up a floor and a cycle, between folders and between files', () => {
    const files = ['store/a.ts', 'tickets/b.ts', 'tickets/c.ts'];
    const edge = (from: string, to: string) => ({ from, to, typeOnly: false });
    const r = folderReport({ files, edges: [edge('store/a.ts', 'tickets/b.ts'), edge('tickets/b.ts', 'tickets/c.ts'), edge('tickets/c.ts', 'tickets/b.ts'), edge('tickets/c.ts', 'store/a.ts')] });
    assert.deepEqual(r.upward, [edge('store/a.ts', 'tickets/b.ts')]);
    assert.deepEqual(r.folderCycles, [['store', 'tickets']]);
    assert.deepEqual(r.fileCycles, [['store/a.ts', 'tickets/b.ts', 'tickets/c.ts']]);
  });
});
