// 工单列表: every ticket the user may see, filtered and paged on the server. The filters live in the
// URL, so a link (or a workbench queue, `?queue=overdue`) reproduces the view; one list request per change.
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, DatePicker, Flex, Grid, Input, Segmented, Select, Tabs, Tag, Typography } from 'antd';
import { FilterOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, qs } from '../api';
import { useAuth } from '../auth';
import { LIGHT_LABELS, STATUS_LABELS, TYPE_LABELS } from '../labels';
import type { Page, TicketSummary, Unit } from '../types';
import { useNow, type TicketColumnKey } from '../components/ListColumns';
import { ListTable } from '../components/ListTable';
import { ListSavedViews } from '../components/ListSavedViews';
import { QUEUE_LABELS } from '../components/QueueLabels';
import { ListBulkBar } from '../components/ListBulkBar';

const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_PAGE_SIZE = 20;
const FILTER_KEYS = ['status', 'type', 'light', 'unit', 'from', 'to', 'q', 'sort', 'queue', 'pageSize'] as const;
/** The order the status tabs follow: the lifecycle, then the ends at intake. */
const STATUS_ORDER = Object.keys(STATUS_LABELS);
const COLUMNS: TicketColumnKey[] = ['no', 'light', 'status', 'type', 'category', 'facts', 'leadUnit', 'createdAt', 'due'];
/** A unit's lists show who of the unit handles each ticket (承办人). */
const UNIT_COLUMNS: TicketColumnKey[] = ['no', 'light', 'status', 'type', 'category', 'facts', 'assignee', 'createdAt', 'due'];
const isUnitRole = (role: string) => role === 'unit_staff' || role === 'unit_head';

