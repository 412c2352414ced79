// The import graph of src/ (production files only, tests excluded), read with TypeScript's own
// pre-processor: which file imports which, and which top-level folder imports which. Used by
// src/architecture.test.ts to hold the layering (docs/dev/design.md).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  from: string; // path relative to src/, e.g. tickets/intake.ts
  to: string;
  typeOnly: boolean;
}

/** Floors from the bottom: a file may import its own floor or one below, never one above. */
export const LAYERS: Record<string, number> = {
  domain: 0,
  config: 1,
  store: 2,
  server: 3,
  // capability folders
  audit: 4, auth: 4, calendar: 4, calls: 4, demo: 4, evaluation: 4, interop: 4, knowledge: 4, org: 4,
  outbox: 4, portal: 4, quality: 4, ratings: 4, reports: 4, scale: 4, supervision: 4, tickets: 4, notifications: 4,
  app: 5,
  // files directly under src/
  '.': 5,
};

const isProduction = (file: string) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.test-support.ts') && !file.endsWith('.d.ts');

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (isProduction(entry.name)) out.push(full);
  }
  return out;
}

export function importGraph(srcDir: string): { files: string[]; edges: ImportEdge[] } {
  const files = walk(srcDir);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName);
      if (!target.startsWith(srcDir + path.sep)) continue;
      // `import type` / `export type` lines vanish from the compiled code.
      const line = text.slice(text.lastIndexOf('\n', ref.pos) + 1, text.indexOf('\n', ref.pos));
      const statementStart = text.lastIndexOf('import', ref.pos) > text.lastIndexOf('export', ref.pos) ? text.lastIndexOf('import', ref.pos) : text.lastIndexOf('export', ref.pos);
      const statement = text.slice(statementStart, ref.pos);
      const typeOnly = /^(import|export)\s+type\b/.test(statement) || /^(import|export)\s+type\b/.test(line.trim());
      edges.push({ from: path.relative(srcDir, file), to: path.relative(srcDir, target), typeOnly });
    }
  }
  return { files: files.map((f) => path.relative(srcDir, f)), edges };
}

export const folderOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

/** Strongly connected components (Tarjan) with more than one member. */
export function cycles(nodes: string[], edges: Array<[string, string]>): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const [a, b] of edges) if (a !== b) next.get(a)?.push(b);
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const n of nodes) if (!indexOf.has(n)) visit(n);
  return out;
}

export function folderReport(graph: { files: string[]; edges: ImportEdge[] }) {
  const between = graph.edges.filter((e) => folderOf(e.from) !== folderOf(e.to));
  const upward = between.filter((e) => (LAYERS[folderOf(e.from)] ?? 99) < (LAYERS[folderOf(e.to)] ?? 99));
  const folders = [...new Set(graph.files.map(folderOf))].sort();
  const folderCycles = cycles(folders, between.map((e) => [folderOf(e.from), folderOf(e.to)]));
  const fileCycles = cycles(graph.files, graph.edges.map((e) => [e.from, e.to]));
  const unknownFolders = folders.filter((f) => !(f in LAYERS));
  return { between: between.length, upward, folders: folders.length, folderCycles, fileCycles, unknownFolders };
}

// `node bin/run-ts.js scripts/import-graph.ts`: the figures the architecture test holds.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const graph = importGraph(path.join(import.meta.dirname, '..', 'src'));
  const r = folderReport(graph);
  console.log(`${graph.files.length} files, ${graph.edges.length} imports, ${r.between} between ${r.folders} top-level folders`);
  console.log(`upward: ${r.upward.length}`);
  for (const e of r.upward) console.log(`  ${e.from} → ${e.to}${e.typeOnly ? ' (type)' : ''}`);
  console.log(`folder cycles: ${r.folderCycles.length}`);
  for (const c of r.folderCycles) console.log(`  ${c.join(' ⇄ ')}`);
  console.log(`file cycles: ${r.fileCycles.length}`);
  for (const c of r.fileCycles) console.log(`  ${c.join(' ⇄ ')}`);
}
