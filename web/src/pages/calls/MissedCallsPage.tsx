// 漏接回拨: calls the hotline lost (abandoned in the queue, or rung out) wait here for a seat to call
// back. An agent claims one, calls, and records each attempt; reaching the caller closes it.
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Radio, Segmented, Space, Table, Tag, Typography } from 'antd';
import { PhoneOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { ATTEMPT_OUTCOME_LABELS, clock, errorText, lastPageIfPast, queueLabel, shortTime, waitedSeconds, type MissedCallView, type Paged } from './callTypes';

const PAGE_SIZE = 20;
const REFRESH_MS = 15_000;

export default function MissedCallsPage() {
  const { message } = App.useApp();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') === 'done' ? 'done' : 'open';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [data, setData] = useState<Paged<MissedCallView> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [attemptFor, setAttemptFor] = useState<MissedCallView | null>(null);
  const [form] = Form.useForm<{ outcome: string; note?: string }>();

  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch)) v ? next.set(k, v) : next.delete(k);
      return next;
    });

  useEffect(() => {
    const id = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => window.clearInterval(id);
  }, []);

  const load = useCallback(async () => {
    // The server pages the queue (open oldest first, done newest first): one page is asked for, with the total.
    const r = await api<Paged<MissedCallView>>(`/missed-calls${qs({ status, page, pageSize: PAGE_SIZE })}`);
    setData(r);
    setError(null);
    // Entries called back left this page empty: go to the last page there is.
    const last = lastPageIfPast(r, page);
    if (last) set({ page: last > 1 ? String(last) : undefined });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, page]);

  useEffect(() => {
    let on = true;
    setLoading(true);
    load()
      .catch((e) => on && setError(errorText(e)))
      .finally(() => on && setLoading(false));
    return () => {
      on = false;
    };
  }, [load, tick]);

  const claim = async (m: MissedCallView) => {
    setBusyId(m.id);
    try {
      await api(`/missed-calls/${m.id}/claim`, { body: {} });
      message.success('已认领，请回拨');
      await load();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusyId(null);
    }
  };

  const record = async () => {
    if (!attemptFor) return;
    const v = await form.validateFields();
    setBusyId(attemptFor.id);
    try {
      await api(`/missed-calls/${attemptFor.id}/attempt`, { body: { outcome: v.outcome, ...(v.note?.trim() ? { note: v.note.trim() } : {}) } });
      message.success(v.outcome === 'reached' ? '已联系上来电人，回拨完成' : `已记录：${ATTEMPT_OUTCOME_LABELS[v.outcome]}`);
      setAttemptFor(null);
      form.resetFields();
      await load();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusyId(null);
    }
  };

  const columns: ColumnsType<MissedCallView> = [
    {
      title: '来电号码',
      dataIndex: 'caller',
      render: (c: string | null) =>
        c ? (
          <a href={`tel:${c}`} style={{ whiteSpace: 'nowrap' }}>
            <PhoneOutlined /> {c}
          </a>
        ) : (
          '未知号码'
        ),
    },
    { title: '队列', dataIndex: 'queue', responsive: ['md'], render: (q: string, r) => queueLabel(q, r.queueLabel) },
    { title: '来电时间', dataIndex: 'offeredAt', render: (t: string) => <span style={{ whiteSpace: 'nowrap' }}>{shortTime(t)}</span> },
    { title: '等待', key: 'wait', responsive: ['md'], render: (_, r) => clock(waitedSeconds(r) ?? 0) },
    { title: '认领', dataIndex: 'claimedBy', render: (a: string | null, r) => (a ? r.claimedByName ?? a : <Typography.Text type="secondary">未认领</Typography.Text>) },
    {
      title: '回拨记录',
      key: 'attempts',
      render: (_, r) =>
        r.attempts?.length ? (
          <Space size={4} wrap>
            {r.attempts.map((a, i) => (
              <Tag key={i} color={a.outcome === 'reached' ? 'green' : 'default'} title={`${shortTime(a.at)}${a.note ? `：${a.note}` : ''}`}>
                {ATTEMPT_OUTCOME_LABELS[a.outcome] ?? a.outcome}
              </Tag>
            ))}
          </Space>
        ) : (
          '—'
        ),
    },
    ...(status === 'open'
      ? [
          {
            title: '操作',
            key: 'op',
            render: (_: unknown, r: MissedCallView) => (
              <Space size={4}>
                {!r.claimedBy && (
                  <Button size="small" type="primary" loading={busyId === r.id} onClick={() => void claim(r)}>
                    认领
                  </Button>
                )}
                {r.claimedBy && (r.claimedBy === user?.username || user?.role !== 'agent') && (
                  <Button size="small" onClick={() => setAttemptFor(r)}>
                    记录回拨
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          漏接回拨
        </Typography.Title>
        <Space>
          <Segmented
            value={status}
            onChange={(v) => set({ status: v === 'done' ? 'done' : undefined, page: undefined })}
            options={[
              { value: 'open', label: '待回拨' },
              { value: 'done', label: '已完成' },
            ]}
          />
          <Button icon={<ReloadOutlined />} aria-label="刷新" onClick={() => setTick((t) => t + 1)} />
        </Space>
      </Flex>
      {error && <Alert type="error" showIcon message={error} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<MissedCallView>
          data-testid="missed-calls"
          size="small"
          rowKey="id"
          loading={loading && !data}
          dataSource={data?.items ?? []}
          columns={columns}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 个`, onChange: (p) => set({ page: p > 1 ? String(p) : undefined }) }}
          locale={{ emptyText: status === 'open' ? '没有待回拨的来电' : '暂无记录' }}
        />
      </Card>
      <Modal
        open={!!attemptFor}
        title={attemptFor ? `记录回拨：${attemptFor.caller ?? ''}` : ''}
        okText="保存"
        onOk={() => void record()}
        confirmLoading={busyId === attemptFor?.id}
        onCancel={() => setAttemptFor(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="outcome" label="回拨结果" rules={[{ required: true, message: '请选择回拨结果' }]}>
            <Radio.Group options={Object.entries(ATTEMPT_OUTCOME_LABELS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="note" label="备注">
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Flex>
  );
}