// Reference data fetched once per page load and shared by later visits to the list.
let unitsCache: Promise<Unit[]> | null = null;
function loadUnits(): Promise<Unit[]> {
  unitsCache ??= api<{ items: Unit[] }>('/units')
    .then((r) => r.items)
    .catch((e) => {
      unitsCache = null;
      throw e;
    });
  return unitsCache;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

type Update = (patch: Record<string, string | null | undefined>, keepPage?: boolean) => void;

/** The status tabs with the count of each state (of the queue shown, else of everything the user may see). */
const StatusTabs = memo(function StatusTabs({ counts, status, compact, update }: { counts: Record<string, number> | null; status: string; compact: boolean; update: Update }) {
  const items = useMemo(() => {
    const c = counts ?? {};
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const shown = STATUS_ORDER.filter((s) => (c[s] ?? 0) > 0 || s === status);
    const tab = (key: string, label: string, n: number | undefined) => ({
      key,
      label: (
        <span data-status={key || 'all'} data-count={n ?? ''}>
          {label}
          {n !== undefined && <span style={{ marginInlineStart: 4, color: '#8c8c8c' }}>{n}</span>}
        </span>
      ),
    });
    const list = [tab('', '全部', counts ? total : undefined), ...shown.map((s) => tab(s, STATUS_LABELS[s] ?? s, counts ? c[s] ?? 0 : undefined))];
    if (status && !STATUS_ORDER.includes(status)) {
      // A comma list from a link: one tab for the combination.
      const parts = status.split(',').filter(Boolean);
      list.push(tab(status, parts.map((s) => STATUS_LABELS[s] ?? s).join('+'), counts ? parts.reduce((a, s) => a + (c[s] ?? 0), 0) : undefined));
    }
    return list;
  }, [counts, status]);
  return (
    <div data-testid="status-counts">
      <Tabs size={compact ? 'small' : 'middle'} activeKey={status} onChange={(key) => update({ status: key || null })} items={items} style={{ marginBottom: 0 }} />
    </div>
  );
});

/** The keyword box keeps what is typed to itself; the list is asked only on Enter (or clearing). */
const KeywordInput = memo(function KeywordInput({ q, width, update }: { q: string; width: number | string; update: Update }) {
  const [value, setValue] = useState(q);
  useEffect(() => setValue(q), [q]);
  return (
    <Input.Search
      allowClear
      placeholder="工单编号、诉求内容或地址"
      value={value}
      onChange={(e) => {
        setValue(e.target.value);
        if (!e.target.value && q) update({ q: null });
      }}
      onSearch={(v) => update({ q: v.trim() || null })}
      style={{ width }}
      data-testid="filter-q"
    />
  );
});

interface FilterValues {
  queue: string;
  q: string;
  type: string;
  light: string;
  unit: string;
  from: string;
  to: string;
  sort: 'due' | 'created';
}

const FilterBar = memo(function FilterBar({ v, units, showUnitFilter, compact, update }: { v: FilterValues; units: Unit[]; showUnitFilter: boolean; compact: boolean; update: Update }) {
  const unitOptions = useMemo(() => units.map((u) => ({ value: u.code, label: u.name, depth: u.depth })), [units]);
  const rangeValue: [Dayjs | null, Dayjs | null] = useMemo(() => [v.from ? dayjs(v.from) : null, v.to ? dayjs(v.to) : null], [v.from, v.to]);
  const w = (desktop: number) => (compact ? '100%' : desktop);
  // On a phone the filters other than the keyword fold behind a button, so the list starts on screen.
  const active = [v.type, v.light, v.unit, v.from || v.to, v.sort === 'due' ? 'due' : ''].filter(Boolean).length;
  const [open, setOpen] = useState(false);
  const folded = compact && !open;
  return (
    <Flex wrap gap={8} align={compact ? 'stretch' : 'center'} style={{ margin: '8px 0 12px' }} vertical={compact}>
      {v.queue && (
        <Tag
          color="blue"
          closable
          onClose={(e) => {
            e.preventDefault();
            update({ queue: null });
          }}
          data-testid="queue-tag"
          data-queue={v.queue}
          style={{ fontSize: 14, padding: '4px 8px', alignSelf: compact ? 'flex-start' : undefined }}
        >
          队列：{QUEUE_LABELS[v.queue] ?? v.queue}
        </Tag>
      )}
      {compact ? (
        <Flex gap={8}>
          <div style={{ flex: 1, minWidth: 0 }}>
            <KeywordInput q={v.q} width="100%" update={update} />
          </div>
          <Button icon={<FilterOutlined />} onClick={() => setOpen((o) => !o)} type={active ? 'primary' : 'default'} ghost={!!active} aria-expanded={open} data-testid="filter-toggle">
            筛选{active ? ` ${active}` : ''}
          </Button>
        </Flex>
      ) : (
        <KeywordInput q={v.q} width={240} update={update} />
      )}
      {!folded && (
        <>
          <Select
            allowClear
            placeholder="诉求类型"
            value={v.type || undefined}
            onChange={(x) => update({ type: x ?? null })}
            options={Object.entries(TYPE_LABELS).map(([value, label]) => ({ value, label }))}
            style={{ width: w(116) }}
            data-testid="filter-type"
          />
          <Select
            allowClear
            placeholder="红黄灯"
            value={v.light || undefined}
            onChange={(x) => update({ light: x ?? null })}
            options={(['red', 'yellow', 'green'] as const).map((value) => ({ value, label: LIGHT_LABELS[value] }))}
            style={{ width: w(100) }}
            data-testid="filter-light"
          />
          {showUnitFilter && (
            <Select
              allowClear
              showSearch
              placeholder="承办单位（含下级）"
              value={v.unit || undefined}
              onChange={(x) => update({ unit: x ?? null })}
              options={unitOptions}
              optionFilterProp="label"
              optionRender={(o) => <span style={{ paddingInlineStart: Math.max(0, (o.data.depth ?? 0) - 1) * 12 }}>{o.label}</span>}
              popupMatchSelectWidth={false}
              style={{ width: w(200) }}
              data-testid="filter-unit"
            />
          )}
          {compact ? (
            <Flex gap={8} style={{ width: '100%' }}>
              <DatePicker placeholder="受理起" value={rangeValue[0]} onChange={(d) => update({ from: d ? d.format('YYYY-MM-DD') : null })} style={{ flex: 1 }} inputReadOnly />
              <DatePicker placeholder="受理止" value={rangeValue[1]} onChange={(d) => update({ to: d ? d.format('YYYY-MM-DD') : null })} style={{ flex: 1 }} inputReadOnly />
            </Flex>
          ) : (
            <DatePicker.RangePicker
              allowEmpty={[true, true]}
              placeholder={['受理开始日期', '受理结束日期']}
              value={rangeValue}
              onChange={(r) => update({ from: r?.[0] ? r[0].format('YYYY-MM-DD') : null, to: r?.[1] ? r[1].format('YYYY-MM-DD') : null })}
              style={{ width: 250 }}
              data-testid="filter-dates"
            />
          )}
          <Segmented
            value={v.sort}
            onChange={(x) => update({ sort: x === 'due' ? 'due' : null })}
            options={[
              { value: 'due', label: '按剩余时间' },
              { value: 'created', label: '最新受理' },
            ]}
            block={compact}
            data-testid="filter-sort"
          />
        </>
      )}
    </Flex>
  );
});

const totalText = (total: number) => `共 ${total} 张工单`;

export default function TicketListPage() {
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const compact = !screens.md;
  const now = useNow();

  const get = (k: string) => params.get(k) ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const pageSizeParam = Number(params.get('pageSize'));
  const pageSize = PAGE_SIZES.includes(pageSizeParam) ? pageSizeParam : DEFAULT_PAGE_SIZE;
  const status = get('status');
  const queue = get('queue');
  const sort = get('sort') === 'due' ? 'due' : 'created';
  const from = DATE.test(get('from')) ? get('from') : '';
  const to = DATE.test(get('to')) ? get('to') : '';
  const showUnitFilter = !!user && !isUnitRole(user.role);

  // What the server is asked. `to` in the URL is the last day shown (inclusive); the API's `to` is
  // exclusive, so it gets the following day.
  const apiQuery = qs({
    status: status || undefined,
    type: get('type') || undefined,
    light: get('light') || undefined,
    unit: showUnitFilter ? get('unit') || undefined : undefined,
    from: from || undefined,
    to: to ? dayjs(to).add(1, 'day').format('YYYY-MM-DD') : undefined,
    q: get('q').trim() || undefined,
    queue: queue && QUEUE_LABELS[queue] ? queue : undefined,
    sort,
    page,
    pageSize,
  });

  const [data, setData] = useState<Page<TicketSummary> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const [selected, setSelected] = useState<string[]>([]);
  const [reload, setReload] = useState(0);
  // A new page or filter starts with nothing selected: a bulk action never reaches rows off screen.
  useEffect(() => setSelected([]), [apiQuery]);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    api<Page<TicketSummary>>(`/tickets${apiQuery}`)
      .then((res) => {
        if (mine !== seq.current) return;
        setData(res);
        setError(null);
      })
      .catch((e) => {
        if (mine !== seq.current) return;
        setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
  }, [apiQuery, reload]);

  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  // The tabs count what the list is limited to: a queue (我的待办, a workbench queue) or all the user may see.
  const countsQueue = queue || null;
  useEffect(() => {
    setCounts(null);
    api<{ counts: Record<string, number> }>(`/tickets/counts${qs({ queue: countsQueue })}`)
      .then((r) => setCounts(r.counts))
      .catch(() => setCounts({}));
  }, [countsQueue, reload]);

  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    if (showUnitFilter) loadUnits().then(setUnits).catch(() => setUnits([]));
  }, [showUnitFilter]);

  // Changes filters in the URL; any filter change goes back to page 1. Stable across renders, so the
  // memoised parts of the page do not re-render for it.
  const setParamsRef = useRef(setParams);
  setParamsRef.current = setParams;
  const update = useCallback<Update>((patch, keepPage = false) => {
    setParamsRef.current((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      if (!keepPage) next.delete('page');
      return next;
    });
  }, []);
  const onPage = useCallback(
    (p: number, size: number) => {
      if (size !== pageSize) update({ pageSize: size === DEFAULT_PAGE_SIZE ? null : String(size) });
      else update({ page: p > 1 ? String(p) : null }, true);
    },
    [pageSize, update],
  );
  const applyView = useCallback((p: string) => setParamsRef.current(new URLSearchParams(p)), []);

  const filterValues = useMemo<FilterValues>(
    () => ({ queue, q: get('q'), type: get('type'), light: get('light'), unit: get('unit'), from, to, sort }),
    [params], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const filtersActive = FILTER_KEYS.some((k) => k !== 'pageSize' && params.get(k));

  return (
    <div>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          工单列表
        </Typography.Title>
        <Flex gap={8} wrap>
          {user && <ListSavedViews key={user.username} username={user.username} current={params.toString()} onApply={applyView} />}
          {filtersActive && (
            <Button onClick={() => applyView('')} data-testid="clear-filters">
              清除筛选
            </Button>
          )}
        </Flex>
      </Flex>

      {user && isUnitRole(user.role) && (
        <Segmented
          style={{ marginBottom: 8 }}
          value={queue === 'mine' ? 'mine' : 'unit'}
          onChange={(x) => update({ queue: x === 'mine' ? 'mine' : null })}
          options={[
            { value: 'unit', label: '本单位工单' },
            { value: 'mine', label: '我的待办' },
          ]}
          data-testid="scope-switch"
        />
      )}
      <StatusTabs counts={counts} status={status} compact={compact} update={update} />
      <FilterBar v={filterValues} units={units} showUnitFilter={showUnitFilter} compact={compact} update={update} />

      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {user && <ListBulkBar role={user.role} selected={selected} onClear={() => setSelected([])} onDone={() => setReload((n) => n + 1)} />}

      <ListTable
        testId="ticket-list"
        data={data}
        loading={loading}
        columns={user && isUnitRole(user.role) ? UNIT_COLUMNS : COLUMNS}
        now={now}
        compact={compact}
        page={page}
        pageSize={pageSize}
        pageSizes={PAGE_SIZES}
        emptyText="没有符合条件的工单"
        totalText={totalText}
        onPage={onPage}
        selected={selected}
        onSelect={setSelected}
      />
    </div>
  );
}
