// `hotline evaluate --month YYYY-MM [--json]`: the month's evaluation, one row per unit with every
// indicator and the triggers it hit.
import { parseArgs } from 'node:util';
import type { AppContext } from '../../server/context.ts';
import { Problem } from '../../server/problem.ts';
import { INDICATOR_KEYS, INDICATORS } from '../../domain/evaluation.ts';
import { evaluateMonth } from '../../evaluation/monthly.ts';

export const EVALUATE_USAGE = `  evaluate --month YYYY-MM [--json]
                             月度考核：每个承办单位一行，含各项指标、得分、排名和触发的通报情形`;

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

export async function evaluateCommand(args: string[], withContext: <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>): Promise<void> {
  const { values } = parseArgs({ args, options: { month: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.month) throw new Problem(400, 'usage', `须给出 --month YYYY-MM\n用法:\n${EVALUATE_USAGE}`);
  const evaluation = await withContext((ctx) => evaluateMonth(ctx, values.month!));
  const rows = evaluation.rows.map((r) => ({
    unit: r.unit.code,
    name: r.unit.name,
    tier: r.tier?.label ?? null,
    rank: r.rank,
    rankNote: r.rankNote,
    score: r.score,
    ...r.indicators,
    counts: r.counts,
    triggers: r.triggers.map((t) => ({ key: t.key, label: t.label, detail: t.detail, decision: t.decision })),
  }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ month: evaluation.month, complete: evaluation.complete, rows }, null, 2)}\n`);
    return;
  }
  const header = ['分档', '排名', '单位', '得分', ...INDICATOR_KEYS.map((k) => INDICATORS[k].label), '通报情形'];
  process.stdout.write(`${evaluation.month} 月度考核${evaluation.complete ? '' : '（当月未结束，数据仍在变化）'}\n${header.join('\t')}\n`);
  for (const r of evaluation.rows) {
    if (r.score === null && !r.triggers.length) continue;
    const line = [r.tier?.label ?? '—', r.rank ?? '—', r.unit.name, r.score ?? '—', ...INDICATOR_KEYS.map((k) => pct(r.indicators[k])), r.triggers.map((t) => t.label.split('：')[0]).join('；') || '—'];
    process.stdout.write(`${line.join('\t')}\n`);
  }
}
