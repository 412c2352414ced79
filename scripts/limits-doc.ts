// Writes docs/reference/time-limits.md from the Mudanjiang config (src/config/limits-table.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { limitsTable } from '../src/config/limits-table.ts';
import { mudanjiang } from '../src/config/cities/mudanjiang.ts';

export const LIMITS_DOC = join(import.meta.dirname, '..', 'docs', 'reference', 'time-limits.md');
writeFileSync(LIMITS_DOC, limitsTable(mudanjiang));
