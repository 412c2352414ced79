// 督办: the items with their lights and deadlines (a unit sees those addressed to it), 发起督办 by ticket
// number, and on a row the matter, the unit's reply form or the issuer's acceptance.
import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Card, Descriptions, Drawer, Flex, Select, Space, Table, Typography } from 'antd';
import { api, qs } from '../api';
import { LightBadge } from '../components/LightBadge';
import type { Light } from '../types';
import {
  fmt,
  ReplyView,
  StatusTag,
  SUPERVISION_KIND_LABELS,
  SUPERVISION_STATUS_LABELS,
  SupervisionCloseButtons,
  SupervisionReplyForm,
  SuperviseButton,
  type SupervisionItem,
} from '../components/SupervisionShared';

export default function SupervisionItemsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? undefined;
  const kind = params.get('kind') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const selectedId = Number(params.get('item')) || null;
  const [data, setData] = useState<{ total: number; items: SupervisionItem[] } | null>(null);
  const [selected, setSelected] = useState<SupervisionItem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    api<{ total: number; items: SupervisionItem[] }>(`/supervision/items${qs({ status, kind, page, pageSize: 20 })}`)
      .then((d) => (setData(d), setError(null)))
      .catch((e) => setError(e instanceof Error ? e.message : String(e)));
  }, [status, kind, page, tick]);
  useEffect(() => {
    if (!selectedId) return setSelected(null);
    api<SupervisionItem>(`/supervision/items/${selectedId}`)
      .then(setSelected)
      .catch((e) => setError(e instanceof Error ? e.message : String(e)));
  }, [selectedId, tick]);

  const set = (name: string, value: string | number | undefined | null) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (value) next.set(name, String(value));
      else next.delete(name);
      if (name !== 'page' && name !== 'item') next.delete('page');
      return next;
    });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          督办
        </Typography.Title>
        <Flex gap={8} wrap>
          <Select allowClear placeholder="状态" style={{ width: 140 }} value={status} onChange={(v) => set('status', v)} options={Object.entries(SUPERVISION_STATUS_LABELS).map(([value, label]) => ({ value, label }))} />
          <Select allowClear placeholder="督办方式" style={{ width: 170 }} value={kind} onChange={(v) => set('kind', v)} options={Object.entries(SUPERVISION_KIND_LABELS).map(([value, label]) => ({ value, label }))} />
          <SuperviseButton label="发起督办" onDone={(item) => (reload(), set('item', item.id))} />
        </Flex>
      </Flex>
      {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(null)} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<SupervisionItem>
          data-testid="supervision-items"
          size="small"
          rowKey="id"
          loading={!data && !error}
          dataSource={data?.items}
          scroll={{ x: 900 }}
          onRow={(r) => ({ onClick: () => set('item', r.id), style: { cursor: 'pointer' } })}
          pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: (p) => set('page', p), showTotal: (n) => `共 ${n} 项`, hideOnSinglePage: true }}
          columns={[
            { title: '红黄灯', dataIndex: 'light', width: 80, render: (l: Light | null) => <LightBadge light={l} /> },
            { title: '督办方式', dataIndex: 'kindLabel', render: (k: string, r) => <a data-testid={`supervision-item-${r.id}`}>{k}</a> },
            { title: '工单', dataIndex: 'ticketNo', render: (no: string | null) => (no ? <Link to={`/tickets/${no}`} onClick={(e) => e.stopPropagation()}>{no}</Link> : '—') },
            { title: '被督办单位', dataIndex: ['unit', 'name'] },
            { title: '状态', dataIndex: 'status', render: (s: string, r) => <StatusTag status={s} label={r.statusLabel} /> },
            { title: '回复期限', dataIndex: 'dueAt', render: fmt },
            { title: '剩余/超期', dataIndex: 'remaining', render: (r: string | null) => r ?? '—' },
            { title: '发起', dataIndex: 'issuedAt', render: (v: string, r) => `${fmt(v)} ${r.issuedBy.name ?? ''}` },
          ]}
        />
      </Card>
      <Drawer open={!!selected} onClose={() => set('item', null)} width={640} title={selected ? `${selected.kindLabel}（${selected.article}）` : ''} destroyOnHidden>
        {selected && (
          <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="supervision-item-detail">
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label="状态">
                <span data-testid="supervision-item-status">{selected.statusLabel}</span>
              </Descriptions.Item>
              <Descriptions.Item label="工单">{selected.ticketNo ? <Link to={`/tickets/${selected.ticketNo}`}>{selected.ticketNo}</Link> : '—'}</Descriptions.Item>
              <Descriptions.Item label="被督办单位">{selected.unit?.name}</Descriptions.Item>
              <Descriptions.Item label="发起">{`${fmt(selected.issuedAt)} ${selected.issuedBy.unit ?? ''} ${selected.issuedBy.name ?? ''}`}</Descriptions.Item>
              <Descriptions.Item label="回复期限">
                {fmt(selected.dueAt)} {selected.light && <LightBadge light={selected.light} />} {selected.remaining}
              </Descriptions.Item>
              {selected.planDueAt && <Descriptions.Item label="处理办法期限">{fmt(selected.planDueAt)}</Descriptions.Item>}
              <Descriptions.Item label="督办事项">
                <span style={{ whiteSpace: 'pre-wrap' }}>{selected.matter}</span>
              </Descriptions.Item>
              {selected.closeNote && <Descriptions.Item label="验收意见">{selected.closeNote}</Descriptions.Item>}
            </Descriptions>
            <ReplyView item={selected} />
            {selected.actions.includes('reply') && <SupervisionReplyForm item={selected} onDone={reload} />}
            {selected.actions.includes('close') && <SupervisionCloseButtons item={selected} onDone={reload} />}
          </Space>
        )}
      </Drawer>
    </Space>
  );
}
