// 坐席监控 (the team lead's live wall): queues now, every seat as a tile by state, today's figures
// against GB/T 33358 and the service level per half hour. Refreshes every 5 s; at 1366×768 it fits on
// one screen for some 40 seats, so it can stay open on the team lead's second monitor.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Card, Col, Empty, Flex, Row, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { api, qs } from '../../api';
import { EChart, type ChartOption } from '../reports/EChart';
import {
  ANSWER_TARGET_SECONDS,
  CONNECT_RATE_TARGET,
  NOT_READY_REASONS,
  SEAT_STATE_COLORS,
  SEAT_STATE_LABELS,
  SEAT_STATE_ORDER,
  clock,
  itemsOf,
  pct,
  queueLabel,
  secs,
  shortQueue,
  type CallStatsPage,
  type CallStatsRow,
  type LiveStats,
  type QueueNow,
  type SeatView,
} from './callTypes';

const REFRESH_MS = 5_000;
/** The half-hour line changes slowly: every sixth refresh. */
const CHART_EVERY = 6;

export function shanghaiDate(ms = Date.now()): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

function Figure({ title, value, testId, color, hint }: { title: string; value: string; testId: string; color?: string; hint?: string }) {
  return (
    <Card size="small" style={{ flex: '1 1 120px', minWidth: 112 }} styles={{ body: { padding: '6px 10px' } }}>
      <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
        {title}
      </Typography.Text>
      <div data-testid={testId} style={{ fontSize: 20, fontWeight: 600, lineHeight: 1.3, color, fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </div>
      {hint && (
        <Typography.Text type="secondary" style={{ fontSize: 11, whiteSpace: 'nowrap' }}>
          {hint}
        </Typography.Text>
      )}
    </Card>
  );
}

function SeatTile({ seat, now }: { seat: SeatView; now: number }) {
  const color = SEAT_STATE_COLORS[seat.state];
  const inState = Math.max(0, (now - Date.parse(seat.since)) / 1000);
  const reason = seat.reasonLabel ?? (seat.reason ? NOT_READY_REASONS[seat.reason] ?? seat.reason : null);
  const over = seat.state === 'wrap_up' && (seat.wrapUpUntil ? now > Date.parse(seat.wrapUpUntil) : !!seat.wrapUpLimitSeconds && inState > seat.wrapUpLimitSeconds);
  const name = seat.displayName ?? seat.agent;
  return (
    <div
      data-testid={`seat-tile-${seat.agent}`}
      data-state={seat.state}
      role="listitem"
      aria-label={`${name} ${SEAT_STATE_LABELS[seat.state]}`}
      style={{
        borderLeft: `4px solid ${color}`,
        background: `${color}1a`,
        borderRadius: 4,
        padding: '3px 6px',
        fontSize: 12,
        lineHeight: '18px',
        minWidth: 0,
      }}
    >
      <Flex justify="space-between" gap={4}>
        <span style={{ fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={`${name}（${seat.agent}）`}>
          {name}
        </span>
        <span style={{ fontVariantNumeric: 'tabular-nums', color: over ? '#f5222d' : '#595959' }}>{seat.state === 'logged_off' ? '' : clock(inState)}</span>
      </Flex>
      <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', color: '#434343' }}>
        <span style={{ color, fontWeight: 600 }}>{SEAT_STATE_LABELS[seat.state]}</span>
        {seat.state === 'not_ready' && reason && reason !== SEAT_STATE_LABELS.not_ready ? `（${reason}）` : ''}
      </div>
      <div
        data-testid="seat-tile-call"
        style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', color: '#595959', minHeight: 18 }}
        title={seat.call ? `${queueLabel(seat.call.queue, seat.call.queueLabel)} ${seat.call.caller ?? ''}` : undefined}
      >
        {seat.call ? `${shortQueue(seat.call.queue, seat.call.queueLabel)} ${seat.call.caller ?? '未知号码'}` : seat.message ? `留言 · ${seat.message.phone ?? ''}` : '\u00a0'}
      </div>
    </div>
  );
}

export default function CallWallPage() {
  const [live, setLive] = useState<LiveStats | null>(null);
  const [seats, setSeats] = useState<SeatView[] | null>(null);
  const [rows, setRows] = useState<CallStatsRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [showOff, setShowOff] = useState(false);
  const [tick, setTick] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const skew = useRef(0);

  useEffect(() => {
    const refresh = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    const second = window.setInterval(() => setNow(Date.now()), 1000);
    return () => {
      window.clearInterval(refresh);
      window.clearInterval(second);
    };
  }, []);

  useEffect(() => {
    let on = true;
    // The seats and the figures load apart: a lead still sees who is on the phones when the figures fail.
    Promise.allSettled([api<LiveStats>('/call-stats/live'), api<SeatView[] | { items: SeatView[] }>('/seats')]).then(([l, s]) => {
      if (!on) return;
      if (l.status === 'fulfilled') {
        if (l.value.now) skew.current = Date.parse(l.value.now) - Date.now();
        setLive(l.value);
      }
      if (s.status === 'fulfilled') setSeats(itemsOf(s.value));
      const failed = [l, s].find((r): r is PromiseRejectedResult => r.status === 'rejected');
      setError(failed ? (failed.reason instanceof Error ? failed.reason.message : String(failed.reason)) : null);
    });
    if (tick % CHART_EVERY === 0) {
      const today = shanghaiDate();
      // Today's 48 half hours fit one page.
      api<CallStatsPage>(`/call-stats${qs({ from: today, to: today, interval: '30m', pageSize: 200 })}`)
        .then((r) => on && setRows(r.items))
        .catch(() => undefined);
    }
    return () => {
      on = false;
    };
  }, [tick]);

  const t = now + skew.current;
  const sorted = useMemo(
    () =>
      (seats ?? [])
        .filter((s) => showOff || s.state !== 'logged_off')
        .sort((a, b) => SEAT_STATE_ORDER.indexOf(a.state) - SEAT_STATE_ORDER.indexOf(b.state) || Date.parse(a.since) - Date.parse(b.since)),
    [seats, showOff],
  );
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const s of seats ?? []) c[s.state] = (c[s.state] ?? 0) + 1;
    return c;
  }, [seats]);

  const today = live?.today;
  const chart = useMemo<ChartOption>(() => {
    // Only the half hours up to now: later ones have no calls yet.
    const past = rows.filter((r) => Date.parse(r.from) <= Date.now());
    return {
      grid: { left: 40, right: 12, top: 30, bottom: 22 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
      legend: { top: 0, right: 0, itemWidth: 14, textStyle: { fontSize: 11 } },
      xAxis: { type: 'category', data: past.map((r) => r.from.slice(11, 16)), axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%', fontSize: 10 } },
      series: [
        { name: '15秒服务水平', type: 'line', smooth: true, symbolSize: 6, connectNulls: false, data: past.map((r) => (r.serviceLevel15s === null ? null : Math.round(r.serviceLevel15s * 1000) / 10)) },
        { name: '接通率', type: 'line', smooth: true, symbolSize: 6, lineStyle: { type: 'dashed' }, data: past.map((r) => (r.connectRate === null ? null : Math.round(r.connectRate * 1000) / 10)) },
      ],
    };
  }, [rows]);

  // Today's 漏接回拨 (GET /call-stats/live `missedCalls`): called back of missed, reached, still open.
  const missed = (live as (LiveStats & { missedCalls?: { missed: number; calledBack: number; reached: number; open: number; callbackWithinTargetRate: number | null; targetSeconds: number } }) | null | undefined)?.missedCalls;
  const connectOk = today?.connectRate === null || today?.connectRate === undefined ? undefined : today.connectRate >= CONNECT_RATE_TARGET;

  return (
    <div data-testid="call-wall" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          坐席监控
        </Typography.Title>
        {missed && (
          <Typography.Text style={{ fontSize: 13 }} data-testid="wall-missed">
            今日漏接 {missed.missed} · 已回拨 {missed.calledBack} · 已联系 {missed.reached} · 未完成 {missed.open} · {Math.round(missed.targetSeconds / 60)}分钟内回拨 {pct(missed.callbackWithinTargetRate)}
          </Typography.Text>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {live ? `${live.now.slice(11, 19)} 更新 · 每 5 秒刷新` : '加载中…'}
        </Typography.Text>
      </Flex>
      {error && <Alert type="error" showIcon message={error} />}
      <Flex gap={8} wrap data-testid="wall-today" role="group" aria-label="今日指标">
        <Figure title="今日呼入" value={String(today?.offered ?? '—')} testId="wall-offered" />
        <Figure title="接通" value={String(today?.answered ?? '—')} testId="wall-answered" />
        <Figure title={`${ANSWER_TARGET_SECONDS}秒服务水平`} value={pct(today?.serviceLevel15s)} testId="wall-sl" />
        <Figure title="放弃率" value={pct(today?.abandonRate)} testId="wall-abandon" hint={today ? `短时放弃 ${today.shortAbandoned}（不计）` : undefined} />
        <Figure
          title="接通率（目标≥95%）"
          value={pct(today?.connectRate)}
          testId="wall-connect"
          color={connectOk === undefined ? undefined : connectOk ? '#389e0d' : '#f5222d'}
        />
        <Figure title="平均应答" value={secs(today?.asaSeconds)} testId="wall-asa" />
        <Figure title="占用率" value={pct(today?.occupancy)} testId="wall-occupancy" />
        {live?.messages && (
          <Figure
            title="留言3分钟答复"
            value={live.messages.answered ? pct(live.messages.answeredWithinTarget / live.messages.answered) : '—'}
            testId="wall-messages"
            hint={`今日 ${live.messages.received} 条 · 待认领 ${live.messages.waiting}`}
          />
        )}
      </Flex>
      <Row gutter={[8, 8]}>
        <Col xs={24} lg={8} xl={7} style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
          <Card size="small" title="队列实况" styles={{ body: { padding: 0 } }}>
            <Table<QueueNow>
              data-testid="wall-queues"
              size="small"
              rowKey="queue"
              pagination={false}
              dataSource={live?.queues ?? []}
              loading={!live && !error}
              locale={{ emptyText: '无排队' }}
              columns={[
                { title: '队列', dataIndex: 'queue', ellipsis: true, render: (q: string, r) => queueLabel(q, r.label) },
                { title: '排队', dataIndex: 'waiting', width: 52, align: 'right', render: (n: number) => <b style={{ color: n ? '#d4380d' : undefined }}>{n}</b> },
                {
                  title: '最长等待',
                  dataIndex: 'longestWaitSeconds',
                  width: 76,
                  align: 'right',
                  render: (s: number | null) =>
                    s === null || s === undefined ? (
                      '—'
                    ) : (
                      <span data-testid="queue-longest" style={{ color: s > ANSWER_TARGET_SECONDS ? '#f5222d' : '#389e0d', fontWeight: 600 }}>
                        {clock(s)}
                      </span>
                    ),
                },
                ...(live?.queues.some((q) => q.agents !== undefined) ? [{ title: '在线', dataIndex: 'agents', width: 48, align: 'right' as const }] : []),
              ]}
            />
          </Card>
          <Card size="small" title="服务水平（每30分钟）" styles={{ body: { padding: '4px 8px' } }}>
            {rows.length ? <EChart option={chart} height={190} testId="wall-chart" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="今日尚无来电" style={{ margin: '24px 0' }} />}
          </Card>
        </Col>
        <Col xs={24} lg={16} xl={17}>
          <Card
            size="small"
            title={
              <Flex gap={6} wrap align="center">
                <span>坐席</span>
                {SEAT_STATE_ORDER.map((s) => (
                  <Tooltip key={s} title={SEAT_STATE_LABELS[s]}>
                    <Tag color={SEAT_STATE_COLORS[s]} style={{ marginInlineEnd: 0, color: s === 'logged_off' ? '#595959' : '#fff' }} data-testid={`wall-count-${s}`}>
                      {SEAT_STATE_LABELS[s]} {counts[s] ?? 0}
                    </Tag>
                  </Tooltip>
                ))}
              </Flex>
            }
            extra={
              <label style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                <Switch size="small" checked={showOff} onChange={setShowOff} /> 显示签出
              </label>
            }
            styles={{ body: { padding: 8 } }}
          >
            {sorted.length ? (
              <div role="list" aria-label="坐席" data-testid="wall-seats" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(124px, 1fr))', gap: 6 }}>
                {sorted.map((s) => (
                  <SeatTile key={s.agent} seat={s} now={t} />
                ))}
              </div>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={seats ? '暂无签入的坐席' : '加载中…'} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
