// The columns a ticket table shows (工单列表, 工作台, 回访台), with the remaining time to the next
// deadline computed in the browser from nextDueAt, so a list needs no per-row request.
import { useEffect, useState, type CSSProperties, type MouseEvent, type ReactNode } from 'react';
import type { ColumnsType } from 'antd/es/table';
import { LightBadge } from './LightBadge';
import { STATUS_LABELS, TYPE_LABELS } from '../labels';
import type { TicketSummary } from '../types';
import { serverNow } from '../api';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "2026-11-22T22:30:54+08:00" → "2026-11-22 22:30" (the API already answers in Shanghai time). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 16).replace('T', ' ');
}

/** "剩 2天3小时" / "超期 5小时" from a deadline and now. */
export function remainingText(dueAt: string, now: number): { text: string; overdue: boolean; ms: number } {
  const ms = Date.parse(dueAt) - now;
  const abs = Math.abs(ms);
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  let span: string;
  if (days > 0) span = hours > 0 ? `${days}天${hours}小时` : `${days}天`;
  else if (hours > 0) span = `${hours}小时`;
  else span = `${Math.max(minutes, 1)}分钟`;
  return ms >= 0 ? { text: `剩 ${span}`, overdue: false, ms } : { text: `超期 ${span}`, overdue: true, ms };
}

