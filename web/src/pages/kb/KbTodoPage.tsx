// 知识库待办: what waits for the user in the knowledge base — policies to enter within 5 working days
// (red/yellow lights), articles awaiting the head's approval or the centre's review, drafts sent back,
// open 纠错 reports to accept or reject, and published articles that are expired or long untouched.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App as AntApp, Badge, Button, Card, Empty, Flex, Form, Input, Modal, Radio, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { ApiError, api } from '../../api';
import { useAuth } from '../../auth';
import { PageTitle, errorText } from '../../components/AdminCommon';
import { fieldErrorsToForm, fmtTime } from '../../components/TicketRefData';
import { KbEntryLight, KbStatusTag, scrollWidth } from '../../components/KbTags';
import type { KbArticleSummary, KbFlag, KbReport, KbTodo } from '../../components/KbTypes';

const titleLink = (t: string, a: { id: number }) => <Link to={`/kb/articles/${a.id}`}>{t}</Link>;
const unitName = (u: KbArticleSummary['unit']) => u?.name ?? '—';

function Section({ title, count, testId, children }: { title: string; count: number; testId: string; children: ReactNode }) {
  return (
    <Card
      size="small"
      role="region"
      aria-label={title}
      data-testid={testId}
      title={
        <Space>
          {title}
          <Badge count={count} showZero color={count ? '#1f5fbf' : '#d9d9d9'} />
        </Space>
      }
    >
      {children}
    </Card>
  );
}

function ArticleTable({ items, extra, empty }: { items: KbArticleSummary[]; extra?: ColumnsType<KbArticleSummary>; empty: string }) {
  const columns: ColumnsType<KbArticleSummary> = [
    { title: '标题', dataIndex: 'title', ellipsis: true, render: titleLink },
    // What the section is about (the light, the note) comes first, in view on a phone.
    ...(extra ?? []),
    { title: '类别', dataIndex: 'kindLabel', width: 90 },
    { title: '所属单位', dataIndex: 'unit', width: 160, ellipsis: true, render: unitName },
    { title: '状态', dataIndex: 'status', width: 150, render: (_: string, a) => <KbStatusTag article={a} /> },
  ];
  return <Table<KbArticleSummary> rowKey="id" size="small" tableLayout="fixed" scroll={{ x: scrollWidth(columns) }} pagination={false} columns={columns} dataSource={items} locale={{ emptyText: empty }} />;
}

