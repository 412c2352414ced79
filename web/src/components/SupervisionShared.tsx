// 督办 in the console: the shapes the supervision API answers with, the kinds' labels (from the domain),
// the create dialog (from a ticket or by ticket number) and the unit's reply form.
import { UnitPicker } from './UnitPicker';
import { useState } from 'react';
import { Alert, Button, DatePicker, Form, Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import type { Role } from '../types';
import type { SupervisionItem } from '../../../src/supervision/contract.ts';
import * as kinds from '../../../src/domain/supervision-kinds.ts';

export const SUPERVISION_KIND_LABELS: Record<string, string> = Object.fromEntries(kinds.SUPERVISION_KINDS.map((k) => [k, kinds.SUPERVISION_RULES[k].label]));
export const SUPERVISION_STATUS_LABELS: Record<string, string> = kinds.SUPERVISION_STATUS_LABELS;
export const SUPERVISION_STATUS_COLORS: Record<string, string> = { open: 'blue', replied: 'orange', closed: 'green', recorded: 'default' };
/** Roles that open the board and issue 督办. */
export const SUPERVISION_ROLES: Role[] = ['centre', 'team_lead', 'authority', 'admin'];

export function kindsFor(role: Role | undefined, withTicket: boolean) {
  return kinds.SUPERVISION_KINDS.filter((k) => role && kinds.SUPERVISION_RULES[k].issuers.includes(role) && !kinds.SUPERVISION_RULES[k].automatic && (withTicket || kinds.SUPERVISION_RULES[k].ticket === 'optional'));
}

/** A 督办 item as the API answers it: the server's own declaration (src/supervision/contract.ts). */
export type { SupervisionItem } from '../../../src/supervision/contract.ts';

export const fmt = (s: string | null | undefined) => (s ? s.slice(0, 16).replace('T', ' ') : '—');

function errorText(e: unknown) {
  return e instanceof ApiError ? e.problem.title : e instanceof Error ? e.message : String(e);
}

/** 发起督办: kind, ticket (fixed when opened from a ticket), unit and the matter. */
export function SuperviseButton({ ticketNo, onDone, label = '督办' }: { ticketNo?: string; onDone?: (item: SupervisionItem) => void; label?: string }) {
  const { user } = useAuth();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const options = kindsFor(user?.role, true);
  const kind = Form.useWatch('kind', form) as string | undefined;
  if (!options.length) return null;
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const item = await api<SupervisionItem>('/supervision/items', {
        body: { kind: v.kind, matter: v.matter, ...(v.ticketNo ? { ticketNo: v.ticketNo.trim() } : {}), ...(v.unitCode ? { unitCode: v.unitCode.trim() } : {}) },
      });
      setOpen(false);
      form.resetFields();
      onDone?.(item);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button data-testid="supervise-open" onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal title="发起督办（第二十七条）" open={open} onCancel={() => setOpen(false)} onOk={submit} confirmLoading={busy} okText="确定" cancelText="取消" destroyOnHidden>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" initialValues={{ kind: options.includes('special') ? 'special' : options[0], ticketNo }}>
          <Form.Item name="kind" label="督办方式" rules={[{ required: true, message: '请选择督办方式' }]}>
            <Radio.Group>
              {options.map((k) => (
                <Radio key={k} value={k}>
                  {SUPERVISION_KIND_LABELS[k]}
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item name="ticketNo" label="工单编号" rules={[{ required: !kind || kinds.SUPERVISION_RULES[kind as kinds.SupervisionKind]?.ticket === 'required', message: '请填写工单编号' }]}>
            <Input disabled={!!ticketNo} placeholder="MDJ…" />
          </Form.Item>
          <Form.Item name="unitCode" label={kind === 'consult' ? '指定承办单位' : '被督办单位（默认为工单主办单位）'} rules={[{ required: kind === 'consult', message: '请选择承办单位' }]}>
            <UnitPicker data-testid="supervision-unit" />
          </Form.Item>
          <Form.Item name="matter" label="督办事项" rules={[{ required: true, message: '请填写督办事项' }]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The addressed unit's written reply (领导批示: the result, or a plan with its end date). */
export function SupervisionReplyForm({ item, onDone }: { item: SupervisionItem; onDone: () => void }) {
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const outcome = Form.useWatch('outcome', form) as string | undefined;
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await api(`/supervision/items/${item.id}/reply`, {
        body: { content: v.content, ...(item.planDueAt ? { outcome: v.outcome } : {}), ...(v.outcome === 'plan' && v.planEndDate ? { planEndDate: (v.planEndDate as Dayjs).format('YYYY-MM-DD') } : {}) },
      });
      form.resetFields();
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form form={form} layout="vertical" data-testid="supervision-reply-form" initialValues={{ outcome: 'done' }}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} />}
      {item.planDueAt && (
        <Form.Item name="outcome" label="回复类型">
          <Radio.Group>
            <Radio value="done">办结或有效回复</Radio>
            <Radio value="plan">无法办结：处理办法及办结时限</Radio>
          </Radio.Group>
        </Form.Item>
      )}
      {outcome === 'plan' && (
        <Form.Item name="planEndDate" label="办结时限" rules={[{ required: true, message: '请选择办结时限' }]}>
          <DatePicker />
        </Form.Item>
      )}
      <Form.Item name="content" label="书面回复" rules={[{ required: true, message: '请填写书面回复' }]}>
        <Input.TextArea rows={4} maxLength={4000} />
      </Form.Item>
      <Button type="primary" onClick={submit} loading={busy} data-testid="supervision-reply-submit">
        提交回复
      </Button>
    </Form>
  );
}

/** The issuer's acceptance: 验收办结, or back to the unit with the reason. */
export function SupervisionCloseButtons({ item, onDone }: { item: SupervisionItem; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async (accept: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api(`/supervision/items/${item.id}/close`, { body: { accept, ...(note ? { note } : {}) } });
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon message={error} />}
      <Input.TextArea rows={2} placeholder="验收意见（退回时必填）" value={note} onChange={(e) => setNote(e.target.value)} aria-label="验收意见" />
      <Space>
        <Button type="primary" loading={busy} onClick={() => send(true)} data-testid="supervision-accept">
          验收办结
        </Button>
        {item.status === 'replied' && (
          <Button danger loading={busy} onClick={() => send(false)}>
            退回重新回复
          </Button>
        )}
      </Space>
    </Space>
  );
}

export function StatusTag({ status, label }: { status: string; label: string }) {
  return <Tag color={SUPERVISION_STATUS_COLORS[status]}>{label}</Tag>;
}

export function ReplyView({ item }: { item: SupervisionItem }) {
  if (!item.reply) return null;
  return (
    <div>
      <Typography.Text type="secondary">
        {item.reply.repliedBy} {fmt(item.reply.repliedAt)} 回复{item.reply.outcome === 'plan' ? `（处理办法，办结时限 ${item.reply.planEndDate}）` : ''}
        {item.reply.late && <Tag color="red" style={{ marginInlineStart: 6 }}>超期回复</Tag>}
      </Typography.Text>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="supervision-reply-content">
        {item.reply.content}
      </Typography.Paragraph>
    </div>
  );
}

