// Pieces of the 回访台: what the agent reads out (the unit's reply of the current round), the earlier
// callback attempts, and the form that records this one.
import { useEffect } from 'react';
import { Alert, Button, Flex, Form, Input, Radio, Space, Tag, Timeline, Typography } from 'antd';
import { DECLINE_REASONS, SATISFACTION_LABELS } from '../labels';
import type { TicketDetail } from '../types';
import { formatTime } from './ListColumns';
import { SATISFACTION_LEVELS, type Satisfaction } from '../../../src/domain/ticket-types.ts';

// The levels in the order the agent reads them out: the domain's own list.
export const SATISFACTION_ORDER = SATISFACTION_LEVELS;
export type { Satisfaction };
export const isUnsatisfied = (s: string | null | undefined) => s === 'unsatisfied' || s === 'very_unsatisfied';

export interface CallbackBody {
  reached: boolean;
  satisfaction?: Satisfaction;
  words?: string;
  reasonable?: boolean;
}

/** The latest reply (办理反馈) or decline (不再办理) of the ticket's current round. */
export function currentReply(ticket: TicketDetail) {
  const own = ticket.submissions.filter((s) => s.round === ticket.round && (s.kind === 'reply' || s.kind === 'decline'));
  return own[own.length - 1] ?? null;
}

export function CallbackReply({ ticket }: { ticket: TicketDetail }) {
  const reply = currentReply(ticket);
  if (!reply) {
    return <Alert type="warning" showIcon message={`第 ${ticket.round} 轮没有单位的办理反馈`} />;
  }
  return (
    <div data-testid="callback-reply" style={{ background: '#f6f8fb', border: '1px solid #dbe4f0', borderRadius: 8, padding: '12px 14px' }}>
      <Flex wrap gap={8} align="center" style={{ marginBottom: 6 }}>
        <Typography.Text strong>{reply.unit?.name ?? '承办单位'}</Typography.Text>
        <Tag color={reply.kind === 'decline' ? 'orange' : 'blue'} style={{ marginInlineEnd: 0 }}>
          {reply.kind === 'decline' ? '不再办理' : '办理反馈'}
        </Tag>
        {ticket.round > 1 && <Tag style={{ marginInlineEnd: 0 }}>第 {reply.round} 轮</Tag>}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatTime(reply.createdAt)}
        </Typography.Text>
      </Flex>
      {reply.kind === 'decline' && reply.reasonCode && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 6 }}>
          依据第十七条（{reply.reasonCode.replace(/^17\./, '')}）：{DECLINE_REASONS[reply.reasonCode] ?? reply.reasonCode}
        </Typography.Paragraph>
      )}
      <Typography.Paragraph style={{ fontSize: 16, marginBottom: 0, whiteSpace: 'pre-wrap' }}>{reply.content}</Typography.Paragraph>
    </div>
  );
}

export function CallbackHistory({ ticket }: { ticket: TicketDetail }) {
  if (!ticket.callbacks.length) return <Typography.Text type="secondary">尚无回访记录</Typography.Text>;
  return (
    <Timeline
      data-testid="callback-history"
      style={{ marginTop: 8 }}
      items={[...ticket.callbacks].reverse().map((c) => ({
        color: !c.reached ? 'gray' : isUnsatisfied(c.satisfaction) ? 'red' : 'green',
        children: (
          <div>
            <Space wrap size={6}>
              <Typography.Text>{formatTime(c.createdAt)}</Typography.Text>
              {ticket.round > 1 && <Tag style={{ marginInlineEnd: 0 }}>第 {c.round} 轮</Tag>}
              {c.reached ? <Tag color="blue">已联系上</Tag> : <Tag>未联系上</Tag>}
              {c.satisfaction && <Tag color={isUnsatisfied(c.satisfaction) ? 'red' : 'green'}>{SATISFACTION_LABELS[c.satisfaction] ?? c.satisfaction}</Tag>}
              {c.reasonable !== null && <Tag color={c.reasonable ? 'orange' : 'default'}>{c.reasonable ? '诉求合理，再次办理' : '诉求不合理'}</Tag>}
            </Space>
            {c.words && <div style={{ color: '#595959', marginTop: 2 }}>“{c.words}”</div>}
          </div>
        ),
      }))}
    />
  );
}

