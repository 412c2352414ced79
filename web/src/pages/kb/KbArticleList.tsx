// The articles the user may see, filtered and paged on the server: a unit its own in every state
// (drafts, waiting, returned), the centre all, everyone else the published ones.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { errorText } from '../../components/AdminCommon';
import { fmtTime, searchFilter, useUnits } from '../../components/TicketRefData';
import { VALIDITY_LABELS, useKbMeta } from '../../components/KbMeta';
import { kbUnitOptions } from '../../components/KbUnits';
import { KbEntryLight, KbStatusTag, KbValidityTag, scrollWidth } from '../../components/KbTags';
import type { KbArticleSummary } from '../../components/KbTypes';
import type { Page } from '../../types';

const PAGE_SIZE = 20;

export function KbArticleList({ params, update }: { params: URLSearchParams; update: (patch: Record<string, string | null>) => void }) {
  const { user } = useAuth();
  const meta = useKbMeta();
  const units = useUnits();
  const unitOptions = useMemo(() => kbUnitOptions(units, user), [units, user]);
  // Only units and the centre see articles that are not published, so only they filter by state.
  const seesAllStates = !!user && ['unit_staff', 'unit_head', 'centre', 'admin'].includes(user.role);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const query = qs({
    status: params.get('status'),
    kind: params.get('kind'),
    unit: params.get('unit'),
    validity: params.get('validity'),
    q: params.get('q')?.trim(),
    page,
    pageSize: PAGE_SIZE,
  });
  const [data, setData] = useState<Page<KbArticleSummary> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    api<Page<KbArticleSummary>>(`/kb/articles${query}`)
      .then((r) => mine === seq.current && (setData(r), setError(null)))
      .catch((e) => mine === seq.current && setError(errorText(e)))
      .finally(() => mine === seq.current && setLoading(false));
  }, [query]);

  const [title, setTitle] = useState(params.get('q') ?? '');
  useEffect(() => setTitle(params.get('q') ?? ''), [params]);

  const columns: ColumnsType<KbArticleSummary> = [
    {
      title: '标题',
      dataIndex: 'title',
      ellipsis: true,
      render: (t: string, a) => (
        <span>
          <Link to={`/kb/articles/${a.id}`}>{t}</Link>
          {a.reviewNote && a.status === 'draft' && (
            <Tag color="red" style={{ marginLeft: 6 }}>
              被退回
            </Tag>
          )}
        </span>
      ),
    },
    { title: '类别', dataIndex: 'kindLabel', width: 96 },
    { title: '所属单位', dataIndex: 'unit', width: 170, ellipsis: true, render: (u: KbArticleSummary['unit']) => u?.name ?? '—' },
    { title: '状态', dataIndex: 'status', width: 150, render: (_: string, a) => <KbStatusTag article={a} /> },
    { title: '有效期', dataIndex: 'validity', width: 90, render: (_: string, a) => <KbValidityTag article={a} /> },
    ...(seesAllStates ? [{ title: '限时录入', dataIndex: 'entry', width: 150, render: (_: unknown, a: KbArticleSummary) => <KbEntryLight entry={a.entry} compact /> }] : []),
    { title: '更新时间', dataIndex: 'updatedAt', width: 140, render: (t: string | null) => <Typography.Text type="secondary">{fmtTime(t)}</Typography.Text> },
  ];

  return (
    <div>
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder="标题关键词"
          value={title}
          maxLength={100}
          onChange={(e) => {
            setTitle(e.target.value);
            if (!e.target.value && params.get('q')) update({ q: null });
          }}
          onSearch={(v) => update({ q: v.trim() || null })}
          style={{ width: 220 }}
          aria-label="标题关键词"
        />
        {seesAllStates && (
          <Select
            allowClear
            mode="multiple"
            maxTagCount="responsive"
            placeholder="状态"
            value={params.get('status')?.split(',').filter(Boolean) ?? []}
            onChange={(v: string[]) => update({ status: v.length ? v.join(',') : null })}
            // 已过期 is shown, not stored: it is a published article past its date (filter by validity).
            options={meta.statuses.filter((s) => s.code !== 'expired').map((s) => ({ value: s.code, label: s.label }))}
            style={{ width: 220 }}
            aria-label="状态"
          />
        )}
        <Select
          allowClear
          placeholder="知识类别"
          value={params.get('kind') || undefined}
          onChange={(v) => update({ kind: v ?? null })}
          options={meta.kinds.map((k) => ({ value: k.code, label: k.label }))}
          style={{ width: 120 }}
          aria-label="知识类别"
        />
        <Select
          allowClear
          showSearch
          placeholder="所属单位（含下级）"
          value={params.get('unit') || undefined}
          onChange={(v) => update({ unit: v ?? null })}
          options={unitOptions}
          filterOption={searchFilter}
          popupMatchSelectWidth={false}
          style={{ width: 200 }}
          aria-label="所属单位"
        />
        <Select
          allowClear
          placeholder="有效期"
          value={params.get('validity') || undefined}
          onChange={(v) => update({ validity: v ?? null })}
          options={['current', 'upcoming', 'expired'].map((v) => ({ value: v, label: VALIDITY_LABELS[v] }))}
          style={{ width: 120 }}
          aria-label="有效期"
        />
      </Flex>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Table<KbArticleSummary>
        data-testid="kb-article-list"
        rowKey="id"
        size="middle"
        tableLayout="fixed"
        scroll={{ x: scrollWidth(columns) }}
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: data ? '没有符合条件的知识条目' : '加载中…' }}
        pagination={{
          current: data?.page ?? page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => `共 ${n} 条`,
          onChange: (p) => update({ page: p > 1 ? String(p) : null }),
        }}
      />
    </div>
  );
}