/** The server's current instant, refreshed every `everyMs` so remaining times move on their own. */
export function useNow(everyMs = MINUTE): number {
  const [now, setNow] = useState(() => serverNow());
  useEffect(() => {
    const id = window.setInterval(() => setNow(serverNow()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

function splitAfterDays(text: string): string[] {
  const i = text.indexOf('天');
  return i < 0 || i === text.length - 1 ? [text] : [text.slice(0, i + 1), text.slice(i + 1)];
}

export function DueCell({ ticket, now, showDate = true }: { ticket: Pick<TicketSummary, 'nextDueAt' | 'provisional' | 'light'>; now: number; showDate?: boolean }) {
  if (!ticket.nextDueAt) return <span style={{ color: '#8c8c8c' }}>—</span>;
  const r = remainingText(ticket.nextDueAt, now);
  const color = r.overdue ? '#cf1322' : ticket.light === 'yellow' || r.ms < DAY ? '#d46b08' : undefined;
  return (
    <div className="list-due" data-due={ticket.nextDueAt}>
      <span style={{ display: 'inline-flex', flexWrap: 'wrap', alignItems: 'center', gap: 4 }}>
        <span style={{ color, fontWeight: r.overdue ? 600 : undefined }}>
          {/* If the cell is narrow, it breaks after the days, not inside a word. */}
          {splitAfterDays(r.text).map((part) => (
            <span key={part} style={{ whiteSpace: 'nowrap' }}>
              {part}
            </span>
          ))}
        </span>
        {ticket.provisional && (
          <LiteTag color="gold" title="该年度工作日历尚未导入，期限按周一至周五暂定">
            暂定
          </LiteTag>
        )}
      </span>
      {showDate && <div style={{ fontSize: 12, color: '#8c8c8c', whiteSpace: 'nowrap' }}>{formatTime(ticket.nextDueAt)}</div>}
    </div>
  );
}

/** 剩/超期 to one deadline by the server's clock, moving on its own: the ticket header and duty rows. */
export function TimeLeft({ dueAt, light, everyMs = MINUTE }: { dueAt: string; light?: string | null; everyMs?: number }) {
  const now = useNow(everyMs);
  const r = remainingText(dueAt, now);
  const color = r.overdue ? '#cf1322' : light === 'yellow' || r.ms < DAY ? '#d46b08' : '#389e0d';
  return (
    <span data-testid="time-left" data-due={dueAt} title={`截止 ${formatTime(dueAt)}`} style={{ color, fontWeight: 600, whiteSpace: 'nowrap' }}>
      {r.text}
    </span>
  );
}

// Ant Design's preset tag colours, drawn by a plain span: a list renders hundreds of tags, and antd's Tag
// costs a style hook per instance.
const TAG_PALETTE: Record<string, [string, string, string]> = {
  default: ['rgba(0,0,0,0.88)', '#fafafa', '#d9d9d9'],
  red: ['#cf1322', '#fff1f0', '#ffa39e'],
  volcano: ['#d4380d', '#fff2e8', '#ffbb96'],
  orange: ['#d46b08', '#fff7e6', '#ffd591'],
  gold: ['#d48806', '#fffbe6', '#ffe58f'],
  green: ['#389e0d', '#f6ffed', '#b7eb8f'],
  cyan: ['#08979c', '#e6fffb', '#87e8de'],
  blue: ['#0958d9', '#e6f4ff', '#91caff'],
  geekblue: ['#1d39c4', '#f0f5ff', '#adc6ff'],
  purple: ['#531dab', '#f9f0ff', '#d3adf7'],
  magenta: ['#c41d7f', '#fff0f6', '#ffadd2'],
};

export function LiteTag({ color = 'default', title, children, style }: { color?: string; title?: string; children: ReactNode; style?: CSSProperties }) {
  const [fg, bg, border] = TAG_PALETTE[color] ?? TAG_PALETTE.default;
  return (
    <span
      className="list-tag"
      title={title}
      style={{ display: 'inline-block', padding: '0 7px', fontSize: 12, lineHeight: '20px', whiteSpace: 'nowrap', color: fg, background: bg, border: `1px solid ${border}`, borderRadius: 4, ...style }}
    >
      {children}
    </span>
  );
}

export const STATUS_COLORS: Record<string, string> = {
  pending_dispatch: 'orange',
  dispatched: 'gold',
  in_progress: 'blue',
  returned: 'volcano',
  disputed: 'magenta',
  awaiting_approval: 'purple',
  replied: 'cyan',
  callback: 'geekblue',
  closed: 'green',
  archived: 'default',
  answered: 'green',
  rejected: 'default',
  transferred: 'default',
  merged: 'default',
};

export function StatusTag({ status, label }: { status: string; label?: string }) {
  return (
    <LiteTag color={STATUS_COLORS[status] ?? 'default'}>
      {label ?? STATUS_LABELS[status] ?? status}
    </LiteTag>
  );
}

export type TicketColumnKey = 'no' | 'light' | 'status' | 'type' | 'category' | 'facts' | 'leadUnit' | 'assignee' | 'createdAt' | 'due';

/**
 * Columns for a ticket table. `compact` (a phone) shows the light as a dot only. Less important
 * columns carry antd's `responsive`, so they fold away on narrow screens.
 */
/** A plain left click opens the ticket in the console; with a modifier key the browser does its own thing. */
function followLink(e: MouseEvent<HTMLAnchorElement>, open: (no: string) => void, no: string) {
  e.stopPropagation();
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  open(no);
}

export function ticketColumns(keys: TicketColumnKey[], opts: { now: number; compact: boolean; open: (no: string) => void }): ColumnsType<TicketSummary> {
  const all: Record<TicketColumnKey, ColumnsType<TicketSummary>[number]> = {
    no: {
      title: '工单编号',
      dataIndex: 'no',
      key: 'no',
      width: opts.compact ? 168 : 176,
      render: (no: string, t) => (
        <span className="list-ticket-no" style={{ whiteSpace: 'nowrap' }}>
          {/* On a phone the light column folds away and its dot sits before the number. */}
          {opts.compact && t.light && (
            <span style={{ marginInlineEnd: 4 }}>
              <LightBadge light={t.light} showText={false} />
            </span>
          )}
          <a href={`/tickets/${no}`} onClick={(e) => followLink(e, opts.open, no)} data-ticket-no={no}>
            {no}
          </a>
          {t.special !== 'none' && (
            <LiteTag color="red" style={{ marginInlineStart: 4 }} title={t.special === 'special_emergency' ? '特殊紧急事项' : '特殊事项'}>
              {t.special === 'special_emergency' ? '特急' : '特殊'}
            </LiteTag>
          )}
          {t.supervised && (
            <LiteTag color="purple" style={{ marginInlineStart: 4 }}>
              督办
            </LiteTag>
          )}
        </span>
      ),
    },
    light: {
      title: '红黄灯',
      dataIndex: 'light',
      key: 'light',
      width: 76,
      responsive: ['md'],
      render: (light: TicketSummary['light']) => <LightBadge light={light} />,
    },
    status: {
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: opts.compact ? 86 : 104,
      render: (status: string, t) => <StatusTag status={status} label={t.statusLabel} />,
    },
    type: {
      title: '类型',
      dataIndex: 'type',
      key: 'type',
      width: 76,
      responsive: ['md'],
      render: (type: string, t) => t.typeLabel ?? TYPE_LABELS[type] ?? type,
    },
    category: {
      title: '分类',
      dataIndex: 'category',
      key: 'category',
      width: 110,
      responsive: ['xl'],
      ellipsis: true,
      render: (c: string | null) => c ?? '—',
    },
    facts: {
      title: '诉求摘要',
      dataIndex: 'facts',
      key: 'facts',
      responsive: ['md'],
      // Two lines of the summary, the whole of it on hover.
      render: (facts: string) => (
        <div title={facts} style={{ display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden', wordBreak: 'break-all' }}>
          {facts}
        </div>
      ),
    },
    leadUnit: {
      title: '主办单位',
      dataIndex: 'leadUnit',
      key: 'leadUnit',
      width: 140,
      responsive: ['lg'],
      ellipsis: true,
      render: (u: TicketSummary['leadUnit']) => u?.name ?? '—',
    },
    assignee: {
      title: '承办人',
      dataIndex: 'assignees',
      key: 'assignee',
      width: 100,
      ellipsis: true,
      render: (list: TicketSummary['assignees']) => (list?.length ? <span data-testid="row-assignee">{list.map((a) => a.name).join('、')}</span> : '—'),
    },
    createdAt: {
      title: '受理时间',
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 134,
      responsive: ['lg'],
      render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(v)}</span>,
    },
    due: {
      title: '办理期限',
      dataIndex: 'nextDueAt',
      key: 'due',
      width: opts.compact ? undefined : 136,
      render: (_: unknown, t) => <DueCell ticket={t} now={opts.now} showDate={!opts.compact} />,
    },
  };
  return keys.map((k) => all[k]);
}
