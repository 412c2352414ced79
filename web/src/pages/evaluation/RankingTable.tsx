// One tier of the monthly ranking: rank, unit, score, every indicator, the two overdue counts and
// the 通报 triggers. A plain table in Ant Design's look (./ranking.css), memoised, with native titles:
// drawn by antd's Table, 57 rows × 17 columns took seconds on a loaded office PC, and every dialog
// the page opened drew them all again. Columns sort on a click of their header (score, indicators).
import { memo, useMemo, useState, type ReactNode } from 'react';
import { Spin } from 'antd';
import { LiteTag } from '../../components/ListColumns';
import { fmtTime } from '../../components/TicketRefData';
import type { IndicatorKey, UnitMonthCounts } from '../../../../src/domain/evaluation.ts';
import { DRILLABLE, type EvaluationRow, type MonthlyEvaluation } from '../../../../src/evaluation/contract.ts';
import './ranking.css';

// The shapes GET /evaluation/months/:month answers with: the server's own (src/evaluation/contract.ts).
export type RankedRow = EvaluationRow;
export type Trigger = EvaluationRow['triggers'][number];
export type Indicator = MonthlyEvaluation['indicators'][number];

/** The figures a click opens: the rates above, and the two overdue counts. */
const OPENS = new Set<string>(DRILLABLE);

/** The counts behind each indicator, for its title: numerator and denominator. */
const FRACTIONS: Partial<Record<string, [keyof UnitMonthCounts, keyof UnitMonthCounts]>> = {
  signRate: ['signed', 'assigned'],
  signOnTimeRate: ['signedOnTime', 'assigned'],
  completionRate: ['completed', 'due'],
  completionOnTimeRate: ['completedOnTime', 'due'],
  satisfactionRate: ['satisfied', 'rated'],
  returnRate: ['returns', 'leadAssigned'],
  improperReturnRate: ['improperReturns', 'leadAssigned'],
  extensionRate: ['extensions', 'due'],
  kbUpkeepRate: ['kbOnTime', 'kbDue'],
};

const COUNTS = [
  { key: 'overdueUnexplained' as const, label: '超期未说明', title: '当月到期的答复与协办意见中超期（含超期退回、超期后被撤销）且未申请延期的件数' },
  { key: 'coHandlingLate' as const, label: '协办超期', title: '当月到期的协办意见中超期或主办答复时仍未提交且已过时限的件数' },
];

export const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

type Sort = { key: string; desc: boolean } | null;

export interface RankingTableProps {
  rows: RankedRow[];
  indicators: Indicator[];
  loading: boolean;
  /** The viewer's own unit, marked. */
  ownCode: string | null;
  /** Whether the viewer may open a unit's figures. */
  mayOpen: (r: RankedRow) => boolean;
  onDrill: (to: { code: string; indicator: string }) => void;
  /** Present when the viewer may decide on the triggers now. */
  onDecide?: (row: RankedRow, trigger: Trigger, decision: 'confirmed' | 'dismissed') => void;
}

const valueOf = (r: RankedRow, key: string): number => (key === 'score' ? r.score : r.indicators[key as IndicatorKey]) ?? -1;

