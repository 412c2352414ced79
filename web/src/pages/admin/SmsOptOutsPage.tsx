// 短信退订: numbers that asked for no SMS from the platform (shown masked). Adding one stops its
// messages, also those already waiting in the outbox; removing it lets them through again.
import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api';
import { PageTitle, errorText, localTime, showFieldErrors, useApiData } from '../../components/AdminCommon';

interface OptOutRow {
  id: number;
  phone: string;
  note: string | null;
  createdAt: string;
}

export default function SmsOptOutsPage() {
  const { message } = App.useApp();
  const list = useApiData<{ items: OptOutRow[] }>('/sms/opt-outs');
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<{ phone: string; note?: string }>();

  const add = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setBusy(true);
    setFormError(null);
    try {
      const res = await api<{ phone: string }>('/sms/opt-outs', { method: 'PUT', body: { phone: v.phone.trim(), optedOut: true, ...(v.note?.trim() ? { note: v.note.trim() } : {}) } });
      message.success(`${res.phone} 已退订短信`);
      setAdding(false);
      await list.reload();
    } catch (err) {
      setFormError(showFieldErrors(form, err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (r: OptOutRow) => {
    try {
      await api(`/sms/opt-outs/${r.id}/remove`, { method: 'POST', body: {} });
      message.success(`${r.phone} 已恢复接收短信`);
      await list.reload();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const columns: ColumnsType<OptOutRow> = [
    { title: '号码', dataIndex: 'phone', width: 160, render: (p: string) => <span data-testid="optout-phone">{p}</span> },
    { title: '备注', dataIndex: 'note', render: (n: string | null) => n ?? '—' },
    { title: '退订时间', dataIndex: 'createdAt', width: 160, render: localTime },
    {
      title: '操作',
      width: 100,
      render: (_: unknown, r) => (
        <Popconfirm title={`移除后 ${r.phone} 将恢复接收平台短信，确定？`} okText="移除" cancelText="取消" onConfirm={() => remove(r)}>
          <Button size="small" danger data-testid={`optout-remove-${r.id}`}>
            移除
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <div data-testid="sms-optouts-page">
      <PageTitle
        title="短信退订"
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => list.reload()}>
              刷新
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              data-testid="optout-new"
              onClick={() => {
                form.resetFields();
                setFormError(null);
                setAdding(true);
              }}
            >
              添加退订号码
            </Button>
          </Space>
        }
      >
        这些号码不再收到平台发出的任何短信（含已在发送队列中的短信）；号码脱敏显示。
      </PageTitle>
      {list.error && <Alert type="error" showIcon message={list.error} style={{ marginBottom: 12 }} />}
      <Table rowKey="id" size="small" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={{ pageSize: 20 }} />
      <Modal title="添加退订号码" open={adding} okText="添加" cancelText="取消" confirmLoading={busy} onOk={add} onCancel={() => setAdding(false)} destroyOnClose>
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item name="phone" label="手机号码" rules={[{ required: true, whitespace: true, message: '请填写手机号码' }]}>
            <Input placeholder="如：13812345678" data-testid="optout-form-phone" />
          </Form.Item>
          <Form.Item name="note" label="备注（可选）" rules={[{ max: 200, message: '备注最多 200 个字' }]}>
            <Input placeholder="如：来电要求不再接收短信" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
