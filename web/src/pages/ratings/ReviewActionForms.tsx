// The small form of each 差评 action the current role may take: the centre verifies and classifies,
// later records the callback; the unit rectifies or explains, or appeals once; the authority decides
// the appeal. The server's field errors land on the fields they name.
import { useState, type ReactNode } from 'react';
import { Alert, Button, Card, Form, Input, Radio } from 'antd';
import { api } from '../../api';
import { showFieldErrors } from '../../components/AdminCommon';
import {
  CLASSIFICATIONS,
  CLASSIFICATION_LABELS,
  RECTIFY_OUTCOMES,
  RECTIFY_OUTCOME_LABELS,
  REVIEW_ACTION_LABELS,
  type RatingReview,
  type ReviewAction,
} from './ratingTypes';

type Props = { review: RatingReview; onDone: (updated: RatingReview) => void };

/** One action's form: posts the values as the action's body, shows the server's errors on its fields. */
function ActionForm({ review, action, onDone, submitText, children, toBody = (v) => v }: Props & {
  action: ReviewAction;
  submitText: string;
  children: ReactNode;
  toBody?: (values: Record<string, unknown>) => Record<string, unknown>;
}) {
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (values: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const body = Object.fromEntries(Object.entries(toBody(values)).filter(([, v]) => v !== undefined && v !== ''));
      const updated = await api<RatingReview>(`/ratings/reviews/${review.id}/actions/${action}`, { body });
      form.resetFields();
      onDone(updated);
    } catch (e) {
      setError(showFieldErrors(form, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={REVIEW_ACTION_LABELS[action]} data-testid={`review-action-${action}`}>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} data-testid="review-action-error" />}
        {children}
        <Button type="primary" htmlType="submit" loading={busy}>
          {submitText}
        </Button>
      </Form>
    </Card>
  );
}

function VerifyForm(p: Props) {
  return (
    <ActionForm {...p} action="verify" submitText="提交核实">
      <Form.Item name="classification" label="差评分类" rules={[{ required: true, message: '请选择差评分类' }]} extra="承办单位原因、政策限制交由单位整改或说明；诉求不合理、恶意差评核实后办结。">
        <Radio.Group options={CLASSIFICATIONS.map((c) => ({ value: c, label: CLASSIFICATION_LABELS[c] }))} />
      </Form.Item>
      <Form.Item name="note" label="核实意见">
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
    </ActionForm>
  );
}

function RectifyForm(p: Props) {
  return (
    <ActionForm {...p} action="rectify" submitText="提交整改反馈">
      <Form.Item name="outcome" label="整改结果" rules={[{ required: true, message: '请选择整改结果（已整改或情况说明）' }]}>
        <Radio.Group options={RECTIFY_OUTCOMES.map((o) => ({ value: o, label: RECTIFY_OUTCOME_LABELS[o] }))} />
      </Form.Item>
      <Form.Item name="content" label="整改情况或说明" rules={[{ required: true, whitespace: true, message: '请填写整改情况或说明' }]}>
        <Input.TextArea rows={4} maxLength={4000} />
      </Form.Item>
    </ActionForm>
  );
}

function AppealForm(p: Props) {
  return (
    <ActionForm {...p} action="appeal" submitText="提交申诉">
      <Alert type="info" showIcon style={{ marginBottom: 8 }} message="每条差评只能申诉一次，由主管部门裁定；裁定前整改期限继续计算。" />
      <Form.Item name="reason" label="申诉理由" rules={[{ required: true, whitespace: true, message: '请填写申诉理由' }]}>
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
    </ActionForm>
  );
}

function DecideAppealForm(p: Props) {
  return (
    <ActionForm {...p} action="decide_appeal" submitText="提交裁定">
      <Form.Item name="upheld" label="裁定结果" rules={[{ required: true, message: '请选择申诉是否成立' }]} extra="成立：差评撤销、不计入考核；不成立：退回单位继续整改。">
        <Radio.Group
          options={[
            { value: true, label: '申诉成立' },
            { value: false, label: '申诉不成立' },
          ]}
        />
      </Form.Item>
      <Form.Item name="note" label="裁定意见" rules={[{ required: true, whitespace: true, message: '请填写裁定意见' }]}>
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
    </ActionForm>
  );
}

function CallbackForm(p: Props) {
  return (
    <ActionForm {...p} action="callback" submitText="记录回访" toBody={(v) => (v.reached ? v : { ...v, accepted: undefined })}>
      <Form.Item name="reached" label="是否联系上评价人" rules={[{ required: true, message: '请选择是否联系上评价人' }]}>
        <Radio.Group
          options={[
            { value: true, label: '已联系上' },
            { value: false, label: '未联系上' },
          ]}
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.reached !== b.reached}>
        {({ getFieldValue }) =>
          getFieldValue('reached') === true && (
            <Form.Item name="accepted" label="评价人是否认可整改" rules={[{ required: true, message: '请选择评价人是否认可' }]}>
              <Radio.Group
                options={[
                  { value: true, label: '认可' },
                  { value: false, label: '不认可' },
                ]}
              />
            </Form.Item>
          )
        }
      </Form.Item>
      <Form.Item name="note" label="回访记录">
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
    </ActionForm>
  );
}

/** The forms of the actions the server lists for the viewer (an appeal only while none was made). */
export function ReviewActions({ review, onDone }: Props) {
  const can = (a: ReviewAction) => review.actions.includes(a);
  return (
    <>
      {can('verify') && <VerifyForm review={review} onDone={onDone} />}
      {can('rectify') && <RectifyForm review={review} onDone={onDone} />}
      {can('appeal') && !review.appeal && <AppealForm review={review} onDone={onDone} />}
      {can('decide_appeal') && <DecideAppealForm review={review} onDone={onDone} />}
      {can('callback') && <CallbackForm review={review} onDone={onDone} />}
    </>
  );
}
