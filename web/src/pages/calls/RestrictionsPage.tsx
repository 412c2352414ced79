// 限制呼入 (第三十二条): a team lead asks to restrict a number that abuses the line, with the ground
// and the days; the centre approves (someone other than who asked); either may revoke. A restriction
// ends by itself at its expiry. Every step is audited by the server.
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Modal, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { RESTRICTION_MAX_DAYS, RESTRICTION_REASONS, RESTRICTION_STATUS, errorText, lastPageIfPast, shortTime, type Paged, type RestrictionView } from './callTypes';
import { PHONE_PATTERN } from '../../../../src/tickets/contract.ts';

const PAGE_SIZE = 20;

const REQUESTERS = ['team_lead', 'admin'];
const APPROVERS = ['centre', 'admin'];

export default function RestrictionsPage() {
  const { message } = App.useApp();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'all';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [data, setData] = useState<Paged<RestrictionView> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<number | 'new' | null>(null);
  const [asking, setAsking] = useState(false);
  const [revoking, setRevoking] = useState<RestrictionView | null>(null);
  const [askForm] = Form.useForm<{ phone: string; reason: string; days: number; note?: string }>();
  const [revokeForm] = Form.useForm<{ reason: string }>();

  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch)) v ? next.set(k, v) : next.delete(k);
      return next;
    });

  const load = useCallback(async () => {
    // The server pages the list (newest first): one page is asked for, with the list's total.
    const r = await api<Paged<RestrictionView>>(`/restrictions${qs({ status: status === 'all' ? undefined : status, page, pageSize: PAGE_SIZE })}`);
    setData(r);
    setError(null);
    // Restrictions that left this status left this page empty: go to the last page there is.
    const last = lastPageIfPast(r, page);
    if (last) set({ page: last > 1 ? String(last) : undefined });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, page]);

  useEffect(() => {
    let on = true;
    load().catch((e) => on && setError(errorText(e)));
    return () => {
      on = false;
    };
  }, [load]);

  const run = async (id: number | 'new', fn: () => Promise<unknown>, done: string) => {
    setBusyId(id);
    try {
      await fn();
      message.success(done);
      await load();
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    } finally {
      setBusyId(null);
    }
  };

  const ask = async () => {
    const v = await askForm.validateFields();
    const ok = await run('new', () => api('/restrictions', { body: { phone: v.phone.trim(), reason: v.reason, days: v.days, ...(v.note?.trim() ? { note: v.note.trim() } : {}) } }), '已提交限制申请，待热线管理机构审批');
    if (ok) {
      setAsking(false);
      askForm.resetFields();
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    const v = await revokeForm.validateFields();
    const ok = await run(revoking.id, () => api(`/restrictions/${revoking.id}/revoke`, { body: { reason: v.reason.trim() } }), '已撤销');
    if (ok) setRevoking(null);
  };

  const canAsk = !!user && REQUESTERS.includes(user.role);
  const canApprove = (r: RestrictionView) => !!user && APPROVERS.includes(user.role) && r.status === 'pending' && r.requestedBy !== user.username;
  const canRevoke = (r: RestrictionView) => !!user && (r.status === 'pending' || r.status === 'active') && (APPROVERS.includes(user.role) || r.requestedBy === user.username);

  const columns: ColumnsType<RestrictionView> = [
    { title: '号码', dataIndex: 'phone', render: (p: string) => <span style={{ whiteSpace: 'nowrap', fontWeight: 600 }}>{p}</span> },
    {
      title: '原因',
      dataIndex: 'reason',
      render: (r: string, x) => (
        <span>
          {RESTRICTION_REASONS[r] ?? x.reasonLabel ?? r}
          {x.note && <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>{x.note}</Typography.Text>}
        </span>
      ),
    },
    { title: '天数', dataIndex: 'days', width: 60, align: 'right' },
    {
      title: '状态',
      dataIndex: 'status',
      width: 90,
      render: (s: string, r) => <Tag color={RESTRICTION_STATUS[s]?.color} data-testid={`restriction-status-${r.id}`}>{RESTRICTION_STATUS[s]?.label ?? r.statusLabel ?? s}</Tag>,
    },
    { title: '申请', key: 'req', responsive: ['md'], render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{r.requestedByName ?? r.requestedBy ?? '—'} {shortTime(r.requestedAt)}</span> },
    { title: '审批', key: 'appr', responsive: ['md'], render: (_, r) => (r.approvedAt ? <span style={{ whiteSpace: 'nowrap' }}>{r.approvedByName ?? r.approvedBy} {shortTime(r.approvedAt)}</span> : '—') },
    {
      title: '到期',
      dataIndex: 'until',
      render: (u: string | null, r) =>
        r.status === 'revoked' ? (
          <Typography.Text type="secondary" title={r.revokeReason ?? undefined}>
            {shortTime(r.revokedAt)} 撤销
          </Typography.Text>
        ) : u ? (
          <span style={{ whiteSpace: 'nowrap' }} data-testid="restriction-until">{u.slice(0, 16).replace('T', ' ')}</span>
        ) : (
          <Typography.Text type="secondary">批准后 {r.days} 天</Typography.Text>
        ),
    },
    {
      title: '操作',
      key: 'op',
      render: (_, r) => (
        <Space size={4}>
          {canApprove(r) && (
            <Button size="small" type="primary" loading={busyId === r.id} onClick={() => void run(r.id, () => api(`/restrictions/${r.id}/approve`, { body: {} }), '已批准，限制生效')}>
              批准
            </Button>
          )}
          {canApprove(r) && (
            <Button size="small" loading={busyId === r.id} onClick={() => void run(r.id, () => api(`/restrictions/${r.id}/approve`, { body: { approve: false } }), '已驳回申请')}>
              驳回
            </Button>
          )}
          {canRevoke(r) && (
            <Button size="small" danger onClick={() => (revokeForm.resetFields(), setRevoking(r))}>
              撤销
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          限制呼入
        </Typography.Title>
        <Space wrap>
          <Segmented
            value={status}
            onChange={(v) => set({ status: v === 'all' ? undefined : String(v), page: undefined })}
            options={[{ value: 'all', label: '全部' }, ...Object.entries(RESTRICTION_STATUS).map(([value, s]) => ({ value, label: s.label }))]}
          />
          {canAsk && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAsking(true)}>
              申请限制
            </Button>
          )}
        </Space>
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        依《办法》第三十二条，对无正当理由反复拨打、长时间占用热线资源、骚扰热线工作人员等情形，班长申请、热线管理机构另一人批准后短期限制呼入（至多 {RESTRICTION_MAX_DAYS} 天），到期自动解除。
      </Typography.Text>
      {error && <Alert type="error" showIcon message={error} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<RestrictionView>
          data-testid="restrictions"
          size="small"
          rowKey="id"
          loading={!data && !error}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 760 }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 条`, onChange: (p) => set({ page: p > 1 ? String(p) : undefined }) }}
          locale={{ emptyText: '暂无限制记录' }}
        />
      </Card>
      <Modal open={asking} title="申请限制呼入" okText="提交申请" onOk={() => void ask()} confirmLoading={busyId === 'new'} onCancel={() => setAsking(false)}>
        <Form form={askForm} layout="vertical" initialValues={{ days: 7 }}>
          <Form.Item name="phone" label="号码" rules={[{ required: true, whitespace: true, message: '请填写号码' }, { pattern: new RegExp(PHONE_PATTERN), message: '号码格式不正确' }]}>
            <Input autoComplete="off" inputMode="tel" maxLength={20} autoFocus />
          </Form.Item>
          <Form.Item name="reason" label="原因（第三十二条）" rules={[{ required: true, message: '请选择原因' }]}>
            <Select options={Object.entries(RESTRICTION_REASONS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="days" label="限制天数" rules={[{ required: true, message: '请填写天数' }]}>
            <InputNumber min={1} max={RESTRICTION_MAX_DAYS} precision={0} addonAfter="天" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="note" label="情况说明">
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} placeholder="来电次数、时段、录音编号等" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={!!revoking} title={revoking ? `撤销限制：${revoking.phone}` : ''} okText="撤销" okButtonProps={{ danger: true }} onOk={() => void revoke()} confirmLoading={busyId === revoking?.id} onCancel={() => setRevoking(null)} destroyOnHidden>
        <Form form={revokeForm} layout="vertical">
          <Form.Item name="reason" label="撤销理由" rules={[{ required: true, whitespace: true, message: '请填写撤销理由' }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={300} />
          </Form.Item>
        </Form>
      </Modal>
    </Flex>
  );
}
