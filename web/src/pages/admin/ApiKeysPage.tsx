// API 密钥: the external systems' keys (Open311 clients, the provincial platform, the switch). A new
// key is shown once, in the dialog that creates it; the list knows only its prefix. 吊销 is final.
import { useState } from 'react';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api';
import { PageTitle, errorText, localTime, showFieldErrors, useApiData } from '../../components/AdminCommon';

interface ApiKeyRow {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  ratePerMinute: number;
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  active: boolean;
}
type Created = ApiKeyRow & { key: string; notice: string };

export default function ApiKeysPage() {
  const { message } = App.useApp();
  const keys = useApiData<{ items: ApiKeyRow[]; scopes: Array<{ value: string; label: string }> }>('/apikeys');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; scopes: string[]; ratePerMinute?: number }>();
  const scopeLabel = new Map((keys.data?.scopes ?? []).map((s) => [s.value, s.label]));

  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setBusy(true);
    setFormError(null);
    try {
      const res = await api<Created>('/apikeys', { body: { name: v.name.trim(), scopes: v.scopes, ...(v.ratePerMinute ? { ratePerMinute: v.ratePerMinute } : {}) } });
      setCreating(false);
      setCreated(res);
      await keys.reload();
    } catch (err) {
      setFormError(showFieldErrors(form, err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: ApiKeyRow) => {
    try {
      await api(`/apikeys/${k.id}/revoke`, { method: 'POST', body: {} });
      message.success(`已吊销密钥「${k.name}」`);
      await keys.reload();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      message.success('已复制到剪贴板');
    } catch {
      message.warning('浏览器不允许复制，请手动选中密钥复制');
    }
  };

  const columns: ColumnsType<ApiKeyRow> = [
    { title: '名称', dataIndex: 'name', render: (n: string, k) => <span data-testid="apikey-name">{n} <Typography.Text type="secondary">（{k.prefix}…）</Typography.Text></span> },
    { title: '权限范围', dataIndex: 'scopes', render: (s: string[]) => s.map((x) => <Tag key={x}>{scopeLabel.get(x) ?? x}</Tag>) },
    { title: '限流', dataIndex: 'ratePerMinute', width: 110, render: (r: number) => `${r} 次/分钟` },
    { title: '创建时间', dataIndex: 'createdAt', width: 150, render: localTime },
    { title: '最近使用', dataIndex: 'lastUsedAt', width: 150, render: (t: string | null) => (t ? localTime(t) : '从未使用') },
    { title: '状态', dataIndex: 'active', width: 160, render: (a: boolean, k) => (a ? <Tag color="green">有效</Tag> : <Tag color="red">已吊销 {localTime(k.revokedAt)}</Tag>) },
    {
      title: '操作',
      width: 90,
      render: (_: unknown, k) =>
        k.active ? (
          <Popconfirm title={`吊销「${k.name}」？使用它的系统将立即无法访问`} okText="吊销" cancelText="取消" onConfirm={() => revoke(k)}>
            <Button size="small" danger data-testid={`apikey-revoke-${k.id}`}>
              吊销
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <div data-testid="apikeys-page">
      <PageTitle
        title="API 密钥"
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => keys.reload()}>
              刷新
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              data-testid="apikey-new"
              onClick={() => {
                form.resetFields();
                setFormError(null);
                setCreating(true);
              }}
            >
              新建密钥
            </Button>
          </Space>
        }
      >
        外部系统（Open311 客户端、省/国家平台、交换机）调用接口所用的密钥；密钥本身只在创建时显示一次。
      </PageTitle>
      {keys.error && <Alert type="error" showIcon message={keys.error} style={{ marginBottom: 12 }} />}
      <Table rowKey="id" size="small" loading={keys.loading} columns={columns} dataSource={keys.data?.items ?? []} pagination={{ pageSize: 20 }} scroll={{ x: 900 }} />

      <Modal title="新建 API 密钥" open={creating} okText="创建" cancelText="取消" confirmLoading={busy} onOk={create} onCancel={() => setCreating(false)} destroyOnClose>
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item name="name" label="名称（使用方）" rules={[{ required: true, whitespace: true, message: '请填写名称' }, { max: 100, message: '名称最多 100 个字' }]}>
            <Input placeholder="如：省 12345 平台" data-testid="apikey-form-name" />
          </Form.Item>
          <Form.Item name="scopes" label="权限范围" rules={[{ required: true, message: '请至少选择一个权限范围' }]}>
            <Select mode="multiple" placeholder="选择该系统可调用的接口" options={keys.data?.scopes ?? []} data-testid="apikey-form-scopes" />
          </Form.Item>
          <Form.Item name="ratePerMinute" label="限流（次/分钟，不填为默认 60）">
            <InputNumber min={1} max={100000} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal title="密钥已创建" open={!!created} okText="我已保存" cancelButtonProps={{ style: { display: 'none' } }} onOk={() => setCreated(null)} onCancel={() => setCreated(null)} closable={false} maskClosable={false}>
        {created && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert type="warning" showIcon message="密钥只显示这一次，关闭后将无法再次查看，请立即复制并妥善保存。" />
            <Typography.Text>「{created.name}」的密钥：</Typography.Text>
            <Input.TextArea readOnly autoSize value={created.key} data-testid="apikey-secret" />
            <Button onClick={() => copy(created.key)} data-testid="apikey-copy">
              复制密钥
            </Button>
          </Space>
        )}
      </Modal>
    </div>
  );
}
