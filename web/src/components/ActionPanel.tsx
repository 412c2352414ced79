// The ticket's action panel: one button per action the server says the viewer may take now
// (`ticket.actions`, no others), each opening a small form with the fields of that action's body.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, App as AntApp, Button, Card, Checkbox, Descriptions, Empty, Form, Input, InputNumber, Modal, Radio, Select, Space, Tag, Typography, Upload, type FormInstance, type UploadFile } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { ATTACHMENT_EXTENSIONS, ATTACHMENT_LIMITS, ATTACHMENT_TYPES_TEXT } from '../../../src/domain/attachments.ts';
import { ApiError, api } from '../api';
import { useAuth } from '../auth';
import { DECLINE_REASONS, SATISFACTION_LABELS, STATUS_LABELS } from '../labels';
import type { TicketDetail } from '../types';
import { SPECIAL_LABELS, SUBMISSION_KIND_LABELS, fieldErrorsToForm, isActive, fmtTime, searchFilter, subtreeOf, unitOptions, useCategories, useUnits } from './TicketRefData';

export const ACTION_LABELS: Record<string, string> = {
  dispatch: '派单',
  sign: '签收',
  delegate: '转下级承办',
  return: '退单',
  decide_return: '退单审核',
  dispute: '提出异议',
  settle_dispute: '异议裁定',
  request_extension: '申请延期',
  decide_extension: '延期审批',
  opinion: '协办意见',
  first_response: '初步响应',
  progress: '进度反馈',
  reply: '办理反馈',
  decline: '不再办理',
  approve_reply: '负责人审定',
  review: '反馈审核',
  callback: '回访',
  quality_send_back: '质效审核退回',
  quality_redispatch: '质效审核改派',
  archive: '归档',
  flag_special: '标记特殊事项',
  merge: '并单',
  reveal_contact: '查看完整联系方式',
  assign: '指定承办人',
  note: '内部备注',
};

/** The body fields of each action, so a server error lands on the field it names. */
const ACTION_FIELDS: Record<string, string[]> = {
  dispatch: ['leadUnitCode', 'coUnitCodes', 'note'],
  delegate: ['unitCode', 'note'],
  return: ['reason', 'basis', 'suggestedUnitCode'],
  decide_return: ['accept', 'leadUnitCode', 'coUnitCodes', 'improper', 'note'],
  dispute: ['reason', 'signedBy'],
  settle_dispute: ['leadUnitCode', 'coUnitCodes', 'note'],
  request_extension: ['amount', 'reason', 'override'],
  decide_extension: ['approve', 'note'],
  opinion: ['content', 'attachments'],
  first_response: ['content', 'attachments'],
  progress: ['content', 'attachments'],
  reply: ['content', 'attachments'],
  decline: ['reasonCode', 'content', 'attachments'],
  approve_reply: ['approve', 'note'],
  review: ['pass', 'note'],
  callback: ['reached', 'satisfaction', 'words', 'reasonable'],
  quality_send_back: ['note'],
  quality_redispatch: ['leadUnitCode', 'coUnitCodes', 'note'],
  archive: ['note'],
  flag_special: ['level', 'note'],
  merge: ['intoNo', 'note'],
  reveal_contact: ['reason'],
  assign: ['assignee'],
  note: ['remark'],
};

/** Actions done with one click, without a form (none: even 签收 is confirmed, since it cannot be undone). */
const DIRECT = new Set<string>();
const PRIMARY = new Set(['sign', 'dispatch', 'reply', 'review', 'callback', 'approve_reply', 'decide_return', 'decide_extension', 'settle_dispute', 'archive']);
const DANGER = new Set(['return', 'dispute', 'decline']);

interface Candidate {
  no: string;
  status: string;
  createdAt: string;
  similarity: number;
}

type Values = Record<string, unknown>;

