// What the viewer may do with an article now: one button per lifecycle action the server lists in
// `article.actions` (no others), each with its small form; 修改 for an editable draft; and 纠错 for
// those who answer the public with the article.
import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Empty, Form, Input, Modal, Radio, Select, Space } from 'antd';
import { EditOutlined, WarningOutlined } from '@ant-design/icons';
import { ApiError, api } from '../api';
import { useAuth } from '../auth';
import { fieldErrorsToForm } from './TicketRefData';
import { KB_REPORTERS, useKbMeta } from './KbMeta';
import type { KbArticle } from './KbTypes';

type Values = Record<string, unknown>;

const FIELDS: Record<string, string[]> = {
  submit: ['note'],
  approve: ['approve', 'note'],
  review: ['pass', 'note'],
  withdraw: ['reason'],
  revise: ['note'],
  report: ['content', 'passageSeq'],
};
const PRIMARY = new Set(['submit', 'approve', 'review']);
const DANGER = new Set(['withdraw']);

/** Whether the viewer may edit the article now (updateArticle: the unit its draft, the centre what it reviews). */
export function canEdit(a: KbArticle): boolean {
  return (a.status === 'draft' && a.actions.includes('submit')) || (a.status === 'pending_review' && a.actions.includes('review'));
}

function clean(v: Values): Values {
  const out: Values = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || x === null || (typeof x === 'string' && !x.trim())) continue;
    out[k] = typeof x === 'string' ? x.trim() : x;
  }
  return out;
}

