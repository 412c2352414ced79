// How every view names an instant (Shanghai time) and a unit (its code and name).
import type { AppContext } from './context.ts';
import { formatShanghai } from '../domain/deadline.ts';

export const at = (iso: string | null | undefined): string | null => (iso ? formatShanghai(iso) : null);

export function unitRef(ctx: AppContext, id: number | null | undefined) {
  const u = ctx.org.get(id ?? null);
  return u ? { code: u.code, name: u.name } : null;
}
