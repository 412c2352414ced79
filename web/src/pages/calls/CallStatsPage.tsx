// 话务统计: the service-level figures per interval (30 min, hour, day), over all calls, per queue or
// per agent, for a range of days. Short abandons stand in their own column, apart from the figures
// they do not count in (GB/T 33358; docs/reference/calls.md, "Service levels: formulas").
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { Alert, Card, Checkbox, DatePicker, Flex, Grid, Input, Segmented, Select, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, qs } from '../../api';
import { shanghaiDate } from './CallWallPage';
import { ANSWER_TARGET_SECONDS, CONNECT_RATE_TARGET, QUEUE_LABELS, pct, queueLabel, secs, type CallStatsPage, type CallStatsRow } from './callTypes';

const PAGE_SIZE = 48;
type Interval = '30m' | '1h' | 'day';
type By = 'all' | 'queue' | 'agent';

function period(r: CallStatsRow, interval: string): string {
  if (interval === 'day') return r.from.slice(0, 10);
  return `${r.from.slice(0, 10)} ${r.from.slice(11, 16)}–${r.to.slice(11, 16)}`;
}

export default function CallStatsPage() {
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const today = shanghaiDate();
  const from = params.get('from') ?? today;
  const to = params.get('to') ?? today;
  const interval = (params.get('interval') as Interval) ?? '1h';
  const by = (params.get('by') as By) ?? 'all';
  const queue = params.get('queue') ?? undefined;
  const agent = params.get('agent') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [agentText, setAgentText] = useState(agent ?? '');
  // Most half hours of a night have no calls: they are left out unless asked for.
  const withEmpty = params.get('empty') === '1';

  const set = (patch: Record<string, string | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) v ? next.set(k, v) : next.delete(k);
        if (!('page' in patch)) next.delete('page');
        return next;
      },
      { replace: true },
    );

  const [data, setData] = useState<CallStatsPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const key = `${from}|${to}|${interval}|${by}|${queue}|${agent}|${page}|${withEmpty}`;
  useEffect(() => {
    let on = true;
    setLoading(true);
    // The server pages the rows, and leaves out the intervals without calls unless they are asked for.
    api<CallStatsPage>(`/call-stats${qs({ from, to, interval, by: by === 'all' ? undefined : by, queue, agent, empty: withEmpty ? undefined : 'exclude', page, pageSize: PAGE_SIZE })}`)
      .then((r) => {
        if (!on) return;
        setData(r);
        setError(null);
      })
      .catch((e) => on && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => on && setLoading(false));
    return () => {
      on = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const columns = useMemo<ColumnsType<CallStatsRow>>(
    () => [
      { title: '时段', key: 'period', fixed: screens.md ? 'left' : undefined, width: interval === 'day' ? 100 : 150, render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{period(r, interval)}</span> },
      ...(by === 'queue' || queue ? [{ title: '队列', dataIndex: 'queue', width: 120, ellipsis: true, render: (q: string | null) => queueLabel(q) }] : []),
      ...(by === 'agent' || agent ? [{ title: '坐席', dataIndex: 'agent', width: 90, render: (a: string | null) => a ?? '—' }] : []),
      { title: '呼入', dataIndex: 'offered', align: 'right', width: 60 },
      { title: '接通', dataIndex: 'answered', align: 'right', width: 60 },
      { title: `${ANSWER_TARGET_SECONDS}秒内接通`, dataIndex: 'answeredWithin15s', align: 'right', width: 96 },
      { title: '放弃', dataIndex: 'abandoned', align: 'right', width: 56 },
      { title: `${ANSWER_TARGET_SECONDS}秒服务水平`, dataIndex: 'serviceLevel15s', align: 'right', width: 110, render: (v: number | null) => pct(v) },
      { title: '放弃率', dataIndex: 'abandonRate', align: 'right', width: 72, render: (v: number | null) => pct(v) },
      {
        title: '接通率',
        dataIndex: 'connectRate',
        align: 'right',
        width: 72,
        render: (v: number | null) => <span style={{ color: v === null ? undefined : v >= CONNECT_RATE_TARGET ? '#389e0d' : '#f5222d' }}>{pct(v)}</span>,
      },
      { title: '平均应答', dataIndex: 'asaSeconds', align: 'right', width: 80, render: (v: number | null) => secs(v) },
      { title: '平均处理', dataIndex: 'ahtSeconds', align: 'right', width: 80, render: (v: number | null) => secs(v) },
      { title: '占用率', dataIndex: 'occupancy', align: 'right', width: 72, render: (v: number | null) => pct(v) },
      {
        title: <span title="等待不足阈值即挂机，多为误拨：单列，不计入放弃与服务水平">短时放弃（单列）</span>,
        dataIndex: 'shortAbandoned',
        key: 'short',
        align: 'right',
        width: 130,
        onHeaderCell: () => ({ style: { borderLeft: '2px solid #d9d9d9', background: '#fafafa', whiteSpace: 'nowrap' } }),
        onCell: () => ({ style: { borderLeft: '2px solid #d9d9d9', background: '#fafafa', color: '#8c8c8c' } }),
      },
    ],
    [by, queue, agent, interval, screens.md],
  );

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          话务统计
        </Typography.Title>
        <Flex gap={8} wrap align="center">
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            onChange={(v) => v?.[0] && v[1] && set({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') })}
            style={{ width: 240 }}
          />
          <Segmented
            aria-label="统计粒度"
            value={interval}
            onChange={(v) => set({ interval: String(v) })}
            options={[
              { value: '30m', label: '30分钟' },
              { value: '1h', label: '1小时' },
              { value: 'day', label: '按日' },
            ]}
          />
          <Segmented
            aria-label="统计维度"
            value={by}
            onChange={(v) => set({ by: v === 'all' ? undefined : String(v) })}
            options={[
              { value: 'all', label: '全部' },
              { value: 'queue', label: '按队列' },
              { value: 'agent', label: '按坐席' },
            ]}
          />
          <Select allowClear placeholder="队列" style={{ width: 150 }} value={queue} onChange={(v) => set({ queue: v })} options={Object.entries(QUEUE_LABELS).map(([value, label]) => ({ value, label }))} />
          <Checkbox checked={withEmpty} onChange={(e) => set({ empty: e.target.checked ? '1' : undefined })}>
            含无来电时段
          </Checkbox>
          <Input.Search
            allowClear
            placeholder="坐席账号"
            style={{ width: 140 }}
            value={agentText}
            onChange={(e) => setAgentText(e.target.value)}
            onSearch={(v) => set({ agent: v.trim() || undefined })}
          />
        </Flex>
      </Flex>
      {error && <Alert type="error" showIcon message={error} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<CallStatsRow>
          data-testid="call-stats"
          size="small"
          rowKey={(r) => `${r.from}|${r.queue ?? ''}|${r.agent ?? ''}`}
          loading={loading}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 1060 }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (n) => `共 ${n} 行`,
            onChange: (p) => set({ page: p > 1 ? String(p) : undefined }),
          }}
          locale={{ emptyText: loading ? '加载中…' : '所选时段没有来电' }}
        />
      </Card>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        服务水平 = {ANSWER_TARGET_SECONDS} 秒内接通 ÷（接通 + 放弃）；接通率 = 接通 ÷（接通 + 放弃），24 小时不低于 95%；短时放弃为等待数秒内即挂机的来电，单列统计，不计入放弃、服务水平与接通率。
      </Typography.Text>
    </Flex>
  );
}
