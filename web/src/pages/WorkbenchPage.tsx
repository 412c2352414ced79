// 工作台: the role's work queues with their counts, and the tickets of the selected queue, most urgent
// first. Counts and the table refresh every minute, and at once when a notice is pushed (a ticket
// dispatched to the unit, a warning).
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Flex, Grid, Skeleton, Statistic, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api, qs } from '../api';
import { useAuth } from '../auth';
import { ROLE_LABELS } from '../labels';
import type { Page, TicketSummary } from '../types';
import { useNow, type TicketColumnKey } from '../components/ListColumns';
import { ListTable } from '../components/ListTable';
import { ListBulkBar, type BulkAction } from '../components/ListBulkBar';
import { SupervisionWorkbenchBlock } from '../components/SupervisionWorkbenchBlock';
import { QUEUE_COLORS, QUEUE_LABELS, type WorkbenchQueue } from '../components/QueueLabels';
import { onNotification } from '../notifications';

const REFRESH_MS = 60_000;
const PAGE_SIZE = 10;
const isUnitRole = (role: string) => role === 'unit_staff' || role === 'unit_head';
const UNIT_COLUMNS: TicketColumnKey[] = ['no', 'light', 'status', 'type', 'facts', 'assignee', 'due'];
const CENTRE_COLUMNS: TicketColumnKey[] = ['no', 'light', 'status', 'type', 'facts', 'leadUnit', 'due'];
const totalText = (total: number) => `共 ${total} 张`;
/** The bulk actions a queue's tickets are waiting for (every queue can be exported). */
const QUEUE_BULK: Record<string, readonly BulkAction[]> = { to_archive: ['archive'], pending_dispatch: ['dispatch'], to_sign: ['sign'] };

function QueueCard({ queue, selected, compact, onSelect }: { queue: WorkbenchQueue; selected: boolean; compact: boolean; onSelect: () => void }) {
  const color = QUEUE_COLORS[queue.key];
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect();
    }
  };
  return (
    <Card
      hoverable
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      onClick={onSelect}
      onKeyDown={onKey}
      data-testid={`queue-${queue.key}`}
      data-count={queue.count}
      size="small"
      styles={{ body: { padding: compact ? '8px 10px' : '14px 16px' } }}
      style={{
        borderColor: selected ? '#1f5fbf' : color && queue.count > 0 ? color : undefined,
        boxShadow: selected ? '0 0 0 1px #1f5fbf inset' : undefined,
        background: selected ? '#f0f6ff' : undefined,
      }}
    >
      <Statistic
        title={
          <span style={{ color: color && queue.count > 0 ? color : undefined, fontWeight: selected ? 600 : undefined, fontSize: compact ? 13 : undefined, whiteSpace: 'nowrap' }}>
            {queue.label}
          </span>
        }
        value={queue.count}
        valueStyle={{ color: color ?? (queue.count > 0 ? '#1f1f1f' : '#bfbfbf'), fontSize: compact ? 22 : 30, fontWeight: 600 }}
        valueRender={(node) => <span data-testid={`queue-${queue.key}-count`}>{node}</span>}
      />
    </Card>
  );
}

