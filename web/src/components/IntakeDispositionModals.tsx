// The intake dispositions that need more than the form: 直接解答 (answer text), 不予受理 (第十一条 reason,
// basis, referral) and 紧急转接 (110/119/120/122). Each is a small modal whose 确定 submits the intake.
import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Radio, Space, Typography, type FormInstance } from 'antd';
import { REJECT_REASONS } from '../labels';
import { EMERGENCY_LINE_LABELS } from './TicketRefData';

interface ModalProps<T> {
  open: boolean;
  form: FormInstance<T>;
  onCancel(): void;
  /** Submits the intake; resolves true when the ticket was created. */
  onSubmit(values: T): Promise<boolean>;
}

function useSubmit<T>(props: ModalProps<T>) {
  const [busy, setBusy] = useState(false);
  const ok = async () => {
    let values: T;
    try {
      values = await props.form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(values);
    } finally {
      setBusy(false);
    }
  };
  return { busy, ok };
}

export interface AnswerValues {
  content: string;
}

/**
 * 直接解答. When the agent took the reply from the knowledge base, the article is shown and recorded
 * with the answer (its use is counted); the agent may still edit the words, or drop the citation.
 */
export function IntakeAnswerModal(props: ModalProps<AnswerValues> & { article: { articleId: number; title: string; reply: string } | null; onDropArticle(): void }) {
  const { busy, ok } = useSubmit(props);
  return (
    <Modal title="直接解答（咨询）" open={props.open} onCancel={props.onCancel} onOk={ok} okText="确定" cancelText="取消" confirmLoading={busy} destroyOnHidden maskClosable={false} forceRender={false}>
      {props.article && (
        <Alert
          type="info"
          showIcon
          data-testid="answer-article"
          style={{ marginBottom: 12, padding: '4px 10px' }}
          message={<span>依据知识：《{props.article.title}》</span>}
          action={
            <Button size="small" type="link" onClick={props.onDropArticle}>
              不引用
            </Button>
          }
        />
      )}
      <Form form={props.form} layout="vertical" preserve={false} initialValues={{ content: props.article?.reply ?? '' }}>
        <Form.Item name="content" label="解答内容" rules={[{ required: true, whitespace: true, message: '请填写向诉求人作出的解答' }]}>
          <Input.TextArea autoFocus rows={5} maxLength={4000} showCount placeholder="依据知识库答复口径，记录向诉求人解答的内容" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export interface RejectValues {
  reasonCode: string;
  basis?: string;
  referral?: string;
}

export function IntakeRejectModal(props: ModalProps<RejectValues>) {
  const { busy, ok } = useSubmit(props);
  return (
    <Modal title="不予受理（第十一条）" open={props.open} onCancel={props.onCancel} onOk={ok} okText="确定" cancelText="取消" confirmLoading={busy} destroyOnHidden maskClosable={false} width={640}>
      <Form form={props.form} layout="vertical" preserve={false}>
        <Form.Item name="reasonCode" label="不予受理理由" rules={[{ required: true, message: '请选择第十一条的理由' }]}>
          <Radio.Group>
            <Space direction="vertical">
              {Object.entries(REJECT_REASONS).map(([code, text]) => (
                <Radio key={code} value={code}>
                  <Typography.Text strong>第十一条（{code.split('.')[1]}）</Typography.Text> {text}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="basis" label="依据" extra="不填写时以所选条款为依据">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item name="referral" label="告知的办理单位或渠道" extra="如：向人民法院起诉、向市信访局反映">
          <Input maxLength={300} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export interface EmergencyValues {
  line: string;
  note?: string;
}

export function IntakeEmergencyModal(props: ModalProps<EmergencyValues>) {
  const { busy, ok } = useSubmit(props);
  return (
    <Modal title="紧急转接" open={props.open} onCancel={props.onCancel} onOk={ok} okText="确定" cancelText="取消" confirmLoading={busy} destroyOnHidden maskClosable={false}>
      <Typography.Paragraph type="secondary">转接后同时报告热线主管部门（第十条）。</Typography.Paragraph>
      <Form form={props.form} layout="vertical" preserve={false}>
        <Form.Item name="line" label="紧急热线" rules={[{ required: true, message: '请选择转接的紧急热线' }]}>
          <Radio.Group optionType="button" buttonStyle="solid" options={Object.entries(EMERGENCY_LINE_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="note" label="说明">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