function clean(o: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

const required = (message: string) => [{ required: true, whitespace: true, message }];
const yesNo = (yes: string, no: string) => [
  { value: true, label: yes },
  { value: false, label: no },
];

export function ActionPanel({ ticket, onDone }: { ticket: TicketDetail; onDone(result: TicketDetail & Values, action: string): void }) {
  const { message } = AntApp.useApp();
  const { user } = useAuth();
  const units = useUnits();
  const categories = useCategories();
  const [form] = Form.useForm<Values>();
  const [current, setCurrent] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [revealed, setRevealed] = useState<{ name?: string | null; phone?: string | null; idNumber?: string | null } | null>(null);

  const run = async (action: string, body: Values): Promise<boolean> => {
    setBusy(action);
    try {
      const res = await api<TicketDetail & Values>(`/tickets/${ticket.no}/actions/${action}`, { body: withFiles(body) });
      setCurrent(null);
      setCandidates([]);
      message.success(`${ACTION_LABELS[action] ?? action}：已完成`);
      if (action === 'reveal_contact') setRevealed((res.revealedContact as typeof revealed) ?? null);
      onDone(res, action);
      return true;
    } catch (e) {
      if (!(e instanceof ApiError)) {
        message.error('网络异常，请重试');
        return false;
      }
      const p = e.problem;
      if (e.status === 409 && Array.isArray(p.candidates)) {
        setCandidates(p.candidates as Candidate[]);
        message.warning(p.title);
        return false;
      }
      const rest = current ? fieldErrorsToForm(form, p.errors, ACTION_FIELDS[action] ?? []) : (p.errors ?? []).map((x) => x.message);
      message.error(p.errors?.length ? (rest.length ? rest.join('；') : p.title) : p.title);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const open = (action: string) => {
    if (DIRECT.has(action)) {
      void run(action, {});
      return;
    }
    setCandidates([]);
    setCurrent(action);
  };

  const submit = async () => {
    if (!current) return;
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    await run(current, bodyOf(current, v));
  };

  const pendingRequest = (kind: string) => [...ticket.requests].reverse().find((r) => r.kind === kind && r.status === 'pending');
  const category = categories.find((c) => c.code === ticket.categoryCode);
  const initialValues = useMemo((): Values => {
    switch (current) {
      case 'dispatch':
        return { leadUnitCode: category?.defaultUnit?.code ?? ticket.district?.code, coUnitCodes: [], distinctFrom: [] };
      case 'dispute':
        return { signedBy: user?.displayName };
      case 'decide_return':
        return { accept: true, leadUnitCode: pendingRequest('return')?.suggestedUnit?.code, improper: true };
      case 'settle_dispute':
        return { leadUnitCode: ticket.leadUnit?.code };
      case 'decide_extension':
      case 'approve_reply':
        return { approve: true };
      case 'review':
        return { pass: true };
      case 'callback':
        return { reached: true };
      case 'flag_special':
        return { level: ticket.special === 'special' ? 'special_emergency' : 'special' };
      default:
        return {};
    }
  }, [current, ticket.no]);

  const actions = ticket.actions;
  return (
    <Card size="small" title="可执行操作" data-testid="ticket-actions" role="region" aria-label="可执行操作">
      {actions.length ? (
        <Space wrap size={[8, 8]}>
          {actions.map((a) => (
            <Button
              key={a}
              autoInsertSpace={false}
              type={PRIMARY.has(a) ? 'primary' : 'default'}
              danger={DANGER.has(a)}
              loading={busy === a && DIRECT.has(a)}
              onClick={() => open(a)}
              data-action={a}
            >
              {ACTION_LABELS[a] ?? a}
            </Button>
          ))}
        </Space>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="当前没有您可执行的操作" style={{ margin: '4px 0' }} />
      )}
      {revealed && (
        <Alert
          style={{ marginTop: 12 }}
          type="info"
          showIcon
          closable
          onClose={() => setRevealed(null)}
          data-testid="revealed-contact"
          message="完整联系方式（本次查看已记入流转记录）"
          description={
            <div>
              <div>姓名：{revealed.name ?? '—'}</div>
              <div>电话：{revealed.phone ?? '—'}</div>
              {revealed.idNumber && <div>证件号码：{revealed.idNumber}</div>}
            </div>
          }
        />
      )}
      <Modal
        title={current ? ACTION_LABELS[current] : ''}
        open={!!current}
        onCancel={() => setCurrent(null)}
        onOk={submit}
        okText="确定"
        cancelText="取消"
        okButtonProps={{ autoInsertSpace: false }}
        cancelButtonProps={{ autoInsertSpace: false }}
        confirmLoading={!!current && busy === current}
        destroyOnHidden
        maskClosable={false}
        width={600}
      >
        {current && (
          <Form key={current} form={form} layout="vertical" preserve={false} initialValues={initialValues} onFinish={submit}>
            <ActionFields action={current} ticket={ticket} form={form} units={units} isAdmin={user?.role === 'admin'} pendingRequest={pendingRequest} candidates={candidates} />
          </Form>
        )}
      </Modal>
    </Card>
  );
}

/** A body with chosen files becomes a multipart form (its text fields and the files under `attachments`). */
function withFiles(body: Values): Values | FormData {
  const files = (body.attachments as UploadFile[] | undefined)?.map((f) => f.originFileObj).filter((f): f is NonNullable<typeof f> => !!f) ?? [];
  const { attachments: _files, ...rest } = body;
  if (!files.length) return rest;
  const form = new FormData();
  for (const [key, value] of Object.entries(rest)) if (value !== undefined && value !== null) form.append(key, String(value));
  for (const f of files) form.append('attachments', f, f.name);
  return form;
}

/** The request body of an action from its form's values. */
function bodyOf(action: string, v: Values): Values {
  switch (action) {
    case 'decide_return':
      return clean(v.accept ? { accept: true, leadUnitCode: v.leadUnitCode, coUnitCodes: v.coUnitCodes, note: v.note } : { accept: false, improper: !!v.improper, note: v.note });
    case 'callback': {
      if (!v.reached) return clean({ reached: false, words: v.words });
      const unhappy = v.satisfaction === 'unsatisfied' || v.satisfaction === 'very_unsatisfied';
      return clean({ reached: true, satisfaction: v.satisfaction, words: v.words, reasonable: unhappy ? v.reasonable : undefined });
    }
    case 'request_extension':
      return clean({ amount: v.amount, reason: v.reason, override: v.override ? true : undefined });
    default:
      return clean(v);
  }
}

/** The active members of the user's own unit, the choices for 承办人. */
function useUnitMembers(enabled: boolean) {
  const [members, setMembers] = useState<Array<{ username: string; displayName: string; role: string }>>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    api<{ items: typeof members }>('/units/mine/members')
      .then((r) => live && setMembers(r.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [enabled]);
  return members;
}

function Context({ children }: { children: ReactNode }) {
  return <div style={{ background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, padding: '8px 12px', marginBottom: 12 }}>{children}</div>;
}

function ActionFields(props: {
  action: string;
  ticket: TicketDetail;
  form: FormInstance<Values>;
  units: ReturnType<typeof useUnits>;
  isAdmin: boolean;
  pendingRequest(kind: string): TicketDetail['requests'][number] | undefined;
  candidates: Candidate[];
}) {
  const { action, ticket, form, units } = props;
  const accept = Form.useWatch('accept', form);
  const approve = Form.useWatch('approve', form);
  const pass = Form.useWatch('pass', form);
  const reached = Form.useWatch('reached', form);
  const satisfaction = Form.useWatch('satisfaction', form) as string | undefined;
  const lead = Form.useWatch('leadUnitCode', form) as string | undefined;
  const allUnits = unitOptions(units);
  const coUnits = unitOptions(units, (u) => u.code !== lead);
  const leadSelect = (name: string, label: string, opts: { required?: boolean; exclude?: string; extra?: string } = {}) => (
    <Form.Item name={name} label={label} rules={opts.required ? [{ required: true, message: `请选择${label}` }] : undefined} extra={opts.extra}>
      <Select showSearch allowClear={!opts.required} options={opts.exclude ? unitOptions(units, (u) => u.code !== opts.exclude) : allUnits} filterOption={searchFilter} placeholder="输入单位名称搜索" />
    </Form.Item>
  );
  const coSelect = (
    <Form.Item name="coUnitCodes" label="协办单位">
      <Select mode="multiple" allowClear options={coUnits} filterOption={searchFilter} placeholder="可选" />
    </Form.Item>
  );
  const note = (label = '说明', isRequired = false, message = '请填写说明') => (
    <Form.Item name="note" label={label} rules={isRequired ? required(message) : undefined}>
      <Input.TextArea rows={3} maxLength={2000} />
    </Form.Item>
  );
  const content = (label: string, placeholder?: string) => (
    <>
    <Form.Item name="content" label={label} rules={required(`请填写${label}`)}>
      <Input.TextArea autoFocus rows={6} maxLength={4000} showCount placeholder={placeholder} />
    </Form.Item>
    <Form.Item
      name="attachments"
      label="附件"
      valuePropName="fileList"
      getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList}
      extra={`可选，至多 ${ATTACHMENT_LIMITS.maxFiles} 个，每个不超过 ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB：${ATTACHMENT_TYPES_TEXT}`}
      rules={[
        {
          validator: async (_, list: UploadFile[] | undefined) => {
            if ((list?.length ?? 0) > ATTACHMENT_LIMITS.maxFiles) throw new Error(`附件至多 ${ATTACHMENT_LIMITS.maxFiles} 个`);
            const big = list?.findIndex((f) => (f.size ?? 0) > ATTACHMENT_LIMITS.maxBytes) ?? -1;
            if (big >= 0) throw new Error(`第 ${big + 1} 个文件超过 ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB`);
          },
        },
      ]}
    >
      {/* Kept in the form and sent with the action (beforeUpload false): nothing is uploaded on its own. */}
      <Upload multiple beforeUpload={() => false} accept={ATTACHMENT_EXTENSIONS.map((e) => `.${e}`).join(',')} maxCount={ATTACHMENT_LIMITS.maxFiles}>
        <Button icon={<UploadOutlined />}>选择文件</Button>
      </Upload>
    </Form.Item>
    </>
  );
  const lastAnswer = [...ticket.submissions].reverse().find((s) => s.kind === 'reply' || s.kind === 'decline');
  const members = useUnitMembers(action === 'assign');
  const { user } = useAuth();

  switch (action) {
    case 'assign': {
      const current = (ticket.assignees ?? []).filter((a) => a.unit?.code === user?.unit?.code);
      return (
        <>
          {current.length > 0 && (
            <Context>
              当前承办人：{current.map((a) => a.name).join('、')}
            </Context>
          )}
          <Form.Item name="assignee" label="承办人（本单位人员）" rules={[{ required: true, message: '请选择承办人' }]}>
            <Select
              showSearch
              autoFocus
              data-testid="assignee-select"
              placeholder="选择本单位的工作人员"
              optionFilterProp="label"
              options={members.map((m) => ({ value: m.username, label: `${m.displayName}（${m.username}）${m.role === 'unit_head' ? ' · 负责人' : ''}` }))}
            />
          </Form.Item>
          {user && (
            <Button size="small" onClick={() => form.setFieldsValue({ assignee: user.username })} data-testid="assign-self">
              由我承办
            </Button>
          )}
        </>
      );
    }
    case 'note':
      return (
        <>
          <Typography.Paragraph type="secondary">内部备注仅工作人员可见，不会出现在网上诉求查询、短信、Open311 或推送中。</Typography.Paragraph>
          <Form.Item name="remark" label="备注内容" rules={required('请填写备注内容')}>
            <Input.TextArea autoFocus rows={4} maxLength={2000} showCount />
          </Form.Item>
        </>
      );
    case 'dispatch':
      return (
        <>
          {props.candidates.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              message="同一诉求人的相似诉求仍在办理中"
              description={
                <Form.Item name="distinctFrom" label="确认不是同一诉求的工单（勾选后可派单；是同一诉求请用「并单」）" style={{ marginBottom: 0 }}>
                  <Checkbox.Group>
                    <Space direction="vertical">
                      {props.candidates.map((c) => (
                        <Checkbox key={c.no} value={c.no}>
                          {c.no} · {STATUS_LABELS[c.status] ?? c.status} · {fmtTime(c.createdAt)} · 相似度 {Math.round(c.similarity * 100)}%
                        </Checkbox>
                      ))}
                    </Space>
                  </Checkbox.Group>
                </Form.Item>
              }
            />
          )}
          {leadSelect('leadUnitCode', '主办单位', { extra: '不选择时按诉求分类的默认单位，或按所属县（市）区兜底' })}
          {coSelect}
          {note()}
        </>
      );
    case 'delegate': {
      const own = ticket.leadUnit?.code;
      const below = own ? subtreeOf(units, own) : new Set<string>();
      const options = units.filter((u) => below.has(u.code) && u.code !== own && isActive(u)).map((u) => ({ value: u.code, label: u.name, search: u.name.toLowerCase() }));
      return (
        <>
          <Form.Item name="unitCode" label="下级承办单位" rules={[{ required: true, message: '请选择下级承办单位' }]} extra="第九条：可转本单位的下级或内设承办单位办理，时限不变">
            <Select showSearch options={options} filterOption={searchFilter} notFoundContent="本单位没有下级承办单位" />
          </Form.Item>
          {note()}
        </>
      );
    }
    case 'return':
      return (
        <>
          <Typography.Paragraph type="secondary">第十五条：非本单位职责的，应在派单后 2 个工作日内退回并说明理由和依据；超期退回的视为超期办理件。</Typography.Paragraph>
          <Form.Item name="reason" label="退单理由" rules={required('请填写退单理由')}>
            <Input.TextArea autoFocus rows={3} maxLength={1000} />
          </Form.Item>
          <Form.Item name="basis" label="依据（职责规定）" rules={required('请填写退单依据')}>
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
          {leadSelect('suggestedUnitCode', '建议承办单位', { exclude: ticket.leadUnit?.code })}
        </>
      );
    case 'decide_return': {
      const r = props.pendingRequest('return');
      return (
        <>
          {r && (
            <Context>
              <div>
                {r.unit?.name} 于 {fmtTime(r.requestedAt)} 退单{r.late && <Tag color="red" style={{ marginLeft: 8 }}>超期退回</Tag>}
              </div>
              <div>理由：{r.reason}</div>
              {r.basis && <div>依据：{r.basis}</div>}
              {r.suggestedUnit && <div>建议承办单位：{r.suggestedUnit.name}</div>}
            </Context>
          )}
          <Form.Item name="accept" label="审核结论" rules={[{ required: true, message: '请选择审核结论' }]} extra="同意：改派至下方单位；不同意：原单位继续办理，时限照常计算">
            <Radio.Group options={yesNo('同意', '不同意')} />
          </Form.Item>
          {accept !== false ? (
            <>
              {leadSelect('leadUnitCode', '改派主办单位', { exclude: ticket.leadUnit?.code, extra: '不选择时按建议承办单位' })}
              {coSelect}
            </>
          ) : (
            <Form.Item name="improper" valuePropName="checked">
              <Checkbox>记为不当退单</Checkbox>
            </Form.Item>
          )}
          {note()}
        </>
      );
    }
    case 'dispute':
      return (
        <>
          <Typography.Paragraph type="secondary">第十四条：对派单有异议的，由单位负责人签字，在派单后 3 日内提出；异议期间本单位时限照常计算。</Typography.Paragraph>
          <Form.Item name="reason" label="异议理由" rules={required('请填写异议理由')}>
            <Input.TextArea autoFocus rows={4} maxLength={2000} />
          </Form.Item>
          <Form.Item name="signedBy" label="负责人签字">
            <Input maxLength={40} />
          </Form.Item>
        </>
      );
    case 'settle_dispute': {
      const r = props.pendingRequest('dispute');
      return (
        <>
          {r && (
            <Context>
              <div>
                {r.unit?.name} 于 {fmtTime(r.requestedAt)} 提出异议{r.signedBy ? `（${r.signedBy} 签字）` : ''}
              </div>
              <div>理由：{r.reason}</div>
            </Context>
          )}
          {leadSelect('leadUnitCode', '裁定主办单位', { required: true, extra: '仍选原主办单位即为异议不成立，原单位继续办理' })}
          {coSelect}
          {note('裁定意见', true, '请填写裁定意见')}
        </>
      );
    }
    case 'request_extension':
      return (
        <>
          <Typography.Paragraph type="secondary">第十五条：须在办理时限届满前申请，最多两次，每次不超过原办理时限。</Typography.Paragraph>
          <Form.Item name="amount" label="延期工作日数" rules={[{ required: true, message: '请填写延期的工作日数' }]}>
            <InputNumber autoFocus min={1} max={60} precision={0} addonAfter="个工作日" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="reason" label="延期理由" rules={required('请填写延期理由')}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
          {props.isAdmin && ticket.type === 'consultation' && (
            <Form.Item name="override" valuePropName="checked">
              <Checkbox>管理员特批（咨询类原则上不予延期）</Checkbox>
            </Form.Item>
          )}
        </>
      );
    case 'decide_extension': {
      const r = props.pendingRequest('extension');
      return (
        <>
          {r && (
            <Context>
              <div>
                {r.unit?.name} 于 {fmtTime(r.requestedAt)} 申请延期 {r.amount} 个工作日
              </div>
              <div>理由：{r.reason}</div>
            </Context>
          )}
          <Form.Item name="approve" label="审批结论" rules={[{ required: true, message: '请选择审批结论' }]}>
            <Radio.Group options={yesNo('同意', '不同意')} />
          </Form.Item>
          {note('审批意见')}
        </>
      );
    }
    case 'sign':
      return (
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          确认本单位签收工单 {ticket.no}？签收后即由本单位按时限办理（签收时限 1 个工作日，第十五条）。
        </Typography.Paragraph>
      );
    case 'opinion':
      return content('意见内容', '本单位的协办意见');
    case 'first_response':
      return content('响应内容', '第十六条：特殊事项须在规定时间内作出初步响应');
    case 'progress':
      return content('进度内容', '目前的办理进度');
    case 'reply':
      return content('反馈内容', '向诉求人答复的办理情况和结果');
    case 'decline':
      return (
        <>
          <Form.Item name="reasonCode" label="不再办理的情形（第十七条）" rules={[{ required: true, message: '请选择第十七条的情形' }]}>
            <Radio.Group>
              <Space direction="vertical">
                {Object.entries(DECLINE_REASONS).map(([code, text]) => (
                  <Radio key={code} value={code}>
                    <Typography.Text strong>（{code.split('.')[1]}）</Typography.Text> {text}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          </Form.Item>
          {content('说明内容', '向诉求人说明不再办理的理由')}
        </>
      );
    case 'approve_reply': {
      const pending = [...ticket.submissions].reverse().find((s) => s.approval === 'pending');
      return (
        <>
          {pending && (
            <Context>
              <div>
                <Tag>{SUBMISSION_KIND_LABELS[pending.kind] ?? pending.kind}</Tag>
                {fmtTime(pending.createdAt)}
              </div>
              <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>{pending.content}</Typography.Paragraph>
            </Context>
          )}
          <Form.Item name="approve" label="审定结论" rules={[{ required: true, message: '请选择审定结论' }]}>
            <Radio.Group options={yesNo('同意', '退回')} />
          </Form.Item>
          {note('审定意见', approve === false, '退回答复时须说明理由')}
        </>
      );
    }
    case 'review':
      return (
        <>
          {lastAnswer && (
            <Context>
              <div>
                <Tag>{SUBMISSION_KIND_LABELS[lastAnswer.kind] ?? lastAnswer.kind}</Tag>
                {lastAnswer.unit?.name} · {fmtTime(lastAnswer.createdAt)}
              </div>
              <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 6, expandable: true }}>
                {lastAnswer.content}
              </Typography.Paragraph>
            </Context>
          )}
          <Form.Item name="pass" label="审核结论" rules={[{ required: true, message: '请选择审核结论' }]}>
            <Radio.Group options={yesNo('通过', '不通过（退回承办单位）')} />
          </Form.Item>
          {note('审核意见', pass === false, '审核不通过时须说明理由')}
        </>
      );
    case 'callback': {
      const unhappy = satisfaction === 'unsatisfied' || satisfaction === 'very_unsatisfied';
      return (
        <>
          <Form.Item name="reached" label="是否联系上诉求人" rules={[{ required: true, message: '请选择' }]}>
            <Radio.Group options={yesNo('已联系上', '未联系上')} />
          </Form.Item>
          {reached !== false && (
            <Form.Item name="satisfaction" label="满意度" rules={[{ required: true, message: '请记录诉求人的满意度' }]}>
              <Radio.Group optionType="button" buttonStyle="solid" options={Object.entries(SATISFACTION_LABELS).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          )}
          <Form.Item name="words" label="诉求人原话">
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          {reached !== false && unhappy && (
            <Form.Item name="reasonable" label="诉求是否合理" rules={[{ required: true, message: '诉求人不满意时须判定诉求是否合理' }]} extra="合理：原单位再次办理（新一轮时限）；不合理：办结并保留评价">
              <Radio.Group options={yesNo('合理', '不合理')} />
            </Form.Item>
          )}
        </>
      );
    }
    case 'quality_send_back':
      return (
        <>
          <Typography.Paragraph type="secondary">第二十六条：敷衍办结的，退回原单位重新办理并列入督办。</Typography.Paragraph>
          {note('退回理由', true, '请填写退回理由')}
        </>
      );
    case 'quality_redispatch':
      return (
        <>
          <Typography.Paragraph type="secondary">第二十六条：非职责单位办结的，改派至正确的承办单位并列入督办。</Typography.Paragraph>
          {leadSelect('leadUnitCode', '改派主办单位', { required: true, exclude: ticket.leadUnit?.code })}
          {coSelect}
          {note('改派理由', true, '请填写改派理由')}
        </>
      );
    case 'archive':
      return note('归档说明');
    case 'flag_special':
      return (
        <>
          <Form.Item name="level" label="特殊事项等级（第十六条）" rules={[{ required: true, message: '请选择等级' }]}>
            <Radio.Group
              options={(['special', 'special_emergency'] as const).map((value) => ({ value, label: SPECIAL_LABELS[value], disabled: ticket.special === value }))}
            />
          </Form.Item>
          {note()}
        </>
      );
    case 'merge':
      return (
        <>
          <Form.Item name="intoNo" label="并入的工单编号" rules={required('请填写并入的工单编号')}>
            <Input autoFocus maxLength={40} placeholder="如 MDJ20261122000123" />
          </Form.Item>
          {note()}
        </>
      );
    case 'reveal_contact':
      return (
        <>
          <Typography.Paragraph type="secondary">查看完整联系方式将连同理由记入工单流转记录。</Typography.Paragraph>
          <Form.Item name="reason" label="查看理由" rules={required('请填写查看理由')}>
            <Input.TextArea autoFocus rows={3} maxLength={500} placeholder="如：需电话联系诉求人核实现场情况" />
          </Form.Item>
        </>
      );
    default:
      return <Descriptions size="small" items={[{ label: '操作', children: ACTION_LABELS[action] ?? action }]} />;
  }
}