interface FormValues {
  reached: boolean;
  satisfaction?: Satisfaction;
  words?: string;
  reasonable?: boolean;
}

export function CallbackForm({
  ticket,
  compact,
  submitting,
  disabled,
  onSubmit,
}: {
  ticket: TicketDetail;
  compact: boolean;
  submitting: boolean;
  disabled: boolean;
  onSubmit: (body: CallbackBody) => void;
}) {
  const [form] = Form.useForm<FormValues>();
  const reached = Form.useWatch('reached', form);
  const satisfaction = Form.useWatch('satisfaction', form);
  const unsatisfied = reached !== false && isUnsatisfied(satisfaction);
  const unitName = ticket.leadUnit?.name ?? '承办单位';

  // A new ticket starts with a clean form.
  useEffect(() => {
    form.resetFields();
  }, [ticket.no, form]);

  const finish = (v: FormValues) => {
    const words = v.words?.trim() || undefined;
    if (!v.reached) onSubmit({ reached: false, words });
    else onSubmit({ reached: true, satisfaction: v.satisfaction, words, reasonable: isUnsatisfied(v.satisfaction) ? v.reasonable : undefined });
  };

  const big = { height: compact ? 44 : 48, lineHeight: compact ? '42px' : '46px', fontSize: 16, textAlign: 'center' as const, borderRadius: 6 };

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={{ reached: true }}
      onFinish={finish}
      disabled={disabled || submitting}
      data-testid="callback-form"
      requiredMark
    >
      <Form.Item name="reached" label="是否联系上" rules={[{ required: true }]}>
        <Radio.Group optionType="button" buttonStyle="solid" data-testid="callback-reached">
          <Radio.Button value={true} style={{ minWidth: 110, textAlign: 'center' }}>
            已联系上
          </Radio.Button>
          <Radio.Button value={false} style={{ minWidth: 110, textAlign: 'center' }}>
            未联系上
          </Radio.Button>
        </Radio.Group>
      </Form.Item>

      {reached !== false && (
        <Form.Item name="satisfaction" label="满意度" rules={[{ required: true, message: '请选择诉求人的满意度' }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            size="large"
            data-testid="callback-satisfaction"
            style={{ display: 'grid', gridTemplateColumns: compact ? 'repeat(2, 1fr)' : 'repeat(5, minmax(0, 1fr))', gap: 8, width: '100%' }}
          >
            {SATISFACTION_ORDER.map((s) => (
              <Radio.Button key={s} value={s} data-satisfaction={s} style={{ ...big, gridColumn: compact && s === 'basically_satisfied' ? 'span 2' : undefined }}>
                {SATISFACTION_LABELS[s]}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
      )}

      <Form.Item name="words" label="诉求人原话" extra={reached === false ? '可记录未联系上的情况，如：关机、无人接听' : undefined}>
        <Input.TextArea rows={3} maxLength={2000} showCount placeholder="如实记录诉求人对办理结果的评价" data-testid="callback-words" />
      </Form.Item>

      {unsatisfied && (
        <>
          <Form.Item name="reasonable" label="诉求是否合理" rules={[{ required: true, message: '诉求人不满意时须判定诉求是否合理' }]}>
            <Radio.Group optionType="button" buttonStyle="solid" data-testid="callback-reasonable">
              <Radio.Button value={true} style={{ minWidth: 110, textAlign: 'center' }}>
                合理
              </Radio.Button>
              <Radio.Button value={false} style={{ minWidth: 110, textAlign: 'center' }}>
                不合理
              </Radio.Button>
            </Radio.Group>
          </Form.Item>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            message={`诉求合理的，工单退回${unitName}再次办理，重新计算办理时限；不合理的，工单办结并保留满意度评价。`}
          />
        </>
      )}

      <Button type="primary" htmlType="submit" size="large" loading={submitting} block={compact} data-testid="callback-submit">
        {reached === false ? '记录未联系上' : '提交回访结果'}
      </Button>
    </Form>
  );
}
