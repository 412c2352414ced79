// 智能质检 (第三十一条(一)): scores per agent and per shift from the QC rules, and the cases (rudeness or
// no civility phrases, delayed dispatch, leaked personal data) the team lead confirms or dismisses.
// An agent sees only their own score and cases.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { App, Button, Card, DatePicker, Form, Input, Modal, Space, Table, Tag, Tooltip } from 'antd';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { PageTitle, showFieldErrors, useApiData } from '../../components/AdminCommon';
import { fmtTime } from '../../components/TicketRefData';

interface Rule {
  key: string;
  label: string;
  weight: number;
  caseLabel: string | null;
}
interface Scores {
  rules: Rule[];
  agents: Array<{ agent: { username: string; name: string }; tickets: number; score: number | null; hits: Record<string, number>; cases: number }>;
  shiftScores: Array<{ code: string; name: string; tickets: number; score: number | null }>;
  shiftsWorked: Array<{ date: string; code: string; name: string; tickets: number; score: number | null; agents: string[] }>;
}
interface QcCase {
  key: string;
  ticketNo: string;
  rule: string;
  label: string;
  kindLabel: string;
  detail: string;
  agent: { name: string } | null;
  recordedAt: string;
  status: 'open' | 'confirmed' | 'dismissed';
  note: string | null;
  decidedBy: string | null;
}

const STATUS = { open: ['待确认', 'gold'], confirmed: ['已确认通报', 'red'], dismissed: ['不予认定', 'default'] } as const;
const DECIDERS = ['team_lead', 'admin'];

export default function AgentQcPage() {
  const { user } = useAuth();
  const { message } = App.useApp();
  const [range, setRange] = useState<[string, string]>([dayjs().startOf('month').format('YYYY-MM-DD'), dayjs().format('YYYY-MM-DD')]);
  const query = qs({ from: range[0], to: range[1] });
  const scores = useApiData<Scores>(`/quality/agents${query}`);
  const cases = useApiData<{ items: QcCase[] }>(`/quality/cases${query}`);
  const [deciding, setDeciding] = useState<{ c: QcCase; decision: 'confirmed' | 'dismissed' } | null>(null);
  const [form] = Form.useForm();
  const canDecide = !!user && DECIDERS.includes(user.role);
  const ruleLabel = (key: string) => scores.data?.rules.find((r) => r.key === key)?.label ?? key;

  const decide = async () => {
    if (!deciding) return;
    const { note } = await form.validateFields();
    try {
      await api('/quality/cases', { body: { ticketNo: deciding.c.ticketNo, rule: deciding.c.rule, decision: deciding.decision, note } });
      message.success('已处理');
      setDeciding(null);
      await cases.reload();
    } catch (err) {
      message.error(showFieldErrors(form, err));
    }
  };

  return (
    <div>
      <PageTitle title="智能质检" extra={<DatePicker.RangePicker value={[dayjs(range[0]), dayjs(range[1])]} onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])} />}>
        第三十一条(一)：按规则对话务员受理的工单质检，每单 100 分减去命中规则的分值，话务员和班次得分为其工单的平均分。
      </PageTitle>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Card size="small" title={user?.role === 'agent' ? '本人得分' : '话务员得分'}>
          <Table
            size="small"
            rowKey={(r) => r.agent.username}
            loading={scores.loading}
            dataSource={scores.data?.agents ?? []}
            pagination={false}
            data-testid="qc-agents"
            columns={[
              { title: '话务员', render: (_, r) => r.agent.name },
              { title: '工单数', dataIndex: 'tickets' },
              { title: '得分', render: (_, r) => <strong>{r.score ?? '—'}</strong> },
              { title: '命中规则', render: (_, r) => Object.entries(r.hits).map(([k, n]) => <Tag key={k}>{ruleLabel(k)} ×{n}</Tag>) },
              { title: '第三十一条(一)情形', dataIndex: 'cases' },
            ]}
          />
        </Card>
        {user?.role !== 'agent' && (
          <Card size="small" title="班次得分">
            <Table size="small" rowKey="code" dataSource={scores.data?.shiftScores ?? []} pagination={false} columns={[{ title: '班次', dataIndex: 'name' }, { title: '工单数', dataIndex: 'tickets' }, { title: '得分', render: (_, r) => r.score ?? '—' }]} />
            <Table
              size="small"
              style={{ marginTop: 8 }}
              rowKey={(r) => `${r.date}-${r.code}`}
              dataSource={scores.data?.shiftsWorked ?? []}
              pagination={{ pageSize: 10 }}
              columns={[{ title: '日期', dataIndex: 'date' }, { title: '班次', dataIndex: 'name' }, { title: '工单数', dataIndex: 'tickets' }, { title: '得分', render: (_, r) => r.score ?? '—' }, { title: '话务员', render: (_, r) => r.agents.join('、') }]}
            />
          </Card>
        )}
        <Card size="small" title="质检案例（第三十一条(一)）">
          <Table<QcCase>
            size="small"
            rowKey="key"
            loading={cases.loading}
            dataSource={cases.data?.items ?? []}
            pagination={{ pageSize: 20 }}
            data-testid="qc-cases"
            onRow={(c) => ({ 'data-case': c.key }) as any}
            columns={[
              { title: '工单编号', render: (_, c) => <Link to={`/tickets/${c.ticketNo}`}>{c.ticketNo}</Link> },
              { title: '话务员', render: (_, c) => c.agent?.name },
              { title: '情形', render: (_, c) => <Tooltip title={c.label}>{c.kindLabel}</Tooltip> },
              { title: '质检发现', dataIndex: 'detail' },
              { title: '受理时间', dataIndex: 'recordedAt', render: (v: string) => fmtTime(v) },
              { title: '状态', render: (_, c) => <Tooltip title={c.note ? `${c.decidedBy ?? ''}：${c.note}` : undefined}><Tag color={STATUS[c.status][1]}>{STATUS[c.status][0]}</Tag></Tooltip> },
              ...(canDecide
                ? [
                    {
                      title: '操作',
                      render: (_: unknown, c: QcCase) =>
                        c.status === 'open' ? (
                          <Space size={4}>
                            <Button size="small" danger onClick={() => setDeciding({ c, decision: 'confirmed' })}>确认</Button>
                            <Button size="small" onClick={() => setDeciding({ c, decision: 'dismissed' })}>不予认定</Button>
                          </Space>
                        ) : null,
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      </Space>
      <Modal open={!!deciding} title={deciding ? `${deciding.c.ticketNo}：${deciding.decision === 'confirmed' ? '确认为第三十一条(一)情形' : '不予认定'}` : ''} onOk={() => void decide()} onCancel={() => setDeciding(null)} destroyOnClose>
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="note" label="说明" rules={[{ required: true, message: '请填写说明' }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
