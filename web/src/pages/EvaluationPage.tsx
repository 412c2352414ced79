// 月度考核 (第二十九条): the ranking of the 承办单位 for a month with every indicator, and the 通报
// triggers (第三十一条(二)) the authority confirms or dismisses. The authority and the centre see the
// month as it stands; the authority publishes a finished month; every unit then sees the ranking.
// Units are ranked tier by tier (分档分类评价, the city config's tiers and minimum 派单); a click on a
// figure opens the records that make it (drill-down), where the authority may leave a rating out of
// 满意率 with a reason, or put it back.
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { Alert, App, Button, Collapse, DatePicker, Drawer, Empty, Form, Input, Modal, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { PageTitle, showFieldErrors, useApiData } from '../components/AdminCommon';
import { pct, RankingTable, type Indicator, type RankedRow, type Trigger } from './evaluation/RankingTable';
import { fmtTime } from '../components/TicketRefData';
import { LiteTag } from '../components/ListColumns';
import { EvaluationExports } from './evaluation/EvaluationExports';
import type { Drilldown, DrillItem, MonthlyEvaluation } from '../../../src/evaluation/contract.ts';

// The shapes GET /evaluation/months/:month and its drill-down answer with: the server's own (src/evaluation/contract.ts).
type Evaluation = MonthlyEvaluation;

const STEERING = ['authority', 'centre', 'admin'];
const NO_INDICATORS: Indicator[] = [];
const lastMonth = () => dayjs().subtract(1, 'month').format('YYYY-MM');

export default function EvaluationPage() {
  const { user } = useAuth();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const month = params.get('month') ?? lastMonth();
  const steering = STEERING.includes(user!.role);
  const canDecide = user!.role === 'authority' || user!.role === 'admin';
  const { data, loading, error, reload } = useApiData<Evaluation>(`/evaluation/months/${month}`);
  const published = useApiData<{ items: Array<{ month: string; publishedAt: string }> }>('/evaluation/published');
  const [deciding, setDeciding] = useState<{ row: RankedRow; trigger: Trigger; decision: 'confirmed' | 'dismissed' } | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ note?: string }>();
  const [drillOf, setDrillOf] = useState<{ code: string; indicator: string } | null>(null);
  const drilled = useApiData<Drilldown>(drillOf ? `/evaluation/months/${month}/units/${drillOf.code}/indicators/${drillOf.indicator}` : null);
  const [excluding, setExcluding] = useState<{ item: DrillItem; exclude: boolean } | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const canExclude = user!.role === 'authority';
  const mayOpen = useCallback((r: RankedRow) => steering || user?.unit?.code === r.unit.code, [steering, user]);
  const onDecide = useCallback(
    (row: RankedRow, trigger: Trigger, decision: 'confirmed' | 'dismissed') => {
      form.resetFields();
      setDeciding({ row, trigger, decision });
    },
    [form],
  );

  const decideExclusion = async () => {
    if (!excluding) return;
    const values = await reasonForm.validateFields();
    setBusy(true);
    try {
      await api(`/evaluation/months/${month}/exclusions`, { body: { callbackId: excluding.item.callbackId, exclude: excluding.exclude, reason: values.reason.trim() } });
      message.success(excluding.exclude ? '已决定该评价不计入满意率' : '已恢复计入满意率');
      setExcluding(null);
      await Promise.all([reload(), drilled.reload()]);
    } catch (err) {
      message.error(showFieldErrors(reasonForm, err));
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    setBusy(true);
    try {
      await api(`/evaluation/months/${month}/publish`, { body: {} });
      message.success(`${month} 考核结果已发布，各承办单位可查看`);
      await Promise.all([reload(), published.reload()]);
    } catch (err) {
      message.error(err instanceof Error ? err.message : '发布失败');
    } finally {
      setBusy(false);
    }
  };

  const decide = async () => {
    if (!deciding) return;
    const values = await form.validateFields();
    setBusy(true);
    try {
      await api(`/evaluation/months/${month}/findings`, {
        body: { unitCode: deciding.row.unit.code, trigger: deciding.trigger.key, decision: deciding.decision, ...(values.note?.trim() ? { note: values.note.trim() } : {}) },
      });
      message.success(deciding.decision === 'confirmed' ? '已确认通报' : '已决定不予通报');
      setDeciding(null);
      await reload();
    } catch (err) {
      message.error(showFieldErrors(form, err));
    } finally {
      setBusy(false);
    }
  };

  const tiers = useMemo(() => {
    const out: Array<{ key: string; label: string; rows: RankedRow[] }> = [];
    for (const r of data?.rows ?? []) {
      const key = r.tier?.key ?? '';
      let group = out.find((g) => g.key === key);
      if (!group) out.push((group = { key, label: r.tier?.label ?? '其他（不参加分档排名）', rows: [] }));
      group.rows.push(r);
    }
    return out;
  }, [data]);

  const notPublished = !steering && error && /尚未发布/.test(error);

  return (
    <>
      <PageTitle
        title="月度考核"
        extra={
          <Space wrap>
            <DatePicker
              picker="month"
              allowClear={false}
              aria-label="考核月份"
              value={dayjs(`${month}-01`)}
              disabledDate={(d) => d.isAfter(dayjs(), 'month')}
              onChange={(d) => d && setParams({ month: d.format('YYYY-MM') })}
            />
            {data && <EvaluationExports month={month} />}
            {/* Drawn before the data arrives, so the ranking is the only thing left to draw then. */}
            {canDecide && (
              <Popconfirm title={data?.published ? '重新发布将以当前数据覆盖已发布结果，确定？' : '发布后各承办单位可查看本月排名，确定发布？'} onConfirm={() => void publish()} disabled={!data?.complete}>
                <Tooltip title={!data || data.complete ? undefined : '当月尚未结束，不能发布'}>
                  <Button type="primary" loading={busy} disabled={!data?.complete}>
                    {data?.published ? '重新发布' : '发布考核结果'}
                  </Button>
                </Tooltip>
              </Popconfirm>
            )}
          </Space>
        }
      >
        第二十九条：每月对各承办单位的签收、办结、满意率等指标统计分析并全市通报；第三十一条（二）的通报情形自动列出，由热线主管部门确认。
      </PageTitle>

      {data && (
        <Space wrap style={{ marginBottom: 8 }}>
          {data.published ? (
            <span data-testid="evaluation-published">
              <LiteTag color="green">已发布 {fmtTime(data.published.at)}{data.published.by ? ` · ${data.published.by}` : ''}</LiteTag>
            </span>
          ) : (
            <LiteTag>未发布</LiteTag>
          )}
          {!data.complete && <LiteTag color="gold">当月未结束，数据仍在变化</LiteTag>}
          <Typography.Text type="secondary">统计时间 {fmtTime(data.generatedAt)}</Typography.Text>
        </Space>
      )}
      {error && !notPublished && <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} />}
      {notPublished ? (
        <Empty description={`${month} 的考核结果尚未发布`}>
          {published.data?.items.length ? (
            <Space wrap>
              已发布：
              {published.data.items.map((i) => (
                <Button key={i.month} size="small" onClick={() => setParams({ month: i.month })}>
                  {i.month}
                </Button>
              ))}
            </Space>
          ) : null}
        </Empty>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size={12}>
          {(tiers.length ? tiers : [{ key: '', label: '', rows: [] as RankedRow[] }]).map((g) => (
            <div key={g.key} data-tier={g.key}>
              {g.label && (
                <Typography.Title level={5} style={{ margin: '4px 0' }}>
                  {g.label}
                  <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal', marginLeft: 8 }}>
                    本档单独排名；当月派单不少于 {data?.ranking?.minTickets} 件的单位参加排名；得分相同依次比较按时签收率、派单数，仍相同则并列
                  </Typography.Text>
                </Typography.Title>
              )}
              <RankingTable
                rows={g.rows}
                indicators={data?.indicators ?? NO_INDICATORS}
                loading={loading}
                ownCode={user?.unit?.code ?? null}
                mayOpen={mayOpen}
                onDrill={setDrillOf}
                onDecide={canDecide && !data?.published ? onDecide : undefined}
              />
            </div>
          ))}
        </Space>
      )}

      {!notPublished && (
        <Collapse
          size="small"
          style={{ marginTop: 12 }}
          items={[
            {
              key: 'formulas',
              label: '指标口径与权重',
              children: (
                <Table
                  size="small"
                  rowKey="key"
                  pagination={false}
                  dataSource={data?.indicators ?? NO_INDICATORS}
                  columns={[
                    { title: '指标', dataIndex: 'label', width: 140 },
                    { title: '计算方法', dataIndex: 'formula' },
                    { title: '权重', dataIndex: 'weight', width: 80, render: (w: number, i) => (w ? `${w}${i.lowerIsBetter ? '（越低越好）' : ''}` : '不计分') },
                  ]}
                />
              ),
            },
          ]}
        />
      )}

      <Modal
        title={deciding ? `${deciding.decision === 'confirmed' ? '确认通报' : '不予通报'}：${deciding.row.unit.name}` : ''}
        open={!!deciding}
        onCancel={() => setDeciding(null)}
        onOk={() => void decide()}
        confirmLoading={busy}
        okText="确定"
        cancelText="取消"
        destroyOnHidden
      >
        {deciding && (
          <Typography.Paragraph>
            {deciding.trigger.label}
            <br />
            <Typography.Text type="secondary">{deciding.trigger.detail}</Typography.Text>
          </Typography.Paragraph>
        )}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="note" label="说明" rules={deciding?.decision === 'dismissed' ? [{ required: true, whitespace: true, message: '不予通报须说明理由' }] : []}>
            <Input.TextArea rows={3} maxLength={1000} showCount />
          </Form.Item>
        </Form>
      </Modal>
      <Drawer
        title={drilled.data ? `${drilled.data.unit.name} · ${drilled.data.label}` : '指标明细'}
        open={!!drillOf}
        onClose={() => setDrillOf(null)}
        width={980}
        destroyOnHidden
      >
        {drilled.error && <Alert type="error" showIcon message={drilled.error} />}
        {drilled.data && drillOf && (
          <div data-testid="drilldown" data-indicator={drilled.data.indicator}>
            <Typography.Paragraph>
              <Typography.Text type="secondary">{drilled.data.formula}</Typography.Text>
              <br />
              <b data-testid="drilldown-figure">
                {drilled.data.denominator === null ? `${drilled.data.numerator} 件` : `${drilled.data.numerator} / ${drilled.data.denominator}${drilled.data.value === null ? '' : ` = ${pct(drilled.data.value)}`}`}
              </b>
              {drilled.data.indicator === 'satisfactionRate' && (
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  仅第二十五条规定的行政调解类、执法办案类投诉举报自动不计入；其他评价只能由热线主管部门逐条决定不计入，并说明理由。
                </Typography.Text>
              )}
            </Typography.Paragraph>
            <DrillTable items={drilled.data.items} testId="drilldown-items" action={canExclude && drilled.data.indicator === 'satisfactionRate' ? (i) => (
              <Button size="small" type="link" onClick={() => (reasonForm.resetFields(), setExcluding({ item: i, exclude: true }))}>不计入满意率</Button>
            ) : undefined} />
            {drilled.data.leftOut.length > 0 && (
              <>
                <Typography.Title level={5} style={{ marginTop: 16 }}>不计入的记录</Typography.Title>
                <DrillTable items={drilled.data.leftOut} testId="drilldown-left-out" action={canExclude && drilled.data.indicator === 'satisfactionRate' ? (i) => (i.outcome === 'excluded' ? (
                  <Button size="small" type="link" onClick={() => (reasonForm.resetFields(), setExcluding({ item: i, exclude: false }))}>恢复计入</Button>
                ) : null) : undefined} />
              </>
            )}
          </div>
        )}
      </Drawer>

      <Modal
        title={excluding ? `${excluding.exclude ? '不计入满意率' : '恢复计入满意率'}：工单 ${excluding.item.ticketNo}` : ''}
        open={!!excluding}
        onCancel={() => setExcluding(null)}
        onOk={() => void decideExclusion()}
        confirmLoading={busy}
        okText="确定"
        cancelText="取消"
        destroyOnHidden
      >
        {excluding && <Typography.Paragraph type="secondary">{excluding.item.why}</Typography.Paragraph>}
        <Form form={reasonForm} layout="vertical" preserve={false}>
          <Form.Item name="reason" label="理由" rules={[{ required: true, whitespace: true, message: '须说明理由' }]}>
            <Input.TextArea rows={3} maxLength={1000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function DrillTable({ items, testId, action }: { items: DrillItem[]; testId: string; action?: (i: DrillItem) => React.ReactNode }) {
  return (
    <Table<DrillItem>
      size="small"
      data-testid={testId}
      rowKey={(i) => `${i.ticketNo}-${i.dutyId ?? ''}-${i.callbackId ?? ''}-${i.kind}`}
      dataSource={items}
      pagination={items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      columns={[
        { title: '工单编号', dataIndex: 'ticketNo', width: 180, render: (no: string) => <Link to={`/tickets/${no}`}>{no}</Link> },
        { title: '事项', key: 'kind', width: 110, render: (_, i) => `${i.party ? `${i.party}·` : ''}${i.kind}` },
        { title: '时限', dataIndex: 'dueAt', width: 170, render: (v: string | null) => fmtTime(v) },
        { title: '完成/撤销/评价时间', dataIndex: 'endedAt', width: 170, render: (v: string | null) => fmtTime(v) },
        { title: '计入分子', dataIndex: 'inNumerator', width: 80, render: (v: boolean) => (v ? <Tag color="green">是</Tag> : <Tag>否</Tag>) },
        { title: '说明', dataIndex: 'why' },
        ...(action ? [{ title: '', key: 'action', width: 110, render: (_: unknown, i: DrillItem) => action(i) }] : []),
      ]}
    />
  );
}
