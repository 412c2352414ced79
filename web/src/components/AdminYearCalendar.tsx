// A year of working days as twelve month grids (weeks from Monday): rest days marked 休, 调休 workdays
// marked 班, holiday names under each month. Clicking a day hands it to the page.
import { useMemo, type CSSProperties } from 'react';
import { Tag, Tooltip } from 'antd';

export interface YearDay {
  date: string;
  working: boolean;
  name?: string;
}

export type DayClass = 'work' | 'weekend' | 'holiday' | 'swap';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function weekdayName(date: string): string {
  return `星期${WEEKDAYS[weekdayOf(date)]}`;
}

/** 调休上班 = a working Saturday or Sunday; 休 = a rest day that is not an ordinary weekend. */
export function classify(day: YearDay): DayClass {
  const weekend = [0, 6].includes(weekdayOf(day.date));
  if (day.working) return weekend ? 'swap' : 'work';
  return weekend && !day.name ? 'weekend' : 'holiday';
}

export const DAY_CLASS_LABELS: Record<DayClass, string> = { work: '工作日', weekend: '周末休息', holiday: '法定节假日 / 休息日', swap: '调休上班' };

const CELL_STYLE: Record<DayClass, CSSProperties> = {
  work: { background: '#fff', color: '#262626' },
  weekend: { background: '#f5f5f5', color: '#8c8c8c' },
  holiday: { background: '#fff1f0', color: '#cf1322', fontWeight: 600 },
  swap: { background: '#fff7e6', color: '#d46b08', fontWeight: 600, boxShadow: 'inset 0 0 0 1px #ffa940' },
};

const BADGE: Partial<Record<DayClass, { text: string; color: string }>> = { holiday: { text: '休', color: '#cf1322' }, swap: { text: '班', color: '#d46b08' } };

/** Consecutive days of one kind and name, e.g. 国庆节 10-01~10-07, for the line under a month. */
function segments(days: YearDay[]): Array<{ kind: 'holiday' | 'swap'; name: string; from: string; to: string }> {
  const out: Array<{ kind: 'holiday' | 'swap'; name: string; from: string; to: string }> = [];
  for (const d of days) {
    const kind = classify(d);
    if (kind !== 'holiday' && kind !== 'swap') continue;
    const name = d.name ?? (kind === 'swap' ? '调休上班' : '休息');
    const last = out[out.length - 1];
    const prevDate = last ? new Date(Date.parse(`${last.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : '';
    if (last && last.kind === kind && last.name === name && prevDate === d.date) last.to = d.date;
    else out.push({ kind, name, from: d.date, to: d.date });
  }
  return out;
}

export function LegendItem({ kind }: { kind: DayClass }) {
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, marginRight: 12, whiteSpace: 'nowrap' }}>
      <span style={{ ...CELL_STYLE[kind], display: 'inline-block', width: 18, height: 18, borderRadius: 3, border: '1px solid #e8e8e8', fontSize: 11, lineHeight: '16px', textAlign: 'center' }}>
        {BADGE[kind]?.text ?? ''}
      </span>
      {DAY_CLASS_LABELS[kind]}
    </span>
  );
}

export function YearCalendar({ year, days, today, onPick }: { year: number; days: YearDay[]; today?: string; onPick?: (day: YearDay) => void }) {
  const months = useMemo(() => {
    const byMonth: YearDay[][] = Array.from({ length: 12 }, () => []);
    for (const d of days) byMonth[Number(d.date.slice(5, 7)) - 1].push(d);
    return byMonth;
  }, [days]);

  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(250px, 1fr))', gap: 12 }}>
      {months.map((list, m) => {
        // Monday-first offset of the 1st.
        const offset = list.length ? (weekdayOf(list[0].date) + 6) % 7 : 0;
        const segs = segments(list);
        return (
          <div key={m} style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: 8, background: '#fff' }} data-month={m + 1}>
            <div style={{ fontWeight: 600, marginBottom: 4 }}>
              {year} 年 {m + 1} 月
            </div>
            <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2, fontSize: 12 }}>
              {['一', '二', '三', '四', '五', '六', '日'].map((w, i) => (
                <div key={w} style={{ textAlign: 'center', color: i >= 5 ? '#8c8c8c' : '#595959' }}>
                  {w}
                </div>
              ))}
              {Array.from({ length: offset }, (_, i) => (
                <div key={`pad${i}`} />
              ))}
              {list.map((d) => {
                const kind = classify(d);
                const badge = BADGE[kind];
                const isToday = d.date === today;
                return (
                  <Tooltip key={d.date} title={`${d.date} ${weekdayName(d.date)}：${d.working ? '工作日' : '休息'}${d.name ? `（${d.name}）` : ''}`} mouseEnterDelay={0.3}>
                    <button
                      type="button"
                      data-date={d.date}
                      data-kind={kind}
                      onClick={() => onPick?.(d)}
                      style={{
                        ...CELL_STYLE[kind],
                        position: 'relative',
                        height: 28,
                        border: 'none',
                        borderRadius: 3,
                        cursor: onPick ? 'pointer' : 'default',
                        padding: 0,
                        fontSize: 12,
                        outline: isToday ? '2px solid #1f5fbf' : undefined,
                        outlineOffset: -2,
                      }}
                    >
                      {Number(d.date.slice(8))}
                      {badge && (
                        <span style={{ position: 'absolute', top: 0, right: 2, fontSize: 9, lineHeight: '11px', color: badge.color, fontWeight: 400 }}>{badge.text}</span>
                      )}
                    </button>
                  </Tooltip>
                );
              })}
            </div>
            <div style={{ marginTop: 6, minHeight: 22, display: 'flex', flexWrap: 'wrap', gap: 4 }}>
              {segs.map((s) => (
                <Tag key={`${s.from}${s.kind}`} color={s.kind === 'swap' ? 'orange' : 'red'} style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '18px', paddingInline: 4 }}>
                  {s.kind === 'swap' ? '班 ' : ''}
                  {s.name} {s.from.slice(5)}
                  {s.to !== s.from ? `~${s.to.slice(5)}` : ''}
                </Tag>
              ))}
            </div>
          </div>
        );
      })}
    </div>
  );
}
