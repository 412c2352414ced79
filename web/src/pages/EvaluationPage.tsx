// 月度考核 (第二十九条): the ranking of the 承办单位 for a month with every indicator, and the 通报
// triggers (第三十一条(二)) the authority confirms or dismisses. The authority and the centre see the
// month as it stands; the authority publishes a finished month; every unit then sees the ranking.
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { Alert, App, Button, Collapse, DatePicker, Empty, Form, Input, Modal, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../api';
import { useAuth } from '../auth';
import { PageTitle, showFieldErrors, useApiData } from '../components/AdminCommon';

interface Trigger {
  key: string;
  label: string;
  detail: string;
  decision: 'confirmed' | 'dismissed' | null;
  note: string | null;
}

interface Row {
  unit: { code: string; name: string; kind: string };
  counts: Record<string, number>;
  indicators: Record<string, number | null>;
  score: number | null;
  rank: number | null;
  triggers: Trigger[];
}

interface Evaluation {
  month: string;
  complete: boolean;
  generatedAt: string;
  indicators: Array<{ key: string; label: string; formula: string; weight: number; lowerIsBetter: boolean }>;
  rows: Row[];
  published: { at: string; by: string | null } | null;
}

/** The counts behind each indicator, for its tooltip: numerator and denominator. */
const FRACTIONS: Record<string, [string, string]> = {
  signRate: ['signed', 'assigned'],
  signOnTimeRate: ['signedOnTime', 'assigned'],
  completionRate: ['completed', 'due'],
  completionOnTimeRate: ['completedOnTime', 'due'],
  satisfactionRate: ['satisfied', 'rated'],
  returnRate: ['returns', 'leadAssigned'],
  improperReturnRate: ['improperReturns', 'leadAssigned'],
  extensionRate: ['extensions', 'due'],
  kbUpkeepRate: ['kbOnTime', 'kbDue'],
};

const STEERING = ['authority', 'centre', 'admin'];
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
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
  const [deciding, setDeciding] = useState<{ row: Row; trigger: Trigger; decision: 'confirmed' | 'dismissed' } | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ note?: string }>();

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

  const columns = useMemo<ColumnsType<Row>>(() => {
    const indicatorColumns: ColumnsType<Row> = (data?.indicators ?? []).map((i) => ({
      title: <Tooltip title={`${i.formula}${i.weight ? `；权重 ${i.weight}` : '；不计分'}`}>{i.label}</Tooltip>,
      key: i.key,
      align: 'right',
      width: 92,
      sorter: (a, b) => (a.indicators[i.key] ?? -1) - (b.indicators[i.key] ?? -1),
      render: (_, r) => {
        const [n, d] = FRACTIONS[i.key] ?? [];
        const v = r.indicators[i.key];
        return (
          <Tooltip title={n ? `${r.counts[n]} / ${r.counts[d]}` : undefined}>
            <span style={{ color: v !== null && (i.lowerIsBetter ? v >= 0.1 : v < 0.8) ? '#cf1322' : undefined }}>{pct(v)}</span>
          </Tooltip>
        );
      },
    }));
    return [
      { title: '排名', dataIndex: 'rank', width: 64, align: 'center', fixed: 'left', render: (v: number | null) => v ?? '—' },
      { title: '单位', key: 'unit', width: 190, fixed: 'left', render: (_, r) => <span data-unit={r.unit.code}>{r.unit.name}</span> },
      { title: '得分', dataIndex: 'score', width: 76, align: 'right', sorter: (a, b) => (a.score ?? -1) - (b.score ?? -1), render: (v: number | null) => (v === null ? '—' : <b>{v.toFixed(2)}</b>) },
      ...indicatorColumns,
      {
        title: '通报情形（第三十一条（二））',
        key: 'triggers',
        width: 300,
        render: (_, r) =>
          r.triggers.length ? (
            <Space direction="vertical" size={4}>
              {r.triggers.map((t) => (
                <div key={t.key} data-trigger={t.key}>
                  <Tooltip title={`${t.label}：${t.detail}${t.note ? `（${t.note}）` : ''}`}>
                    <Tag color={t.decision === 'confirmed' ? 'red' : t.decision === 'dismissed' ? 'default' : 'orange'}>
                      {t.label.split('：')[0].replace('第三十一条（二）', '第') + '项'} {t.decision === 'confirmed' ? '已通报' : t.decision === 'dismissed' ? '不予通报' : '待确认'}
                    </Tag>
                  </Tooltip>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t.detail}
                  </Typography.Text>
                  {canDecide && !data?.published && (
                    <Space size={0}>
                      <Button size="small" type="link" onClick={() => (form.resetFields(), setDeciding({ row: r, trigger: t, decision: 'confirmed' }))}>
                        确认通报
                      </Button>
                      <Button size="small" type="link" onClick={() => (form.resetFields(), setDeciding({ row: r, trigger: t, decision: 'dismissed' }))}>
                        不予通报
                      </Button>
                    </Space>
                  )}
                </div>
              ))}
            </Space>
          ) : (
            '—'
          ),
      },
    ];
  }, [data, canDecide, form]);

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
            {canDecide && data && (
              <Popconfirm title={data.published ? '重新发布将以当前数据覆盖已发布结果，确定？' : '发布后各承办单位可查看本月排名，确定发布？'} onConfirm={() => void publish()} disabled={!data.complete}>
                <Tooltip title={data.complete ? undefined : '当月尚未结束，不能发布'}>
                  <Button type="primary" loading={busy} disabled={!data.complete}>
                    {data.published ? '重新发布' : '发布考核结果'}
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
          {data.published ? <Tag color="green" data-testid="evaluation-published">已发布 {data.published.at}{data.published.by ? ` · ${data.published.by}` : ''}</Tag> : <Tag>未发布</Tag>}
          {!data.complete && <Tag color="gold">当月未结束，数据仍在变化</Tag>}
          <Typography.Text type="secondary">统计时间 {data.generatedAt}</Typography.Text>
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
        <Table<Row>
          rowKey={(r) => r.unit.code}
          size="small"
          loading={loading}
          columns={columns}
          dataSource={data?.rows ?? []}
          pagination={false}
          scroll={{ x: 1500, y: 'calc(100vh - 300px)' }}
          data-testid="evaluation-table"
          rowClassName={(r) => (user?.unit?.code === r.unit.code ? 'ant-table-row-selected' : '')}
        />
      )}

      {data && (
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
                  dataSource={data.indicators}
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
    </>
  );
}
