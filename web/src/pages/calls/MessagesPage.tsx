// 短信/网络留言: messages from SMS and the online channels, worked by the same seats as calls. Each
// shows the 3-minute clock of GB/T 33358 to its first reply; 转工单 opens the intake desk with the text
// and the sender's number filled in.
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Segmented, Space, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { CHANNEL_LABELS } from '../../labels';
import type { IntakePrefill } from '../../components/CallPopBanner';
import { MESSAGE_CHANNEL_LABELS, MESSAGE_REPLY_SECONDS, MESSAGE_STATUS, clock, errorText, lastPageIfPast, shortTime, type MessageView, type Paged } from './callTypes';

const PAGE_SIZE = 20;
const REFRESH_MS = 5_000;

function dueOf(m: MessageView): number {
  return m.dueAt ? Date.parse(m.dueAt) : Date.parse(m.receivedAt) + MESSAGE_REPLY_SECONDS * 1000;
}

/** The 3-minute clock: time left, or over, to the first reply; once replied, how long it took. */
function ReplyClock({ m, now }: { m: MessageView; now: number }) {
  const due = dueOf(m);
  if (m.firstReplyAt) {
    const took = (Date.parse(m.firstReplyAt) - Date.parse(m.receivedAt)) / 1000;
    const ok = Date.parse(m.firstReplyAt) <= due;
    return <Tag color={ok ? 'green' : 'red'}>用时 {clock(took)}</Tag>;
  }
  const left = (due - now) / 1000;
  return (
    <span data-testid="message-clock" style={{ fontWeight: 600, fontVariantNumeric: 'tabular-nums', color: left < 0 ? '#f5222d' : left < 60 ? '#fa8c16' : '#389e0d', whiteSpace: 'nowrap' }}>
      {left < 0 ? `超时 ${clock(-left)}` : `剩余 ${clock(left)}`}
    </span>
  );
}

export default function MessagesPage() {
  const { message } = App.useApp();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  // 未答复 (waiting and claimed together, as the server lists them by default) or 已答复.
  const status = params.get('status') === 'answered' ? 'answered' : 'open';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [data, setData] = useState<Paged<MessageView> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [busyId, setBusyId] = useState<number | null>(null);
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);
  const [form] = Form.useForm<{ text: string }>();

  const set = (patch: Record<string, string | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch)) v ? next.set(k, v) : next.delete(k);
      return next;
    });

  useEffect(() => {
    const refresh = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    const second = window.setInterval(() => setNow(Date.now()), 1000);
    return () => {
      window.clearInterval(refresh);
      window.clearInterval(second);
    };
  }, []);

  const load = useCallback(async () => {
    // The server pages the queue (oldest first): one page is asked for, with the queue's total.
    const r = await api<Paged<MessageView>>(`/messages${qs({ status: status === 'answered' ? 'answered' : undefined, page, pageSize: PAGE_SIZE })}`);
    setData(r);
    setError(null);
    // Messages answered left this page empty: go to the last page there is.
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
  }, [load, tick]);

  const claim = async (m: MessageView) => {
    setBusyId(m.id);
    try {
      await api(`/messages/${m.id}/claim`, { body: {} });
      message.success('已认领');
      await load();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusyId(null);
    }
  };

  const reply = async () => {
    if (!replyTo) return;
    const v = await form.validateFields();
    setBusyId(replyTo.id);
    try {
      await api(`/messages/${replyTo.id}/reply`, { body: { text: v.text.trim() } });
      message.success('已回复');
      setReplyTo(null);
      await load();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusyId(null);
    }
  };

  const toTicket = (m: MessageView) => {
    // An online message becomes a 网站 ticket; an SMS stays 短信.
    const prefill: IntakePrefill = { phone: m.phone, facts: m.text, channel: m.channel in CHANNEL_LABELS ? m.channel : 'web' };
    navigate('/intake', { state: { prefill } });
  };

  const mine = (m: MessageView) => m.assignedTo === user?.username;
  const columns: ColumnsType<MessageView> = [
    { title: '渠道', dataIndex: 'channel', width: 70, render: (c: string) => MESSAGE_CHANNEL_LABELS[c] ?? CHANNEL_LABELS[c] ?? c },
    { title: '号码', dataIndex: 'phone', width: 120, render: (p: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{p ?? '—'}</span> },
    { title: '内容', dataIndex: 'text', render: (t: string) => <Typography.Paragraph ellipsis={{ rows: 2, tooltip: t }} style={{ margin: 0 }}>{t}</Typography.Paragraph> },
    { title: '收到', dataIndex: 'receivedAt', width: 120, responsive: ['md'], render: (t: string) => <span style={{ whiteSpace: 'nowrap' }}>{shortTime(t)}</span> },
    { title: '3分钟响应', key: 'clock', width: 110, render: (_, m) => <ReplyClock m={m} now={now} /> },
    {
      title: '状态',
      key: 'status',
      width: 110,
      responsive: ['md'],
      render: (_, m) => (
        <Space size={2} wrap>
          <Tag color={MESSAGE_STATUS[m.status]?.color}>{MESSAGE_STATUS[m.status]?.label ?? m.status}</Tag>
          {m.assignedTo && <Typography.Text type="secondary">{m.assignedToName ?? m.assignedTo}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '操作',
      key: 'op',
      width: 190,
      render: (_, m) => (
        <Space size={4} wrap>
          {m.status === 'waiting' && (
            <Button size="small" type="primary" loading={busyId === m.id} onClick={() => void claim(m)}>
              认领
            </Button>
          )}
          {m.status !== 'waiting' && mine(m) && (
            <Button size="small" onClick={() => (form.resetFields(), setReplyTo(m))}>
              回复
            </Button>
          )}
          {(m.status === 'waiting' || mine(m)) && (
            <Button size="small" onClick={() => toTicket(m)}>
              转工单
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
          短信/网络留言
        </Typography.Title>
        <Space>
          <Segmented
            value={status}
            onChange={(v) => set({ status: v === 'answered' ? 'answered' : undefined, page: undefined })}
            options={[
              { value: 'open', label: '未答复' },
              { value: 'answered', label: '已答复' },
            ]}
          />
          <Button icon={<ReloadOutlined />} aria-label="刷新" onClick={() => setTick((t) => t + 1)} />
        </Space>
      </Flex>
      {error && <Alert type="error" showIcon message={error} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<MessageView>
          data-testid="messages"
          size="small"
          rowKey="id"
          loading={!data && !error}
          dataSource={data?.items ?? []}
          columns={columns}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 条`, onChange: (p) => set({ page: p > 1 ? String(p) : undefined }) }}
          locale={{ emptyText: '没有留言' }}
        />
      </Card>
      <Modal
        open={!!replyTo}
        title="回复留言"
        okText="发送"
        onOk={() => void reply()}
        confirmLoading={busyId === replyTo?.id}
        onCancel={() => setReplyTo(null)}
        destroyOnHidden
      >
        {replyTo && (
          <Typography.Paragraph type="secondary" style={{ whiteSpace: 'pre-wrap' }}>
            {replyTo.phone ?? ''}：{replyTo.text}
          </Typography.Paragraph>
        )}
        <Form form={form} layout="vertical">
          <Form.Item name="text" label="回复内容" rules={[{ required: true, whitespace: true, message: '请填写回复内容' }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 6 }} maxLength={500} showCount autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </Flex>
  );
}
