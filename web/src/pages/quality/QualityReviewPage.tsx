// 质效审核 (第二十六条): the centre draws a reproducible sample of a period's closed tickets and reviews
// each: pass, 敷衍答复 → 退回重办 (supervised), wrong unit → 改派. Also the returns judged improper.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Progress, Space, Table, Tabs, Tag } from 'antd';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { UnitPicker } from '../../components/UnitPicker';
import { fmtTime } from '../../components/TicketRefData';
import { PageTitle, errorText, showFieldErrors, useApiData } from '../../components/AdminCommon';

interface Review {
  id: number;
  ticket: { no: string; category: string | null; facts: string; closedAt: string | null; satisfaction: string | null; statusLabel: string; supervised: boolean };
  unit: { code: string; name: string } | null;
  outcome: string;
  outcomeLabel: string;
  note: string | null;
  targetUnit: { code: string; name: string } | null;
}
interface Sample {
  id: number;
  from: string;
  to: string;
  unit: { name: string } | null;
  seed: string;
  population: number;
  size: number;
  createdAt: string;
  progress: { pending: number; reviewed: number; pass: number; perfunctory: number; wrong_unit: number };
  reviews?: Review[];
}

const OUTCOME_COLORS: Record<string, string> = { pending: 'default', pass: 'green', perfunctory: 'red', wrong_unit: 'orange' };

