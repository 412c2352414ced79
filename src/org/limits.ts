// The city's time limits (ctx.city.limits) as the admin reads them: what each limit is for, in Chinese.
import type { AppContext } from '../server/context.ts';
import { LIMIT_KEYS, describeLimit, type LimitKey, type TimeLimit } from '../domain/time-limits.ts';
import { LIMIT_LABELS } from '../config/limit-labels.ts';


export interface LimitView {
  key: LimitKey;
  group: string;
  label: string;
  basis: string;
  limit: TimeLimit;
  text: string;
}

export function listLimits(ctx: AppContext): { city: string; items: LimitView[] } {
  return {
    city: ctx.city.name,
    items: LIMIT_KEYS.map((key) => ({ key, ...LIMIT_LABELS[key], limit: ctx.city.limits[key], text: describeLimit(ctx.city.limits[key]) })),
  };
}