export default function WorkbenchPage() {
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const compact = !screens.md;
  const now = useNow();

  const [tick, setTick] = useState(0);
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);
  useEffect(() => {
    const id = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    const stop = onNotification(() => setTick((t) => t + 1));
    return () => {
      window.clearInterval(id);
      stop();
    };
  }, []);

  const [queues, setQueues] = useState<WorkbenchQueue[] | null>(null);
  const [queuesError, setQueuesError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<{ queues: WorkbenchQueue[] }>('/workbench')
      .then((r) => {
        if (!live) return;
        setQueues(r.queues);
        setQueuesError(null);
        setRefreshedAt(new Date());
      })
      .catch((e) => live && setQueuesError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [tick]);

  // The selected queue: from the URL, else the first one with work in it when the page opened (kept
  // through the minute refreshes, so the table does not jump while it is read).
  const requested = params.get('queue');
  const defaultQueue = useRef<string | null>(null);
  const selected = useMemo(() => {
    // A queue named in the URL loads at once, alongside the counts.
    if (!queues) return requested && QUEUE_LABELS[requested] ? requested : null;
    if (!queues.length) return null;
    if (requested && queues.some((q) => q.key === requested)) return requested;
    if (!defaultQueue.current || !queues.some((q) => q.key === defaultQueue.current)) {
      defaultQueue.current = (queues.find((q) => q.count > 0) ?? queues[0]).key;
    }
    return defaultQueue.current;
  }, [queues, requested]);
  const page = Math.max(1, Number(params.get('page')) || 1);

  const select = useCallback(
    (key: string) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        next.set('queue', key);
        next.delete('page');
        return next;
      }),
    [setParams],
  );

  const [data, setData] = useState<Page<TicketSummary> | null>(null);
  const [loading, setLoading] = useState(false);
  // 批量操作: rows ticked in the queue shown; another queue or page starts with none.
  const [checked, setChecked] = useState<string[]>([]);
  useEffect(() => setChecked([]), [selected, page]);
  const [tableError, setTableError] = useState<string | null>(null);
  const lastView = useRef('');
  useEffect(() => {
    if (!selected) return;
    const view = `${selected}|${page}`;
    // A periodic refresh of the same view updates in place, without the loading veil.
    if (view !== lastView.current) setLoading(true);
    lastView.current = view;
    let live = true;
    api<Page<TicketSummary>>(`/tickets${qs({ queue: selected, sort: 'due', page, pageSize: PAGE_SIZE })}`)
      .then((r) => {
        if (!live) return;
        setData(r);
        setTableError(null);
      })
      .catch((e) => live && setTableError(e instanceof Error ? e.message : String(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [selected, page, tick]);

  const unitUser = !!user && isUnitRole(user.role);
  const onPage = useCallback(
    (p: number) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (selected) next.set('queue', selected);
        if (p > 1) next.set('page', String(p));
        else next.delete('page');
        return next;
      }),
    [setParams, selected],
  );

  if (!user) return null;
  const heading = unitUser && user.unit ? `${user.unit.name} 工作台` : `${user.roleLabel || ROLE_LABELS[user.role]}工作台`;
  const selectedQueue = queues?.find((q) => q.key === selected);

  return (
    <div>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="workbench-title">
          {heading}
        </Typography.Title>
        <Flex align="center" gap={8}>
          {refreshedAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {String(refreshedAt.getHours()).padStart(2, '0')}:{String(refreshedAt.getMinutes()).padStart(2, '0')} 更新，每分钟自动刷新
            </Typography.Text>
          )}
          <Button size="small" icon={<ReloadOutlined />} onClick={() => setTick((t) => t + 1)} aria-label="刷新" />
        </Flex>
      </Flex>

      {queuesError && <Alert type="error" showIcon message={queuesError} style={{ marginBottom: 12 }} />}
      {unitUser && <SupervisionWorkbenchBlock />}

      {!queues && !queuesError ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : (
        <div
          data-testid="queue-cards"
          style={{ display: 'grid', gridTemplateColumns: compact ? 'repeat(3, minmax(0, 1fr))' : 'repeat(auto-fill, minmax(150px, 1fr))', gap: compact ? 8 : 12, marginBottom: compact ? 12 : 16 }}
        >
          {queues?.map((q) => (
            <QueueCard key={q.key} queue={q} selected={q.key === selected} compact={compact} onSelect={() => select(q.key)} />
          ))}
        </div>
      )}

      {selected && (
        <Card
          size="small"
          title={
            <span>
              {selectedQueue?.label ?? QUEUE_LABELS[selected]}
              <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 'normal', fontSize: 12 }}>
                按剩余时间排序
              </Typography.Text>
            </span>
          }
          extra={
            <Link to={`/tickets${qs({ queue: selected })}`} data-testid="queue-open-list">
              在工单列表中查看
            </Link>
          }
          styles={{ body: { padding: compact ? 0 : 8 } }}
        >
          {tableError && <Alert type="error" showIcon message={tableError} style={{ margin: 8 }} />}
          <ListBulkBar role={user.role} selected={checked} actions={QUEUE_BULK[selected] ?? []} onClear={() => setChecked([])} onDone={() => setTick((t) => t + 1)} />
          <ListTable
            testId="queue-table"
            extra={{ 'data-queue': selected }}
            data={data}
            loading={loading}
            columns={unitUser ? UNIT_COLUMNS : CENTRE_COLUMNS}
            now={now}
            compact={compact}
            page={page}
            pageSize={PAGE_SIZE}
            size="small"
            hideOnSinglePage
            emptyText="该队列暂无工单"
            totalText={totalText}
            onPage={onPage}
            selected={checked}
            onSelect={setChecked}
          />
        </Card>
      )}
    </div>
  );
}
