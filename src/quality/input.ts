// Request checks of the quality API: each failure is a 400 naming the field in Chinese.
import { invalid } from '../server/problem.ts';
import { addDays, dayStart, parseDateParam } from '../reports/periods.ts';
import { shanghaiDate } from '../domain/deadline.ts';

export interface Period {
  from: string; // YYYY-MM-DD
  to: string; // YYYY-MM-DD, inclusive
  fromAt: string; // UTC instant of from 00:00 Shanghai
  toAt: string; // UTC instant of (to + 1) 00:00 Shanghai
}

/** An inclusive Shanghai date range of at most 366 days; defaults to this month so far. */
export function period(q: { from?: unknown; to?: unknown }, nowIso: string, required = false): Period {
  const today = shanghaiDate(nowIso);
  if (required && (q.from === undefined || q.from === '')) throw invalid('from', '缺少必填字段「开始日期」（from）');
  if (required && (q.to === undefined || q.to === '')) throw invalid('to', '缺少必填字段「结束日期」（to）');
  const from = q.from === undefined || q.from === '' ? `${today.slice(0, 7)}-01` : parseDateParam('from', '开始日期', String(q.from));
  const to = q.to === undefined || q.to === '' ? today : parseDateParam('to', '结束日期', String(q.to));
  if (to < from) throw invalid('to', '「结束日期」不能早于「开始日期」');
  if (addDays(from, 366) <= to) throw invalid('to', '查询期间不能超过 366 天');
  return { from, to, fromAt: dayStart(from), toAt: dayStart(addDays(to, 1)) };
}

export function optionalText(body: Record<string, unknown>, field: string, label: string, max: number): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(field, `字段「${label}」应为文本`);
  if (v.trim().length > max) throw invalid(field, `字段「${label}」不能超过 ${max} 个字符`);
  return v.trim();
}

export function requiredText(body: Record<string, unknown>, field: string, label: string, max: number): string {
  const v = optionalText(body, field, label, max);
  if (!v) throw invalid(field, `缺少必填字段「${label}」`);
  return v;
}

export function asBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body', '请求体应为 JSON 对象');
  return body as Record<string, unknown>;
}

export function onlyFields(body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra) throw invalid(extra, `不允许的字段「${extra}」`);
}
