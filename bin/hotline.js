#!/usr/bin/env node
// The `hotline` command: runs the CLI compiled from src/ (see compiled-cli.js), or the TypeScript
// itself through tsx where the compiled file cannot be written (a read-only install).
import { compiledCli } from './compiled-cli.js';

let cli;
try {
  cli = compiledCli();
} catch (e) {
  process.stderr.write(`hotline: 无法编译 dist/hotline.mjs（${e.code ?? e.message}），改为直接运行 TypeScript\n`);
  const { register } = await import('tsx/esm/api');
  register();
  cli = new URL('../src/app/cli.ts', import.meta.url).href;
}
const { main } = await import(cli);
await main(process.argv.slice(2));
