// The few column types that differ between the engines, for migrations written once for both.
import type { ColumnDefinitionBuilder } from 'kysely';
import type { Engine } from './db.ts';

export function dialectHelpers(engine: Engine) {
  return {
    /** An auto-numbered primary key. */
    id: (big = false) =>
      [engine === 'postgres' ? (big ? 'bigserial' : 'serial') : 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey()] as const,
    instant: engine === 'postgres' ? ('timestamptz' as const) : ('text' as const),
  };
}