export function KbArticleActions({ article, onDone, onEdit, onReported }: { article: KbArticle; onDone(a: KbArticle): void; onEdit(): void; onReported(): void }) {
  const { message } = AntApp.useApp();
  const { user } = useAuth();
  const meta = useKbMeta();
  const [form] = Form.useForm<Values>();
  const [current, setCurrent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const approve = Form.useWatch('approve', form);
  const pass = Form.useWatch('pass', form);
  const published = article.status === 'published' || article.status === 'expired';
  const mayReport = !!user && KB_REPORTERS.includes(user.role) && published;
  const editable = canEdit(article);
  const label = (action: string) => (action === 'report' ? '纠错' : meta.action(action));

  const submit = async () => {
    if (!current) return;
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      if (current === 'report') {
        await api(`/kb/articles/${article.id}/reports`, { body: clean(v) });
        message.success('纠错反馈已提交，将转所属单位核实处理');
        onReported();
      } else {
        const res = await api<KbArticle>(`/kb/articles/${article.id}/actions/${current}`, { body: clean(v) });
        message.success(`${label(current)}：已完成`);
        onDone(res);
      }
      setCurrent(null);
    } catch (e) {
      if (!(e instanceof ApiError)) {
        message.error('网络异常，请重试');
        return;
      }
      const rest = fieldErrorsToForm(form, e.problem.errors, FIELDS[current] ?? []);
      message.error(e.problem.errors?.length ? (rest.length ? rest.join('；') : e.problem.title) : e.problem.title);
    } finally {
      setBusy(false);
    }
  };

  const initial: Values = current === 'approve' ? { approve: true } : current === 'review' ? { pass: true } : {};
  const returning = (current === 'approve' && approve === false) || (current === 'review' && pass === false);
  const note = (title: string, needed: boolean, placeholder?: string) => (
    <Form.Item name="note" label={title} rules={needed ? [{ required: true, whitespace: true, message: '退回须写明需要修改什么' }] : undefined}>
      <Input.TextArea rows={3} maxLength={1000} showCount placeholder={placeholder} />
    </Form.Item>
  );

  const fields = () => {
    switch (current) {
      case 'submit':
        return (
          <>
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={user?.role === 'unit_head' ? '负责人提交即视为本单位已审核，直接送热线管理机构审校。' : '提交后由本单位负责人审核，再送热线管理机构审校，审校通过即发布。'}
            />
            {note('提交说明（可选）', false)}
          </>
        );
      case 'approve':
        return (
          <>
            <Form.Item name="approve" label="审核意见">
              <Radio.Group options={[{ value: true, label: article.awaitsImportApproval ? '同意，发布（热线管理机构导入的公文）' : '同意，送热线管理机构审校' }, { value: false, label: '退回修改' }]} />
            </Form.Item>
            {note(returning ? '退回说明' : '说明（可选）', returning, returning ? '请写明需要修改的内容' : undefined)}
          </>
        );
      case 'review':
        return (
          <>
            <Form.Item name="pass" label="审校结论">
              <Radio.Group options={[{ value: true, label: '通过，发布' }, { value: false, label: '退回修改' }]} />
            </Form.Item>
            {note(returning ? '退回说明' : '说明（可选）', returning, returning ? '请写明需要修改的内容' : undefined)}
          </>
        );
      case 'withdraw':
        return (
          <>
            {published && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message="撤回后该条目不再提供检索和直接解答。" />}
            <Form.Item name="reason" label="撤回理由" rules={[{ required: true, whitespace: true, message: '请填写撤回理由' }]}>
              <Input.TextArea rows={3} maxLength={1000} showCount placeholder="如：政策已废止、内容重复" />
            </Form.Item>
          </>
        );
      case 'revise':
        return (
          <>
            <Alert type="warning" showIcon style={{ marginBottom: 12 }} message="修订后条目回到草稿，需重新提交审核；重新发布前不再提供检索和直接解答。" />
            {note('修订原因（可选）', false, '如：收费标准调整、按纠错反馈更正')}
          </>
        );
      case 'report':
        return (
          <>
            <Form.Item name="passageSeq" label="有误的段落" extra="可选；不选表示整条">
              <Select
                allowClear
                placeholder="整条"
                options={article.passages.map((p) => ({ value: p.seq, label: `第 ${p.seq + 1} 段：${(p.heading ? `${p.heading} ` : '') + p.text}`.slice(0, 60) }))}
              />
            </Form.Item>
            <Form.Item name="content" label="纠错内容" rules={[{ required: true, whitespace: true, message: '请说明哪里有误、应当如何' }]}>
              <Input.TextArea rows={4} maxLength={2000} showCount placeholder="哪里有误或缺失，群众反映的实际情况是什么" />
            </Form.Item>
          </>
        );
      default:
        return null;
    }
  };

  const buttons = [
    ...article.actions.map((a) => (
      <Button key={a} autoInsertSpace={false} type={PRIMARY.has(a) ? 'primary' : 'default'} danger={DANGER.has(a)} onClick={() => setCurrent(a)} data-action={a}>
        {label(a)}
      </Button>
    )),
    ...(editable ? [<Button key="edit" autoInsertSpace={false} icon={<EditOutlined />} onClick={onEdit} data-action="edit">修改</Button>] : []),
    ...(mayReport ? [<Button key="report" autoInsertSpace={false} icon={<WarningOutlined />} onClick={() => setCurrent('report')} data-action="report">纠错</Button>] : []),
  ];

  return (
    <Card size="small" title="可执行操作" data-testid="kb-actions" role="region" aria-label="可执行操作">
      {buttons.length ? (
        <Space wrap size={[8, 8]}>
          {buttons}
        </Space>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="当前没有您可执行的操作" style={{ margin: '4px 0' }} />
      )}
      <Modal
        title={current ? label(current) : ''}
        open={!!current}
        onCancel={() => setCurrent(null)}
        onOk={submit}
        okText="确定"
        cancelText="取消"
        confirmLoading={busy}
        destroyOnHidden
        maskClosable={false}
      >
        {current && (
          <Form key={current} form={form} layout="vertical" preserve={false} initialValues={initial}>
            {fields()}
          </Form>
        )}
      </Modal>
    </Card>
  );
}
