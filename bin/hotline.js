#!/usr/bin/env node
// The `hotline` command: runs the CLI compiled from src/ (see compiled-cli.js).
import { compiledCli } from './compiled-cli.js';

const { main } = await import(compiledCli());
await main(process.argv.slice(2));