function ResolveModal({ report, onClose, onDone }: { report: KbReport | null; onClose(): void; onDone(): void }) {
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ accept: boolean; note: string }>();
  const [busy, setBusy] = useState(false);
  const accept = Form.useWatch('accept', form);
  const submit = async () => {
    if (!report) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      await api(`/kb/reports/${report.id}/resolve`, { body: { accept: v.accept, note: v.note.trim() } });
      message.success(v.accept ? '已采纳，请及时修订该条目' : '已处理：不予采纳');
      onDone();
    } catch (e) {
      if (e instanceof ApiError) {
        const rest = fieldErrorsToForm(form, e.problem.errors, ['accept', 'note']);
        message.error(rest.length ? rest.join('；') : e.problem.title);
      } else message.error('网络异常，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="处理纠错反馈" open={!!report} onCancel={onClose} onOk={submit} okText="确定" cancelText="取消" confirmLoading={busy} destroyOnHidden maskClosable={false}>
      {report && (
        <Form form={form} layout="vertical" preserve={false} initialValues={{ accept: true }}>
          <div style={{ background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, padding: '8px 12px', marginBottom: 12 }}>
            <div>
              条目：<Link to={`/kb/articles/${report.article.id}`}>{report.article.title}</Link>
              {report.passageSeq !== null && `（第 ${report.passageSeq + 1} 段）`}
            </div>
            <div style={{ whiteSpace: 'pre-wrap' }}>反馈：{report.content}</div>
          </div>
          <Form.Item name="accept" label="处理结果">
            <Radio.Group options={[{ value: true, label: '采纳（将修订条目）' }, { value: false, label: '不予采纳' }]} />
          </Form.Item>
          <Form.Item name="note" label="处理说明" rules={[{ required: true, whitespace: true, message: '请填写处理说明' }]}>
            <Input.TextArea rows={3} maxLength={1000} showCount placeholder={accept === false ? '说明不予采纳的理由' : '说明将如何修订'} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

const FLAG_LABELS: Record<string, string> = { expired: '已过失效日期', stale: '长期未更新', entry_overdue: '录入超期（第十九条）' };

export default function KbTodoPage() {
  const { user } = useAuth();
  const [todo, setTodo] = useState<KbTodo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [resolving, setResolving] = useState<KbReport | null>(null);
  const load = useCallback(async () => {
    setLoading(true);
    try {
      setTodo(await api<KbTodo>('/kb/todo'));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (!todo) return error ? <Alert type="error" showIcon message={error} /> : <Spin style={{ display: 'block', margin: '80px auto' }} />;
  const role = user?.role;
  const head = role === 'unit_head' || role === 'admin';
  const centre = role === 'centre' || role === 'admin';
  const c = todo.counts;

  const reportColumns: ColumnsType<KbReport> = [
    { title: '条目', dataIndex: 'article', width: 220, ellipsis: true, render: (a: KbReport['article']) => titleLink(a.title, a) },
    { title: '反馈内容', dataIndex: 'content', render: (t: string, r) => <span style={{ whiteSpace: 'pre-wrap' }}>{r.passageSeq !== null ? `【第 ${r.passageSeq + 1} 段】` : ''}{t}</span> },
    { title: '反馈人', dataIndex: 'reportedBy', width: 90, render: (n: string | null) => n ?? '—' },
    { title: '反馈时间', dataIndex: 'reportedAt', width: 140, render: fmtTime },
    ...(centre ? [{ title: '所属单位', dataIndex: 'unit', width: 150, ellipsis: true, render: unitName }] : []),
    {
      title: '操作',
      key: 'op',
      width: 80,
      render: (_: unknown, r) => (
        <Button size="small" type="primary" autoInsertSpace={false} onClick={() => setResolving(r)} data-report-id={r.id}>
          处理
        </Button>
      ),
    },
  ];
  const flagColumns: ColumnsType<KbFlag> = [
    { title: '标题', dataIndex: 'title', ellipsis: true, render: titleLink },
    { title: '所属单位', dataIndex: 'unit', width: 160, ellipsis: true, render: unitName },
    {
      title: '提醒',
      dataIndex: 'reasons',
      width: 220,
      render: (reasons: string[], f) =>
        reasons.map((r) => (
          <Tag key={r} color={r === 'stale' ? 'gold' : 'red'}>
            {r === 'entry_overdue'
              ? `${FLAG_LABELS.entry_overdue}：${f.statusLabel}，时限 ${f.entry?.dueAt.slice(0, 10) ?? ''}`
              : r === 'expired'
                ? `${FLAG_LABELS.expired}（${f.expiresOn}）`
                : `${FLAG_LABELS.stale}（${f.daysSinceUpdate} 天）`}
          </Tag>
        )),
    },
    { title: '最后更新', dataIndex: 'updatedAt', width: 140, render: fmtTime },
  ];

  return (
    <div>
      <PageTitle
        title="知识库待办"
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading}>
            刷新
          </Button>
        }
      >
        新出台政策自生效之日起 5 个工作日内录入；纠错反馈请及时核实处理
      </PageTitle>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Flex wrap gap={8} style={{ marginBottom: 12 }} data-testid="kb-todo-counts">
        <Tag color={c.entriesRed ? 'red' : 'default'}>限时录入 {c.entries}（红灯 {c.entriesRed}，黄灯 {c.entriesYellow}）</Tag>
        {head && <Tag>待审核 {c.approvals}</Tag>}
        {centre && <Tag>待审校 {c.reviews}</Tag>}
        <Tag>被退回 {c.returned}</Tag>
        <Tag color={c.reports ? 'volcano' : 'default'}>纠错反馈 {c.reports}</Tag>
        <Tag>维护提醒 {c.flags}</Tag>
      </Flex>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Section title="限时录入" count={c.entries} testId="kb-todo-entries">
          <ArticleTable
            items={todo.entries}
            empty="没有待录入的政策"
            extra={[
              { title: '生效日期', dataIndex: 'entry', key: 'start', width: 100, render: (_: unknown, a) => a.entry?.startDate ?? '—' },
              { title: '录入期限', dataIndex: 'entry', key: 'due', width: 230, render: (_: unknown, a) => <KbEntryLight entry={a.entry} /> },
            ]}
          />
        </Section>
        {head && (
          <Section title="待单位负责人审核" count={c.approvals} testId="kb-todo-approvals">
            <ArticleTable items={todo.approvals} empty="没有待审核的条目" />
          </Section>
        )}
        {centre && (
          <Section title="待热线管理机构审校" count={c.reviews} testId="kb-todo-reviews">
            <ArticleTable items={todo.reviews} empty="没有待审校的条目" />
          </Section>
        )}
        <Section title="被退回修改" count={c.returned} testId="kb-todo-returned">
          <ArticleTable
            items={todo.returned}
            empty="没有被退回的条目"
            extra={[{ title: '退回说明', dataIndex: 'reviewNote', width: 260, ellipsis: true, render: (n: string | null) => <Typography.Text type="danger">{n}</Typography.Text> }]}
          />
        </Section>
        <Section title="纠错反馈" count={c.reports} testId="kb-todo-reports">
          <Table<KbReport> rowKey="id" size="small" tableLayout="fixed" scroll={{ x: scrollWidth(reportColumns) }} pagination={false} columns={reportColumns} dataSource={todo.reports} locale={{ emptyText: '没有待处理的纠错反馈' }} />
        </Section>
        <Section title="维护提醒" count={c.flags} testId="kb-todo-flags">
          {todo.flags.length ? (
            <Table<KbFlag> rowKey="id" size="small" tableLayout="fixed" scroll={{ x: scrollWidth(flagColumns) }} pagination={false} columns={flagColumns} dataSource={todo.flags} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有已过期或长期未更新的条目" />
          )}
        </Section>
      </Space>
      <ResolveModal
        report={resolving}
        onClose={() => setResolving(null)}
        onDone={() => {
          setResolving(null);
          void load();
        }}
      />
    </div>
  );
}
