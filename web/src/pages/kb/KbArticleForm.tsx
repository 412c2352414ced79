// 录入/修改知识: the article's kind, title, owning unit, category, source document, dates, body and
// whether it falls under 限时录入. A unit writes for itself (and the units under it), as the server
// enforces; the server's field errors are put on the fields they name.
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert, App as AntApp, Button, Card, Checkbox, Col, DatePicker, Form, Input, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, api } from '../../api';
import { useAuth } from '../../auth';
import { PageTitle } from '../../components/AdminCommon';
import { fieldErrorsToForm, searchFilter, useCategories, useUnits } from '../../components/TicketRefData';
import { KB_WRITERS, useKbMeta } from '../../components/KbMeta';
import { kbUnitOptions } from '../../components/KbUnits';
import type { KbArticle } from '../../components/KbTypes';
import { isUnitRole } from '../../../../src/domain/roles.ts';

interface Values {
  kind?: string;
  title?: string;
  unitCode?: string;
  categoryCode?: string;
  source?: { title?: string; docNo?: string; issuer?: string; date?: Dayjs | null };
  effectiveFrom?: Dayjs | null;
  expiresOn?: Dayjs | null;
  body?: string;
  entryRequired?: boolean;
}

/** Every field the API may name in an error, as form paths. */
const FIELDS = ['kind', 'title', 'unitCode', 'categoryCode', 'source.title', 'source.docNo', 'source.issuer', 'source.date', 'effectiveFrom', 'expiresOn', 'body', 'entryRequired'];

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);
const text = (s: string | undefined) => s?.trim() || null;
const parse = (s: string | null | undefined) => (s ? dayjs(s) : null);

function initialOf(a: KbArticle | undefined, ownUnit: string | undefined): Values {
  if (!a) return { unitCode: ownUnit, entryRequired: false, source: {} };
  return {
    kind: a.kind,
    title: a.title,
    unitCode: a.unit?.code,
    categoryCode: a.category?.code,
    source: { title: a.source.title ?? undefined, docNo: a.source.docNo ?? undefined, issuer: a.source.issuer ?? undefined, date: parse(a.source.date) },
    effectiveFrom: parse(a.effectiveFrom),
    expiresOn: parse(a.expiresOn),
    body: a.body,
    entryRequired: !!a.entry,
  };
}