export default function QualityReviewPage() {
  const { message } = App.useApp();
  const { can } = useAuth();
  const samples = useApiData<{ items: Sample[] }>('/quality/samples');
  const [selected, setSelected] = useState<number | null>(null);
  const detail = useApiData<Sample>(selected ? `/quality/samples/${selected}` : null);
  const [form] = Form.useForm();
  const [reviewing, setReviewing] = useState<{ review: Review; outcome: string } | null>(null);
  const [reviewForm] = Form.useForm();
  const [range, setRange] = useState<[string, string]>([dayjs().startOf('month').format('YYYY-MM-DD'), dayjs().format('YYYY-MM-DD')]);
  const improper = useApiData<{ items: Array<{ id: number; ticketNo: string; unit: { name: string } | null; reason: string; decisionNote: string | null; decidedAt: string | null }> }>(`/quality/improper-returns${qs({ from: range[0], to: range[1] })}`);

  const draw = async (values: { period: [dayjs.Dayjs, dayjs.Dayjs]; size?: number; unitCode?: string; seed?: string }) => {
    try {
      const s = await api<Sample>('/quality/samples', {
        body: { from: values.period?.[0]?.format('YYYY-MM-DD'), to: values.period?.[1]?.format('YYYY-MM-DD'), ...(values.size ? { size: values.size } : {}), ...(values.unitCode ? { unitCode: values.unitCode } : {}), ...(values.seed ? { seed: values.seed } : {}) },
      });
      message.success(`已抽取 ${s.size} 件（共 ${s.population} 件已办结工单）`);
      await samples.reload();
      setSelected(s.id);
    } catch (err) {
      message.error(showFieldErrors(form, err, { from: 'period', to: 'period' }));
    }
  };

  const submitReview = async () => {
    if (!reviewing) return;
    const values = await reviewForm.validateFields();
    try {
      await api(`/quality/reviews/${reviewing.review.id}`, { body: { outcome: reviewing.outcome, ...(values.note ? { note: values.note } : {}), ...(values.leadUnitCode ? { leadUnitCode: values.leadUnitCode } : {}) } });
      message.success('审核已记录');
      setReviewing(null);
      reviewForm.resetFields();
      await Promise.all([detail.reload(), samples.reload()]);
    } catch (err) {
      message.error(showFieldErrors(reviewForm, err));
    }
  };

  return (
    <div>
      <PageTitle title="质效审核">第二十六条：对办结工单抽样审核；敷衍答复退回原单位重办并列入督办，承办单位错误的改派。</PageTitle>
      <Tabs
        items={[
          {
            key: 'samples',
            label: '抽样审核',
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                {can('POST /api/v1/quality/samples') && (
                <Card size="small" title="抽取样本" data-testid="draw-sample">
                  <Form form={form} layout="inline" onFinish={draw} initialValues={{ period: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')], size: 10 }}>
                    <Form.Item name="period" label="办结期间" rules={[{ required: true, message: '请选择办结期间' }]}>
                      <DatePicker.RangePicker />
                    </Form.Item>
                    <Form.Item name="size" label="抽样数量">
                      <InputNumber min={1} max={1000} />
                    </Form.Item>
                    <Form.Item name="unitCode" label="承办单位">
                      <UnitPicker placeholder="全部单位" data-testid="sample-unit" />
                    </Form.Item>
                    <Form.Item name="seed" label="随机种子">
                      <Input placeholder="留空自动生成" style={{ width: 140 }} />
                    </Form.Item>
                    <Button type="primary" htmlType="submit">抽取样本</Button>
                  </Form>
                </Card>
                )}
                <Table<Sample>
                  size="small"
                  rowKey="id"
                  loading={samples.loading}
                  dataSource={samples.data?.items ?? []}
                  pagination={false}
                  onRow={(s) => ({ onClick: () => setSelected(s.id), style: { cursor: 'pointer' } })}
                  rowClassName={(s) => (s.id === selected ? 'ant-table-row-selected' : '')}
                  columns={[
                    { title: '批次', dataIndex: 'id' },
                    { title: '办结期间', render: (_, s) => `${s.from} 至 ${s.to}` },
                    { title: '单位', render: (_, s) => s.unit?.name ?? '全部' },
                    { title: '样本/总数', render: (_, s) => `${s.size} / ${s.population}` },
                    { title: '种子', dataIndex: 'seed' },
                    { title: '进度', render: (_, s) => <Progress size="small" style={{ width: 140 }} percent={Math.round((s.progress.reviewed / Math.max(1, s.size)) * 100)} format={() => `${s.progress.reviewed}/${s.size}`} /> },
                    { title: '不合格', render: (_, s) => s.progress.perfunctory + s.progress.wrong_unit },
                    { title: '抽取时间', render: (_, s) => fmtTime(s.createdAt) },
                  ]}
                />
                {detail.data && (
                  <Card size="small" title={`批次 ${detail.data.id} 的工单`} data-testid="sample-reviews">
                    <Table<Review>
                      size="small"
                      rowKey={(r) => r.ticket.no}
                      dataSource={detail.data.reviews ?? []}
                      pagination={{ pageSize: 20 }}
                      columns={[
                        { title: '工单编号', render: (_, r) => <Link to={`/tickets/${r.ticket.no}`}>{r.ticket.no}</Link> },
                        { title: '办结单位', render: (_, r) => r.unit?.name },
                        { title: '分类', render: (_, r) => r.ticket.category },
                        { title: '诉求', render: (_, r) => r.ticket.facts, ellipsis: true },
                        { title: '办结时间', render: (_, r) => fmtTime(r.ticket.closedAt) },
                        { title: '当前状态', render: (_, r) => <Space size={4}>{r.ticket.statusLabel}{r.ticket.supervised && <Tag color="red">督办</Tag>}</Space> },
                        { title: '审核结论', render: (_, r) => <span data-testid={`outcome-${r.ticket.no}`}><Tag color={OUTCOME_COLORS[r.outcome]}>{r.outcomeLabel}</Tag>{r.targetUnit ? `→ ${r.targetUnit.name}` : ''}{r.note ? `：${r.note}` : ''}</span> },
                        {
                          title: '操作',
                          render: (_, r) =>
                            r.outcome === 'pending' ? (
                              <Space size={4}>
                                <Button size="small" onClick={() => setReviewing({ review: r, outcome: 'pass' })}>通过</Button>
                                <Button size="small" danger onClick={() => setReviewing({ review: r, outcome: 'perfunctory' })}>退回重办</Button>
                                <Button size="small" onClick={() => setReviewing({ review: r, outcome: 'wrong_unit' })}>改派</Button>
                              </Space>
                            ) : null,
                        },
                      ]}
                    />
                  </Card>
                )}
              </Space>
            ),
          },
          {
            key: 'improper',
            label: '不当退单',
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <DatePicker.RangePicker value={[dayjs(range[0]), dayjs(range[1])]} onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])} />
                {improper.error && <span>{improper.error}</span>}
                <Table
                  size="small"
                  rowKey="id"
                  dataSource={improper.data?.items ?? []}
                  columns={[
                    { title: '工单编号', render: (_, r) => <Link to={`/tickets/${r.ticketNo}`}>{r.ticketNo}</Link> },
                    { title: '退单单位', render: (_, r) => r.unit?.name },
                    { title: '退单理由', dataIndex: 'reason' },
                    { title: '审核意见', dataIndex: 'decisionNote' },
                    { title: '判定时间', dataIndex: 'decidedAt', render: (v: string | null) => fmtTime(v) },
                  ]}
                />
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!reviewing}
        title={reviewing ? `${reviewing.review.ticket.no}：${{ pass: '审核通过', perfunctory: '敷衍答复，退回重办', wrong_unit: '承办单位错误，改派' }[reviewing.outcome]}` : ''}
        onOk={() => void submitReview().catch((e) => message.error(errorText(e)))}
        onCancel={() => setReviewing(null)}
        destroyOnClose
      >
        <Form form={reviewForm} layout="vertical" preserve={false}>
          {reviewing?.outcome === 'wrong_unit' && (
            <Form.Item name="leadUnitCode" label="改派单位" rules={[{ required: true, message: '请选择改派单位' }]}>
              <UnitPicker data-testid="redispatch-unit" />
            </Form.Item>
          )}
          <Form.Item name="note" label="审核意见" rules={reviewing?.outcome === 'pass' ? [] : [{ required: true, message: '请填写审核意见' }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