export const RankingTable = memo(function RankingTable({ rows, indicators, loading, ownCode, mayOpen, onDrill, onDecide }: RankingTableProps) {
  const [sort, setSort] = useState<Sort>(null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const dir = sort.desc ? -1 : 1;
    return [...rows].sort((a, b) => dir * (valueOf(a, sort.key) - valueOf(b, sort.key)));
  }, [rows, sort]);
  // A click cycles ascending, descending, the ranking's own order (as antd's sorter did).
  const toggle = (key: string) => setSort((s) => (s?.key !== key ? { key, desc: false } : s.desc ? null : { key, desc: true }));
  const sortHead = (key: string, label: ReactNode, title?: string) => (
    <th key={key} className="num sortable" title={title} onClick={() => toggle(key)} aria-sort={sort?.key === key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
      {label}
      <span className={`sort-mark${sort?.key === key ? ' on' : ''}`}>{sort?.key === key ? (sort.desc ? '▼' : '▲') : '⇅'}</span>
    </th>
  );
  const figure = (r: RankedRow, key: string, content: ReactNode) =>
    OPENS.has(key) && mayOpen(r) ? (
      <a role="button" data-figure={key} onClick={() => onDrill({ code: r.unit.code, indicator: key })}>
        {content}
      </a>
    ) : (
      content
    );

  return (
    <Spin spinning={loading && !rows.length}>
      <div className="eval-ranking" data-testid="evaluation-table">
        <table>
          <colgroup>
            <col style={{ width: 64 }} />
            <col style={{ width: 190 }} />
            <col style={{ width: 76 }} />
            {indicators.map((i) => (
              <col key={i.key} style={{ width: 92 }} />
            ))}
            {COUNTS.map((c) => (
              <col key={c.key} style={{ width: 84 }} />
            ))}
            <col style={{ width: 300 }} />
          </colgroup>
          <thead>
            <tr>
              <th className="center pin" style={{ left: 0 }}>
                排名
              </th>
              <th className="pin pin-edge" style={{ left: 64 }}>
                单位
              </th>
              {sortHead('score', '得分')}
              {indicators.map((i) => sortHead(i.key, i.label, `${i.formula}${i.weight ? `；权重 ${i.weight}` : '；不计分'}`))}
              {COUNTS.map((c) => (
                <th key={c.key} className="num" title={c.title}>
                  {c.label}
                </th>
              ))}
              <th>通报情形（第三十一条（二））</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.unit.code} data-row-key={r.unit.code} data-own={ownCode === r.unit.code ? 'true' : undefined} className={ownCode === r.unit.code ? 'own' : undefined}>
                <td className="center pin" style={{ left: 0 }}>
                  {r.rank ?? (
                    <span title={r.rankNote ?? undefined} className="muted" data-rank-note>
                      不排名
                    </span>
                  )}
                </td>
                <td className="pin pin-edge" style={{ left: 64 }}>
                  <span data-unit={r.unit.code}>{r.unit.name}</span>
                </td>
                <td className="num">{r.score === null ? '—' : <b>{r.score.toFixed(2)}</b>}</td>
                {indicators.map((i) => {
                  const [n, d] = FRACTIONS[i.key] ?? [];
                  const v = r.indicators[i.key];
                  const bad = v !== null && v !== undefined && (i.lowerIsBetter ? v >= 0.1 : v < 0.8);
                  return (
                    <td key={i.key} className="num" title={n && d ? `${r.counts[n]} / ${r.counts[d]}` : undefined}>
                      {figure(r, i.key, <span className={bad ? 'bad' : undefined}>{pct(v ?? null)}</span>)}
                      {i.key === 'satisfactionRate' && r.exclusions?.length ? (
                        <span data-exclusions={r.exclusions.length} style={{ marginLeft: 4 }}>
                          <LiteTag color="purple" title={r.exclusions.map((x) => `${x.ticketNo}：${x.reason}（${x.by ?? ''}，${fmtTime(x.at)}）`).join('；')}>
                            主管部门排除 {r.exclusions.length}
                          </LiteTag>
                        </span>
                      ) : null}
                    </td>
                  );
                })}
                {COUNTS.map((c) => (
                  <td key={c.key} className="num">
                    {figure(r, c.key, <span className={r.counts[c.key as keyof UnitMonthCounts] ? 'bad' : undefined}>{r.counts[c.key as keyof UnitMonthCounts] ?? 0}</span>)}
                  </td>
                ))}
                <td>
                  {r.triggers.length ? (
                    <div style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
                      {r.triggers.map((t) => (
                        <div key={t.key} data-trigger={t.key}>
                          <LiteTag color={t.decision === 'confirmed' ? 'red' : t.decision === 'dismissed' ? 'default' : 'orange'} title={`${t.label}：${t.detail}${t.note ? `（${t.note}）` : ''}`} style={{ marginRight: 8 }}>
                            {t.label.split('：')[0].replace('第三十一条（二）', '第') + '项'} {t.decision === 'confirmed' ? '已通报' : t.decision === 'dismissed' ? '不予通报' : '待确认'}
                          </LiteTag>
                          <span style={{ fontSize: 12 }} className="muted">
                            {t.detail}
                          </span>
                          {onDecide && (
                            <span>
                              <button type="button" className="link" onClick={() => onDecide(r, t, 'confirmed')}>
                                确认通报
                              </button>
                              <button type="button" className="link" onClick={() => onDecide(r, t, 'dismissed')}>
                                不予通报
                              </button>
                            </span>
                          )}
                        </div>
                      ))}
                    </div>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
            {!sorted.length && (
              <tr>
                <td colSpan={indicators.length + 6} className="empty">
                  {loading ? '加载中…' : '暂无数据'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Spin>
  );
});
