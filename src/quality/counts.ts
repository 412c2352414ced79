// Per-unit 质效审核 counts of a month, for the monthly evaluation to use: how many of a unit's closed
// tickets were reviewed in the month and how many failed (敷衍答复 sent back, or closed by the wrong unit).
import type { Db } from '../store/db.ts';
import { addDays, dayStart } from '../reports/periods.ts';

export interface UnitQualityCounts {
  reviewed: number;
  passed: number;
  perfunctory: number;
  wrongUnit: number;
  failed: number;
}

/** month 'YYYY-MM' (Shanghai) → unit id → counts of the reviews recorded in that month. */
export async function qualityCountsByUnit(db: Db, month: string): Promise<Map<number, UnitQualityCounts>> {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  const rows = await db
    .selectFrom('quality_reviews')
    .select(['unit_id', 'outcome', (eb) => eb.fn.countAll<number>().as('n')])
    .where('outcome', '!=', 'pending')
    .where('unit_id', 'is not', null)
    .where('reviewed_at', '>=', dayStart(`${month}-01`))
    .where('reviewed_at', '<', dayStart(addDays(next, 0)))
    .groupBy(['unit_id', 'outcome'])
    .execute();
  const out = new Map<number, UnitQualityCounts>();
  for (const r of rows) {
    const id = Number(r.unit_id);
    const c = out.get(id) ?? { reviewed: 0, passed: 0, perfunctory: 0, wrongUnit: 0, failed: 0 };
    const n = Number(r.n);
    c.reviewed += n;
    if (r.outcome === 'pass') c.passed += n;
    if (r.outcome === 'perfunctory') c.perfunctory += n;
    if (r.outcome === 'wrong_unit') c.wrongUnit += n;
    if (r.outcome !== 'pass') c.failed += n;
    out.set(id, c);
  }
  return out;
}
