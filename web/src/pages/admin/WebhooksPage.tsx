// Webhook 订阅: the systems that receive ticket events as signed POSTs. Create (the signing secret
// is shown once), stop or resume, and per subscription the deliveries given up on (死信) with 重放.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api';
import { ACTIONS, ACTION_RULES } from '../../../../src/domain/ticket-states.ts';
import { PageTitle, buildTree, errorText, localTime, showFieldErrors, useApiData, type AdminUnit, type TreeNode } from '../../components/AdminCommon';

interface Subscription {
  id: number;
  name: string;
  url: string;
  events: string[];
  format: 'event' | 'evaluation';
  active: boolean;
  unit: { code: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
}
interface DeadLetter {
  id: number;
  eventId: string;
  reasonLabel: string;
  attempts: number;
  lastError: string | null;
  deadAt: string;
  replayedAt: string | null;
}

/** The events a subscription may name: every ticket action, intake, and all of them. */
const EVENT_OPTIONS = [
  { value: '*', label: '全部事件' },
  { value: 'intake', label: '受理' },
  ...ACTIONS.map((a) => ({ value: a, label: ACTION_RULES[a].label })),
  { value: 'provincial.sync', label: '省平台同步' },
];
const EVENT_LABEL = new Map(EVENT_OPTIONS.map((o) => [o.value, o.label]));
const FORMAT_LABELS: Record<string, string> = { event: '工单事件', evaluation: '好差评评价' };

interface SubForm {
  name: string;
  url: string;
  events: string[];
  format: 'event' | 'evaluation';
  unitCode?: string;
}

function unitTreeData(nodes: TreeNode<AdminUnit>[]): Array<{ value: string; title: string; children?: ReturnType<typeof unitTreeData> }> {
  return nodes.map((n) => ({ value: n.code, title: n.name, children: n.children ? unitTreeData(n.children) : undefined }));
}

function DeadLetters({ sub }: { sub: Subscription }) {
  const { message } = App.useApp();
  const letters = useApiData<{ items: DeadLetter[] }>(`/webhooks/${sub.id}/dead-letters`);
  const replay = async (d: DeadLetter) => {
    try {
      await api(`/webhooks/${sub.id}/dead-letters/${d.id}/replay`, { method: 'POST', body: {} });
      message.success('已重放，将按原事件编号重新投递');
      await letters.reload();
    } catch (err) {
      message.error(errorText(err));
    }
  };
  const columns: ColumnsType<DeadLetter> = [
    { title: '事件编号', dataIndex: 'eventId', render: (e: string) => <Typography.Text code>{e}</Typography.Text> },
    { title: '原因', dataIndex: 'reasonLabel' },
    { title: '尝试次数', dataIndex: 'attempts', width: 90 },
    { title: '最后错误', dataIndex: 'lastError', render: (e: string | null) => e ?? '—' },
    { title: '放弃时间', dataIndex: 'deadAt', width: 150, render: localTime },
    {
      title: '操作',
      width: 160,
      render: (_: unknown, d) =>
        d.replayedAt ? (
          <Tag>已于 {localTime(d.replayedAt)} 重放</Tag>
        ) : (
          <Button size="small" type="primary" data-testid={`deadletter-replay-${d.id}`} onClick={() => replay(d)}>
            重放
          </Button>
        ),
    },
  ];
  return (
    <div data-testid="dead-letters">
      {letters.error && <Alert type="error" showIcon message={letters.error} style={{ marginBottom: 12 }} />}
      <Table rowKey="id" size="small" loading={letters.loading} columns={columns} dataSource={letters.data?.items ?? []} locale={{ emptyText: '没有死信' }} pagination={{ pageSize: 20 }} />
    </div>
  );
}

export default function WebhooksPage() {
  const { message } = App.useApp();
  const subs = useApiData<{ items: Subscription[] }>('/webhooks');
  const units = useApiData<{ items: AdminUnit[] }>('/units');
  const unitTree = useMemo(() => unitTreeData(buildTree(units.data?.items ?? [])), [units.data]);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [letters, setLetters] = useState<Subscription | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<SubForm>();

  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setBusy(true);
    setFormError(null);
    try {
      const res = await api<Subscription & { secret: string }>('/webhooks', { body: { name: v.name.trim(), url: v.url.trim(), events: v.events, format: v.format, ...(v.unitCode ? { unitCode: v.unitCode } : {}) } });
      setCreating(false);
      setSecret({ name: res.name, secret: res.secret });
      await subs.reload();
    } catch (err) {
      setFormError(showFieldErrors(form, err));
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (s: Subscription, active: boolean) => {
    try {
      await api(`/webhooks/${s.id}`, { method: 'PUT', body: { active } });
      message.success(active ? `已恢复「${s.name}」` : `已停用「${s.name}」，不再向其投递`);
      await subs.reload();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const columns: ColumnsType<Subscription> = [
    { title: '名称', dataIndex: 'name', render: (n: string) => <span data-testid="webhook-name">{n}</span> },
    { title: '接收地址', dataIndex: 'url', render: (u: string) => <Typography.Text copyable style={{ wordBreak: 'break-all' }}>{u}</Typography.Text> },
    { title: '事件', dataIndex: 'events', render: (e: string[]) => e.map((x) => <Tag key={x}>{EVENT_LABEL.get(x) ?? x}</Tag>) },
    { title: '范围', dataIndex: 'unit', width: 160, render: (u: Subscription['unit']) => (u ? `仅${u.name}的工单` : '全部工单') },
    { title: '内容', dataIndex: 'format', width: 100, render: (f: string) => FORMAT_LABELS[f] ?? f },
    { title: '创建时间', dataIndex: 'createdAt', width: 150, render: localTime },
    {
      title: '启用',
      dataIndex: 'active',
      width: 90,
      render: (a: boolean, s) =>
        a ? (
          <Popconfirm title={`停用「${s.name}」？停用期间的事件在恢复后补发`} okText="停用" cancelText="取消" onConfirm={() => setActive(s, false)}>
            <Switch checked checkedChildren="启用" unCheckedChildren="停用" data-testid={`webhook-active-${s.id}`} />
          </Popconfirm>
        ) : (
          <Switch checked={false} checkedChildren="启用" unCheckedChildren="停用" data-testid={`webhook-active-${s.id}`} onChange={() => setActive(s, true)} />
        ),
    },
    {
      title: '操作',
      width: 90,
      render: (_: unknown, s) => (
        <Button size="small" data-testid={`webhook-letters-${s.id}`} onClick={() => setLetters(s)}>
          死信
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="webhooks-page">
      <PageTitle
        title="Webhook 订阅"
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => subs.reload()}>
              刷新
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              data-testid="webhook-new"
              onClick={() => {
                form.resetFields();
                form.setFieldsValue({ format: 'event', events: ['*'] });
                setFormError(null);
                setCreating(true);
              }}
            >
              新建订阅
            </Button>
          </Space>
        }
      >
        同级单位系统、省平台接收工单事件的地址；每次推送带签名，未应答 2xx 时自动重试，放弃投递的进入死信，可重放。
      </PageTitle>
      {subs.error && <Alert type="error" showIcon message={subs.error} style={{ marginBottom: 12 }} />}
      <Table rowKey="id" size="small" loading={subs.loading} columns={columns} dataSource={subs.data?.items ?? []} pagination={{ pageSize: 20 }} scroll={{ x: 900 }} />

      <Modal title="新建 Webhook 订阅" open={creating} okText="创建" cancelText="取消" confirmLoading={busy} onOk={create} onCancel={() => setCreating(false)} destroyOnClose>
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请填写名称' }, { max: 60, message: '名称最多 60 个字' }]}>
            <Input placeholder="如：市住建局业务系统" data-testid="webhook-form-name" />
          </Form.Item>
          <Form.Item name="url" label="接收地址" rules={[{ required: true, whitespace: true, message: '请填写接收地址' }, { pattern: /^https?:\/\//, message: '接收地址须以 http:// 或 https:// 开头' }]}>
            <Input placeholder="https://example.gov.cn/hotline/events" data-testid="webhook-form-url" />
          </Form.Item>
          <Form.Item name="events" label="订阅事件" rules={[{ required: true, message: '请至少选择一类事件' }]}>
            <Select mode="multiple" options={EVENT_OPTIONS} data-testid="webhook-form-events" />
          </Form.Item>
          <Form.Item name="unitCode" label="限定单位（可选）" extra="选定后只推送该单位（含下级）主办、协办或承办的工单事件；不选为全部工单">
            <TreeSelect allowClear showSearch treeNodeFilterProp="title" treeData={unitTree} placeholder="全部工单" data-testid="webhook-form-unit" />
          </Form.Item>
          <Form.Item name="format" label="推送内容">
            <Select options={Object.entries(FORMAT_LABELS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal title="订阅已创建" open={!!secret} okText="我已保存" cancelButtonProps={{ style: { display: 'none' } }} onOk={() => setSecret(null)} onCancel={() => setSecret(null)} closable={false} maskClosable={false}>
        {secret && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert type="warning" showIcon message="签名密钥只显示这一次，请交给接收方用于验证签名（X-Hotline-Signature）。" />
            <Typography.Text>「{secret.name}」的签名密钥：</Typography.Text>
            <Typography.Text code copyable={{ text: secret.secret, tooltips: ['复制', '已复制'] }} data-testid="webhook-secret">
              {secret.secret}
            </Typography.Text>
          </Space>
        )}
      </Modal>

      <Drawer title={letters ? `「${letters.name}」的死信` : ''} open={!!letters} onClose={() => setLetters(null)} width={900} destroyOnClose>
        {letters && <DeadLetters sub={letters} />}
      </Drawer>
    </div>
  );
}
