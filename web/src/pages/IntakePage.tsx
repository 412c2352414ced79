// 受理台: an agent records a call with every 第二条 field and disposes of it at once (第十条–第十二条).
// Keyboard first: the phone field has the focus, Tab walks the form, Ctrl+Enter dispatches.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  ConfigProvider,
  Form,
  Grid,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
  type FormInstance,
  type InputRef,
} from 'antd';
import { ApiError, api } from '../api';
import { CHANNEL_LABELS, TYPE_LABELS } from '../labels';
import type { TicketDetail, TicketSummary } from '../types';
import { PHONE_PATTERN, type Disposition } from '../../../src/tickets/contract.ts';
import {
  REQUESTER_KIND_LABELS,
  SPECIAL_LABELS,
  fieldErrorsToForm,
  isActive,
  searchFilter,
  unitOptions,
  useCategories,
  useTypeReplyLimits,
  useUnits,
} from '../components/TicketRefData';
import { IntakeDuplicates, IntakeHistory, IntakeOtherCallers, statusColor, type DuplicateCandidate } from '../components/IntakePanels';
import { IntakeKnowledgeBase, type KbChoice } from '../components/IntakeKnowledgePanel';
import { useDebounced } from '../components/useDebounced';
import { CallPopBanner, useCallPop } from '../components/CallPopBanner';
import {
  IntakeAnswerModal,
  IntakeEmergencyModal,
  IntakeRejectModal,
  type AnswerValues,
  type EmergencyValues,
  type RejectValues,
} from '../components/IntakeDispositionModals';


interface IntakeValues {
  channel: string;
  type: string;
  categoryCode?: string;
  dispatch?: { leadUnitCode?: string; coUnitCodes?: string[] };
  requester: { kind: string; name?: string; phone?: string; idNumber?: string; confidential?: boolean };
  facts: string;
  address?: string;
  districtCode?: string;
  special: string;
}

const INITIAL: Partial<IntakeValues> = {
  channel: 'phone',
  type: 'consultation',
  requester: { kind: 'person', confidential: false },
  special: 'none',
  dispatch: { coUnitCodes: [] },
};

/** The fields of the main form a server error can point at (dotted request paths). */
const FORM_FIELDS = [
  'channel',
  'type',
  'categoryCode',
  'requester.kind',
  'requester.name',
  'requester.phone',
  'requester.idNumber',
  'requester.confidential',
  'facts',
  'address',
  'districtCode',
  'special',
  'dispatch.leadUnitCode',
  'dispatch.coUnitCodes',
];
const FIELD_ALIASES: Record<string, string> = {
  leadUnitCode: 'dispatch.leadUnitCode',
  coUnitCodes: 'dispatch.coUnitCodes',
  phone: 'requester.phone',
};

// The server's own pattern (its JSON schema validates the same string).
const PHONE_REGEXP = new RegExp(PHONE_PATTERN);
const digitsOf = (s: string | undefined) => (s ?? '').replace(/\D/g, '');

/** Drops empty strings and empty arrays, which the API's schema refuses for optional fields. */
function clean<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out as Partial<T>;
}