export function KbArticleForm({ article, onSaved, onCancel }: { article?: KbArticle; onSaved(a: KbArticle): void; onCancel(): void }) {
  const { message } = AntApp.useApp();
  const { user } = useAuth();
  const meta = useKbMeta();
  const units = useUnits();
  const categories = useCategories();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unitUser = !!user && isUnitRole(user.role);
  const unitOptions = useMemo(() => kbUnitOptions(units, user), [units, user]);
  // Leaf categories of the dispatch catalogue, named with their parent.
  const categoryOptions = useMemo(() => {
    const parents = new Set(categories.map((c) => c.parent).filter(Boolean));
    const name = new Map(categories.map((c) => [c.code, c.name]));
    return categories
      .filter((c) => !parents.has(c.code))
      .map((c) => {
        const label = c.parent ? `${name.get(c.parent) ?? c.parent} / ${c.name}` : c.name;
        return { value: c.code, label, search: `${label} ${c.code}`.toLowerCase() };
      });
  }, [categories]);

  // A new policy with a date is 限时录入 unless the writer says otherwise (the server's default too).
  const kind = Form.useWatch('kind', form);
  const effectiveFrom = Form.useWatch('effectiveFrom', form);
  const sourceDate = Form.useWatch(['source', 'date'], form);
  useEffect(() => {
    if (article || form.isFieldTouched('entryRequired')) return;
    form.setFieldValue('entryRequired', kind === 'policy' && !!(effectiveFrom || sourceDate));
  }, [article, form, kind, effectiveFrom, sourceDate]);

  const save = async (v: Values) => {
    setSaving(true);
    setError(null);
    const body = {
      kind: v.kind,
      title: v.title?.trim(),
      unitCode: v.unitCode,
      categoryCode: v.categoryCode ?? null,
      source: { title: text(v.source?.title), docNo: text(v.source?.docNo), issuer: text(v.source?.issuer), date: day(v.source?.date) },
      effectiveFrom: day(v.effectiveFrom),
      expiresOn: day(v.expiresOn),
      body: v.body,
      // On an edit the API does not say whether the article is 限时录入 without a date: leave it unless changed.
      entryRequired: article && !form.isFieldTouched('entryRequired') ? undefined : !!v.entryRequired,
    };
    try {
      const saved = article ? await api<KbArticle>(`/kb/articles/${article.id}`, { method: 'PUT', body }) : await api<KbArticle>('/kb/articles', { body });
      message.success(article ? '已保存修改' : '已保存为草稿，核对无误后请「提交审核」');
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError) {
        const rest = fieldErrorsToForm(form, e.problem.errors, FIELDS);
        setError(e.problem.errors?.length ? (rest.length ? rest.join('；') : null) : e.problem.title);
        if (e.problem.errors?.length) message.error(e.problem.title);
      } else {
        setError('网络异常，请重试');
      }
    } finally {
      setSaving(false);
    }
  };

  const dateField = (name: string | string[], label: string, extra?: string) => (
    <Form.Item name={name} label={label} extra={extra}>
      <DatePicker style={{ width: '100%' }} placeholder="YYYY-MM-DD" format="YYYY-MM-DD" />
    </Form.Item>
  );

  return (
    <Form<Values> form={form} layout="vertical" initialValues={initialOf(article, user?.unit?.code)} onFinish={save} data-testid="kb-article-form" scrollToFirstError>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Card size="small" title="基本信息" style={{ marginBottom: 12 }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="kind" label="知识类别" rules={[{ required: true, message: '请选择知识类别' }]}>
              <Select options={meta.kinds.map((k) => ({ value: k.code, label: k.label }))} placeholder="请选择" />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }]}>
              <Input maxLength={200} placeholder="群众常用的说法，如：既有住宅加装电梯有哪些补助？" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="unitCode"
              label="所属单位"
              rules={[{ required: true, message: '请选择所属单位' }]}
              extra={unitUser ? '只能为本单位及下级单位录入' : '负责提供、更新并对内容负责的单位'}
            >
              {/* A unit cannot hand its article to another unit (the server refuses it). */}
              <Select showSearch options={unitOptions} filterOption={searchFilter} disabled={!!article && unitUser} placeholder="输入单位名称搜索" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="categoryCode" label="诉求分类" extra="可选，便于受理时按分类推荐">
              <Select showSearch allowClear options={categoryOptions} filterOption={searchFilter} placeholder="输入分类名称搜索" />
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Card size="small" title="依据文件与有效期" style={{ marginBottom: 12 }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name={['source', 'title']} label="文件名称">
              <Input maxLength={300} placeholder="如：牡丹江市住宅专项维修资金管理办法" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['source', 'docNo']} label="文号">
              <Input maxLength={60} placeholder="如：牡政办发〔2024〕5号" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['source', 'issuer']} label="发文机关">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            {dateField(['source', 'date'], '发文日期')}
          </Col>
          <Col xs={24} md={8}>
            {dateField('effectiveFrom', '生效日期')}
          </Col>
          <Col xs={24} md={8}>
            {dateField('expiresOn', '失效日期', '不填为长期有效')}
          </Col>
          <Col xs={24}>
            <Form.Item name="entryRequired" valuePropName="checked" extra="本单位执行的新出台政策，须自生效之日起5个工作日内录入并发布（红黄灯提醒）" style={{ marginBottom: 0 }}>
              <Checkbox>限时录入</Checkbox>
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Card size="small" title="正文" style={{ marginBottom: 12 }}>
        <Form.Item
          name="body"
          rules={[{ required: true, whitespace: true, message: '请填写正文' }]}
          extra="按段落书写，每段一个要点；检索和直接解答以段落为单位"
          style={{ marginBottom: 0 }}
        >
          <Input.TextArea rows={12} maxLength={200000} aria-label="正文" placeholder="办理条件、办理地点、所需材料、时限、收费标准、咨询电话等" />
        </Form.Item>
      </Card>
      <Space>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="kb-save">
          {article ? '保存修改' : '保存草稿'}
        </Button>
        <Button onClick={onCancel}>取消</Button>
      </Space>
    </Form>
  );
}

/** /kb/articles/new */
export default function KbArticleNewPage() {
  const navigate = useNavigate();
  const { user } = useAuth();
  if (user && !KB_WRITERS.includes(user.role)) return <Alert type="warning" showIcon message="当前角色不能录入知识" />;
  return (
    <div style={{ maxWidth: 960 }}>
      <PageTitle title="录入知识">保存后为草稿；提交后经单位负责人审核、热线管理机构审校后发布</PageTitle>
      <KbArticleForm onSaved={(a) => navigate(`/kb/articles/${a.id}`, { replace: true })} onCancel={() => navigate(-1)} />
    </div>
  );
}
