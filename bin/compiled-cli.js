// The CLI compiled to one JavaScript file, dist/hotline.mjs, rebuilt by esbuild (a fraction of a
// second) whenever a file under src/ is newer. A server process then carries no TypeScript loader:
// its hooks thread and source maps would hold some 50 MB in every process.
import { buildSync } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'hotline.mjs');

function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function build() {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  // Several processes may start at once on a fresh checkout: each writes its own file and renames it.
  const tmp = `${OUT}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [join(ROOT, 'src', 'app', 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: tmp,
    logLevel: 'error',
  });
  renameSync(tmp, OUT);
}

/** The URL of the compiled CLI, built first if it is missing or older than a source. */
export function compiledCli() {
  const built = statSync(OUT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built < newestChange(join(ROOT, 'src'))) build();
  return pathToFileURL(OUT).href;
}