export default function IntakePage() {
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<IntakeValues>();
  const [answerForm] = Form.useForm<AnswerValues>();
  const [rejectForm] = Form.useForm<RejectValues>();
  const [emergencyForm] = Form.useForm<EmergencyValues>();
  const pop = useCallPop(form);
  const phoneRef = useRef<InputRef>(null);
  const units = useUnits();
  const categories = useCategories();
  const typeLimits = useTypeReplyLimits();
  const screens = Grid.useBreakpoint();
  const wide = !!screens.md;

  const [busy, setBusy] = useState<Disposition | null>(null);
  const [modal, setModal] = useState<'answer' | 'reject' | 'emergency' | null>(null);
  const [result, setResult] = useState<TicketDetail | null>(null);
  const [history, setHistory] = useState<TicketSummary[] | null>(null);
  const [historyLoading, setHistoryLoading] = useState(false);
  const [candidates, setCandidates] = useState<DuplicateCandidate[]>([]);
  const [otherCallers, setOtherCallers] = useState<DuplicateCandidate[]>([]);
  const [distinct, setDistinct] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [kbChoice, setKbChoice] = useState<KbChoice | null>(null);
  const [secondMatter, setSecondMatter] = useState(false);

  const phone = Form.useWatch(['requester', 'phone'], form);
  const facts = Form.useWatch('facts', form);
  const type = Form.useWatch('type', form);
  const categoryCode = Form.useWatch('categoryCode', form);
  const address = Form.useWatch('address', form);
  const districtCode = Form.useWatch('districtCode', form);
  const leadUnitCode = Form.useWatch(['dispatch', 'leadUnitCode'], form);

  const phoneReady = digitsOf(phone).length >= 7 && PHONE_REGEXP.test(phone ?? '');
  const debouncedPhone = useDebounced(phoneReady ? phone!.trim() : '', 350);
  const dupKey = useDebounced(
    // Other callers' reports of the same event are looked for as soon as the facts and a category are there.
    (facts?.trim()?.length ?? 0) >= 6 && (phoneReady || categoryCode)
      ? JSON.stringify({ phone: phoneReady ? phone!.trim() : undefined, facts: facts!.trim(), categoryCode, address: address?.trim() || undefined, districtCode })
      : '',
    600,
  );

  // 诉求人历史: the caller's earlier tickets as soon as the number is known.
  useEffect(() => {
    if (!debouncedPhone) {
      setHistory(null);
      setHistoryLoading(false);
      return;
    }
    let live = true;
    setHistoryLoading(true);
    api<{ items: TicketSummary[] }>('/requesters/history', { body: { phone: debouncedPhone } })
      .then((r) => live && setHistory(r.items))
      .catch(() => live && setHistory([]))
      .finally(() => live && setHistoryLoading(false));
    return () => {
      live = false;
    };
  }, [debouncedPhone]);

  // 重复诉求检查 before dispatch: open tickets of the same caller about the same matter.
  useEffect(() => {
    if (!dupKey) {
      setCandidates([]);
      setOtherCallers([]);
      return;
    }
    let live = true;
    api<{ candidates: DuplicateCandidate[]; otherCallers?: DuplicateCandidate[] }>('/tickets/duplicate-check', { body: clean(JSON.parse(dupKey)) })
      .then((r) => {
        if (!live) return;
        setCandidates(r.candidates);
        setOtherCallers(r.otherCallers ?? []);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [dupKey]);

  const categoryOptions = useMemo(() => {
    const groups = categories.filter((c) => !c.parent);
    const leaves = categories.filter((c) => c.parent);
    return groups
      .map((g) => ({
        label: g.name,
        title: g.name,
        options: leaves
          .filter((c) => c.parent === g.code)
          .map((c) => ({
            value: c.code,
            label: c.name,
            keywords: c.keywords,
            search: `${c.name} ${g.name} ${c.code} ${c.keywords.join(' ')}`.toLowerCase(),
          })),
      }))
      .filter((g) => g.options.length);
  }, [categories]);
  const category = categories.find((c) => c.code === categoryCode);
  const leadOptions = useMemo(() => unitOptions(units), [units]);
  const coOptions = useMemo(() => unitOptions(units, (u) => u.code !== leadUnitCode), [units, leadUnitCode]);
  const districtOptions = useMemo(() => units.filter((u) => u.kind === 'district' && isActive(u)).map((u) => ({ value: u.code, label: u.name, search: `${u.name} ${u.code}`.toLowerCase() })), [units]);
  const unitName = (code?: string) => units.find((u) => u.code === code)?.name;

  const resetForNextCall = useCallback(() => {
    form.resetFields();
    setCandidates([]);
    setOtherCallers([]);
    setDistinct([]);
    setHistory(null);
    setFormError(null);
    setKbChoice(null);
    setTimeout(() => phoneRef.current?.focus(), 0);
  }, [form]);

  const submit = useCallback(
    async (disposition: Disposition, extra: Record<string, unknown> = {}): Promise<boolean> => {
      if (busy) return false;
      setFormError(null);
      if (pop.callId && (pop.otherTab || pop.registeredNo) && !secondMatter) {
        const why = pop.registeredNo ? `该来电已登记为工单 ${pop.registeredNo}` : '该来电正在另一个标签页登记';
        setFormError(`${why}；如是同一来电的另一诉求，请勾选「同一来电的另一诉求」`);
        message.warning(why);
        return false;
      }
      let v: IntakeValues;
      try {
        await form.validateFields();
        v = form.getFieldsValue(true) as IntakeValues;
      } catch {
        message.error('请先补全标红的必填项');
        return false;
      }
      if ((disposition === 'dispatch' || disposition === 'pending') && !v.requester?.phone?.trim()) {
        form.setFields([{ name: ['requester', 'phone'], errors: ['转办的工单须填写诉求人联系电话（第二条）'] }]);
        phoneRef.current?.focus();
        return false;
      }
      const body: Record<string, unknown> = {
        ...clean({
          channel: v.channel,
          type: v.type,
          categoryCode: v.categoryCode,
          facts: v.facts,
          address: v.address,
          districtCode: v.districtCode,
          special: v.special,
        }),
        requester: clean({ ...v.requester, confidential: !!v.requester?.confidential }),
        disposition,
        ...extra,
        ...(pop.callId ? { callId: pop.callId, ...(secondMatter ? { secondMatter: true } : {}) } : {}),
      };
      if (disposition === 'dispatch') {
        const d = clean({ leadUnitCode: v.dispatch?.leadUnitCode, coUnitCodes: v.dispatch?.coUnitCodes });
        if (Object.keys(d).length) body.dispatch = d;
        const ruledOut = distinct.filter((no) => candidates.some((c) => c.no === no));
        if (ruledOut.length) body.distinctFrom = ruledOut;
      }
      setBusy(disposition);
      try {
        const ticket = await api<TicketDetail>('/tickets', { body });
        setResult(ticket);
        setModal(null);
        message.success(`已受理：工单 ${ticket.no}（${ticket.statusLabel}）`);
        resetForNextCall();
        setSecondMatter(false);
        pop.done(ticket.no);
        return true;
      } catch (e) {
        if (!(e instanceof ApiError)) {
          message.error('网络异常，请重试');
          return false;
        }
        const p = e.problem;
        if (e.status === 409 && Array.isArray(p.candidates)) {
          // The server found duplicates the check had not shown yet: show them the same way.
          const known = new Map(candidates.map((c) => [c.no, c]));
          setCandidates((p.candidates as DuplicateCandidate[]).map((c) => ({ ...c, facts: c.facts ?? known.get(c.no)?.facts })));
          message.warning(p.title);
          return false;
        }
        const modalForm = (disposition === 'direct_answer' ? answerForm : disposition === 'reject' ? rejectForm : disposition === 'emergency_transfer' ? emergencyForm : null) as FormInstance | null;
        const prefix = disposition === 'direct_answer' ? 'answer.' : disposition === 'reject' ? 'reject.' : 'emergency.';
        const errors = p.errors ?? [];
        const modalErrors = modalForm ? errors.filter((er) => er.field.startsWith(prefix)) : [];
        if (modalForm && modalErrors.length) {
          modalForm.setFields(modalErrors.map((er) => ({ name: er.field.slice(prefix.length).split('.'), errors: [er.message] })));
        }
        const rest = fieldErrorsToForm(form, errors.filter((er) => !modalErrors.includes(er)), FORM_FIELDS, FIELD_ALIASES);
        const shown = errors.length ? rest : [p.title];
        if (shown.length) setFormError(shown.join('；'));
        message.error(shown.length ? shown.join('；') : p.title);
        return false;
      } finally {
        setBusy(null);
      }
    },
    [busy, form, answerForm, rejectForm, emergencyForm, distinct, candidates, message, resetForNextCall, pop.callId, pop.done, pop.otherTab, pop.registeredNo, secondMatter],
  );

  // Ctrl+Enter (⌘+Enter) dispatches from anywhere on the page while no dialog is open.
  const submitRef = useRef(submit);
  submitRef.current = submit;
  const modalRef = useRef(modal);
  modalRef.current = modal;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !modalRef.current) {
        e.preventDefault();
        void submitRef.current('dispatch');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onCategoryChange = (code?: string) => {
    const cat = categories.find((c) => c.code === code);
    form.setFieldValue(['dispatch', 'leadUnitCode'], cat?.defaultUnit?.code);
    const co: string[] = form.getFieldValue(['dispatch', 'coUnitCodes']) ?? [];
    if (cat?.defaultUnit) form.setFieldValue(['dispatch', 'coUnitCodes'], co.filter((c) => c !== cat.defaultUnit!.code));
  };

  // 采用 a knowledge-base reply: the matter is a consultation answered on the spot (直接解答).
  const answerFromKnowledge = (choice: KbChoice) => {
    if (form.getFieldValue('type') !== 'consultation') {
      form.setFieldValue('type', 'consultation');
      message.info('已将诉求类型改为咨询，按直接解答办理');
    }
    setKbChoice(choice);
    setModal('answer');
  };

  const pendingDuplicates = candidates.filter((c) => !distinct.includes(c.no));
  const fallbackLead = !leadUnitCode && !category?.defaultUnit && districtCode ? unitName(districtCode) : undefined;

  return (
    <ConfigProvider button={{ autoInsertSpace: false }} theme={{ components: { Form: { verticalLabelPadding: '0 0 4px' } } }}>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={15} xxl={16}>
          <Card
            size="small"
            title="受理台"
            extra={
              wide ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  Tab 切换字段 · Ctrl+Enter 派单
                </Typography.Text>
              ) : undefined
            }
          >
            <CallPopBanner pop={pop} history={history} />
            {result && (
              <Alert
                type="success"
                showIcon
                closable
                onClose={() => setResult(null)}
                style={{ marginBottom: 10, padding: '4px 12px' }}
                message={
                  <Space wrap size={[8, 0]}>
                    <span>已受理工单</span>
                    <Link to={`/tickets/${result.no}`} data-testid="intake-result-no" style={{ fontWeight: 600 }}>
                      {result.no}
                    </Link>
                    <Tag color={statusColor(result.status)}>{result.statusLabel}</Tag>
                    {result.leadUnit && <span>主办：{result.leadUnit.name}</span>}
                  </Space>
                }
              />
            )}
            <Form<IntakeValues>
              form={form}
              layout="vertical"
              initialValues={INITIAL}
              requiredMark
            >
              <Row gutter={12}>
                <Col xs={24} sm={12} md={6}>
                  <Form.Item
                    name={['requester', 'phone']}
                    label="联系电话"
                    rules={[{ pattern: PHONE_REGEXP, message: '电话号码格式不正确' }]}
                    style={{ marginBottom: 10 }}
                  >
                    <Input ref={phoneRef} autoFocus inputMode="tel" autoComplete="off" maxLength={20} placeholder="来电号码" allowClear />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6} md={5}>
                  <Form.Item name={['requester', 'name']} label="诉求人姓名" style={{ marginBottom: 10 }}>
                    <Input maxLength={100} autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6} md={4}>
                  <Form.Item name={['requester', 'kind']} label="诉求人类别" style={{ marginBottom: 10 }}>
                    <Select options={Object.entries(REQUESTER_KIND_LABELS).map(([value, label]) => ({ value, label }))} />
                  </Form.Item>
                </Col>
                <Col xs={16} sm={12} md={5}>
                  <Form.Item
                    name={['requester', 'idNumber']}
                    label="证件号码"
                    rules={[{ pattern: /^[0-9A-Za-z]{6,30}$/, message: '证件号码为6–30位字母或数字' }]}
                    style={{ marginBottom: 10 }}
                  >
                    <Input maxLength={30} autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={8} sm={12} md={4}>
                  <Form.Item name={['requester', 'confidential']} label="保密" valuePropName="checked" style={{ marginBottom: 10 }}>
                    <Checkbox style={{ whiteSpace: 'nowrap', marginTop: 5 }}>要求保密</Checkbox>
                  </Form.Item>
                </Col>
              </Row>

              <Row gutter={12}>
                <Col xs={24} md={17}>
                  <Form.Item name="type" label="诉求类型" rules={[{ required: true, message: '请选择诉求类型' }]} style={{ marginBottom: 10 }}>
                    <Radio.Group
                      optionType="button"
                      buttonStyle="solid"
                      aria-label="诉求类型"
                      options={Object.entries(TYPE_LABELS).map(([value, label]) => ({ value, label }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={7}>
                  <Form.Item name="channel" label="受理渠道" rules={[{ required: true, message: '请选择受理渠道' }]} style={{ marginBottom: 10 }}>
                    <Select options={Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label }))} />
                  </Form.Item>
                </Col>
              </Row>

              <Form.Item
                name="facts"
                label="诉求事实"
                rules={[{ required: true, whitespace: true, message: '请填写诉求事实' }]}
                style={{ marginBottom: 10 }}
              >
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 7 }} maxLength={4000} showCount placeholder="时间、地点、事由、诉求人的具体要求" />
              </Form.Item>

              <Row gutter={12}>
                <Col xs={24} md={12}>
                  <Form.Item
                    name="categoryCode"
                    label="诉求分类"
                    style={{ marginBottom: 4 }}
                    extra={
                      category ? (
                        <span data-testid="intake-category-info">
                          默认承办：{category.defaultUnit?.name ?? '无（按县（市）区兜底）'} · 办理时限：
                          {category.replyLimit ? (
                            <Tooltip title={category.legalBasis ?? undefined}>
                              <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                                {category.replyLimit}（分类规定）
                              </Tag>
                            </Tooltip>
                          ) : (
                            <span>{typeLimits[type] ?? '—'}（按诉求类型）</span>
                          )}
                        </span>
                      ) : undefined
                    }
                  >
                    <Select
                      showSearch
                      allowClear
                      placeholder="输入名称或关键词搜索，如：暖气不热"
                      options={categoryOptions}
                      filterOption={searchFilter}
                      onChange={onCategoryChange}
                      optionRender={(o) => {
                        const keywords = (o.data as unknown as { keywords?: string[] }).keywords;
                        return (
                          <div>
                            <div>{o.label}</div>
                            {keywords?.length ? <div style={{ fontSize: 12, color: '#999', whiteSpace: 'normal' }}>{keywords.join('、')}</div> : null}
                          </div>
                        );
                      }}
                      listHeight={320}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item
                    name={['dispatch', 'leadUnitCode']}
                    label="主办单位"
                    style={{ marginBottom: 4 }}
                    extra={fallbackLead ? `未选时按县（市）区兜底：${fallbackLead}` : !leadUnitCode && !category?.defaultUnit ? '未选时按分类默认单位或县（市）区兜底' : undefined}
                  >
                    <Select showSearch allowClear placeholder="选择诉求分类后自动带出" options={leadOptions} filterOption={searchFilter} />
                  </Form.Item>
                </Col>
              </Row>

              <Row gutter={12} style={{ marginTop: 6 }}>
                <Col xs={24} md={12}>
                  <Form.Item name={['dispatch', 'coUnitCodes']} label="协办单位" style={{ marginBottom: 10 }}>
                    <Select mode="multiple" allowClear placeholder="可选" options={coOptions} filterOption={searchFilter} maxTagCount="responsive" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="address" label="涉事地址" style={{ marginBottom: 10 }}>
                    <Input maxLength={300} autoComplete="off" />
                  </Form.Item>
                </Col>
              </Row>

              <Row gutter={12}>
                <Col xs={12} md={12}>
                  <Form.Item name="districtCode" label="所属县（市）区" style={{ marginBottom: 10 }}>
                    <Select showSearch allowClear options={districtOptions} filterOption={searchFilter} placeholder="事发地" />
                  </Form.Item>
                </Col>
                <Col xs={12} md={12}>
                  <Form.Item name="special" label="特殊事项等级" style={{ marginBottom: 10 }}>
                    <Select options={Object.entries(SPECIAL_LABELS).map(([value, label]) => ({ value, label }))} />
                  </Form.Item>
                </Col>
              </Row>

              {pop.callId && (pop.otherTab || pop.registeredNo) && (
                <Checkbox checked={secondMatter} onChange={(e) => setSecondMatter(e.target.checked)} style={{ marginBottom: 8 }} data-testid="intake-second-matter">
                  同一来电的另一诉求（另行登记一张工单）
                </Checkbox>
              )}
              {formError && <Alert type="error" showIcon style={{ marginBottom: 8 }} message={formError} data-testid="intake-form-error" />}

              <div
                style={{
                  position: wide ? 'sticky' : 'static',
                  bottom: 0,
                  zIndex: 3,
                  background: '#fff',
                  margin: '0 -12px -12px',
                  padding: '8px 12px',
                  borderTop: '1px solid #f0f0f0',
                  borderRadius: '0 0 8px 8px',
                }}
              >
                {pendingDuplicates.length > 0 && (
                  <Typography.Text type="warning" style={{ display: 'block', marginBottom: 6 }}>
                    ⚠ 发现 {pendingDuplicates.length} 条疑似重复诉求：请在「疑似重复诉求」中并单，或确认不是同一诉求后再派单
                  </Typography.Text>
                )}
                <Space wrap size={[8, 8]}>
                  <Button type="primary" loading={busy === 'dispatch'} onClick={() => void submit('dispatch')} aria-keyshortcuts="Control+Enter">
                    派单 <Typography.Text keyboard style={{ color: 'inherit', fontSize: 12 }}>Ctrl+Enter</Typography.Text>
                  </Button>
                  <Button loading={busy === 'pending'} onClick={() => void submit('pending')}>
                    暂存待派
                  </Button>
                  {type === 'consultation' && (
                    <Button
                      onClick={() => {
                        setKbChoice(null);
                        setModal('answer');
                      }}
                      loading={busy === 'direct_answer'}
                    >
                      直接解答
                    </Button>
                  )}
                  <Button onClick={() => setModal('reject')} loading={busy === 'reject'}>
                    不予受理
                  </Button>
                  <Button danger onClick={() => setModal('emergency')} loading={busy === 'emergency_transfer'}>
                    紧急转接
                  </Button>
                  <Button type="text" onClick={resetForNextCall}>
                    清空
                  </Button>
                </Space>
              </div>
            </Form>
          </Card>
        </Col>

        <Col xs={24} lg={9} xxl={8}>
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            <IntakeDuplicates
              candidates={candidates}
              distinct={distinct}
              busy={busy === 'merge'}
              onMerge={(no) => void submit('merge', { mergeInto: no })}
              onDistinct={(no) => setDistinct((d) => (d.includes(no) ? d : [...d, no]))}
              onUndoDistinct={(no) => setDistinct((d) => d.filter((x) => x !== no))}
            />
            <IntakeOtherCallers items={otherCallers} busy={busy === 'merge'} onMerge={(no) => void submit('merge', { mergeInto: no })} />
            <IntakeHistory items={history} loading={historyLoading} phoneReady={phoneReady} />
            <IntakeKnowledgeBase facts={facts} onUse={answerFromKnowledge} />
          </Space>
        </Col>
      </Row>

      <IntakeAnswerModal
        open={modal === 'answer'}
        form={answerForm}
        article={kbChoice}
        onDropArticle={() => setKbChoice(null)}
        onCancel={() => setModal(null)}
        onSubmit={(v) => submit('direct_answer', { answer: { content: v.content.trim(), ...(kbChoice ? { articleId: String(kbChoice.articleId) } : {}) } })}
      />
      <IntakeRejectModal
        open={modal === 'reject'}
        form={rejectForm}
        onCancel={() => setModal(null)}
        onSubmit={(v) => submit('reject', { reject: clean({ reasonCode: v.reasonCode, basis: v.basis, referral: v.referral }) })}
      />
      <IntakeEmergencyModal
        open={modal === 'emergency'}
        form={emergencyForm}
        onCancel={() => setModal(null)}
        onSubmit={(v) => submit('emergency_transfer', { emergency: clean({ line: v.line, note: v.note }) })}
      />
    </ConfigProvider>
  );
}
