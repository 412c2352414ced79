// Text the store cannot keep is refused before validation, naming the field: a NUL character
// (PostgreSQL's text type has no room for it; SQLite would cut C strings at it) and UTF-16 halves
// without their partner (not Unicode text). Everything else, other control characters included, is
// ordinary text to the handlers.
import type { FastifyInstance } from 'fastify';
import { invalid } from '../server/problem.ts';
import { labelOf } from '../server/field-labels.ts';

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path (a.b.0.c) of the first string that cannot be stored, or null. */
export function unstorablePath(value: unknown, path: string[] = [], depth = 0): string[] | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (UNSTORABLE.test(key)) return [...path, key];
    const found = unstorablePath(v, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [where, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const path = unstorablePath(value);
      if (path) {
        const field = path.join('.') || where;
        throw invalid(field, `字段「${labelOf(path.join('/') || where)}」含有无法保存的字符（NUL 或不成对的 Unicode 代理项）`);
      }
    }
  });
}
