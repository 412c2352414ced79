// One report on screen: headline figures, charts (trend, channels, categories, districts) and the
// tables beneath, each figure as the API computed it.
import { useMemo } from 'react';
import { Card, Col, Empty, Row as GridRow, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { EChart, type ChartOption } from './EChart';
import { percent, type OverdueRow, type Report, type ReportCalls, type Row, type SampleTicket } from './types';

const rowColumns = (head: string): ColumnsType<Row> => [
  { title: head, dataIndex: 'name', key: 'name' },
  { title: '件数', dataIndex: 'count', key: 'count', align: 'right', width: 90, render: (n: number) => <span data-testid="count">{n}</span> },
  { title: '占比', dataIndex: 'share', key: 'share', align: 'right', width: 100, render: (x: number) => percent(x) },
];

const overdueColumns = (head: string): ColumnsType<OverdueRow> => [
  { title: head, dataIndex: 'name', key: 'name' },
  { title: '超期办结', dataIndex: 'lateDone', key: 'lateDone', align: 'right', width: 110 },
  { title: '期末超期未办结', dataIndex: 'openOverdue', key: 'openOverdue', align: 'right', width: 140 },
];

function BreakdownTable({ title, head, rows, testId }: { title: string; head: string; rows: Row[]; testId: string }) {
  return (
    <Card size="small" title={title} data-testid={testId}>
      <Table<Row> size="small" rowKey="key" columns={rowColumns(head)} dataSource={rows} pagination={rows.length > 10 ? { pageSize: 10, size: 'small' } : false} />
    </Card>
  );
}

const secs = (x: number | null) => (x == null ? '—' : `${x.toFixed(1)} 秒`);

/** 话务 (GB/T 33358): service levels, messages and 漏接回拨 of the period, as the API computed them. */
function CallsCard({ calls }: { calls: ReportCalls }) {
  const s = calls.serviceLevels;
  const m = calls.missedCalls;
  const met = calls.connectRateMet === null ? '' : calls.connectRateMet ? '（达标）' : '（未达标）';
  const items: Array<[string, string | number, string]> = [
    ['呼入量（通）', s.offered, 'calls-offered'],
    ['接通量（通）', s.answered, 'calls-answered'],
    [`${calls.answerTargetSeconds}秒内接通`, s.answeredWithin15s, 'calls-within'],
    ['放弃 / 短时放弃', `${s.abandoned} / ${s.shortAbandoned}`, 'calls-abandoned'],
    ['服务水平', percent(s.serviceLevel15s), 'calls-sl'],
    [`接通率（≥${Math.round(calls.connectRateTarget * 100)}%）`, `${percent(s.connectRate)}${met}`, 'calls-connect'],
    ['平均应答速度', secs(s.asaSeconds), 'calls-asa'],
    ['平均处理时长', secs(s.ahtSeconds), 'calls-aht'],
    ['坐席占用率', percent(s.occupancy), 'calls-occupancy'],
    [`留言${Math.round(calls.messages.targetSeconds / 60)}分钟答复率`, `${percent(calls.messages.withinTargetRate)}（${calls.messages.received} 条）`, 'calls-messages'],
    ['漏接 / 已回拨 / 联系上', `${m.missed} / ${m.calledBack} / ${m.reached}`, 'calls-missed'],
    ['期末未完成回拨', m.open, 'calls-missed-open'],
    [`${Math.round(m.targetSeconds / 60)}分钟内回拨率`, percent(m.callbackWithinTargetRate), 'calls-callback-rate'],
    ['平均首次回拨用时', m.avgFirstAttemptSeconds == null ? '—' : `${(m.avgFirstAttemptSeconds / 60).toFixed(1)} 分钟`, 'calls-first-attempt'],
  ];
  return (
    <Card size="small" title="话务（GB/T 33358）与漏接回拨" data-testid="report-calls">
      <GridRow gutter={[12, 8]}>
        {items.map(([title, value, id]) => (
          <Col xs={12} md={6} lg={4} key={id}>
            <Statistic title={title} value={value} valueStyle={{ fontSize: 16 }} valueRender={(node) => <span data-testid={id}>{node}</span>} />
          </Col>
        ))}
      </GridRow>
    </Card>
  );
}

function barOption(rows: Row[], limit = 12): ChartOption {
  const top = rows.filter((r) => r.count > 0).slice(0, limit).reverse();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: top.map((r) => r.name), axisLabel: { width: 130, overflow: 'truncate' } },
    series: [{ type: 'bar', data: top.map((r) => r.count), itemStyle: { color: '#1f5fbf' }, label: { show: true, position: 'right' } }],
  };
}

export function ReportView({ report }: { report: Report }) {
  const t = report.totals;
  const trend = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, left: 'center', data: ['受理量', '期末超期未办结', '满意率'] },
      grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: report.trend.map((p) => p.label) },
      yAxis: [
        { type: 'value', minInterval: 1, name: '件' },
        { type: 'value', min: 0, max: 100, name: '%', splitLine: { show: false } },
      ],
      series: [
        { name: '受理量', type: 'bar', data: report.trend.map((p) => p.tickets), itemStyle: { color: '#1f5fbf' } },
        { name: '期末超期未办结', type: 'bar', data: report.trend.map((p) => p.openOverdue), itemStyle: { color: '#f5222d' } },
        { name: '满意率', type: 'line', yAxisIndex: 1, data: report.trend.map((p) => (p.satisfactionRate == null ? null : Math.round(p.satisfactionRate * 10000) / 100)), itemStyle: { color: '#52c41a' } },
      ],
    }),
    [report],
  );
  const channels = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}：{c} 件（{d}%）' },
      legend: { type: 'scroll', bottom: 0 },
      series: [{ type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'], data: report.byChannel.filter((r) => r.count > 0).map((r) => ({ name: r.name, value: r.count })) }],
    }),
    [report],
  );
  const categories = useMemo(() => barOption(report.byCategory), [report]);
  const districts = useMemo(() => barOption(report.byDistrict), [report]);

  return (
    <div data-testid="report-view">
      <Typography.Title level={5} style={{ marginTop: 0 }} data-testid="report-title">
        {report.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        统计期间：{report.firstDate === report.lastDate ? report.firstDate : `${report.firstDate} 至 ${report.lastDate}`}（{report.periodLabel}{report.running && report.asOfLabel ? `，${report.asOfLabel}` : ''}） · 统计范围：{report.scope.label}
        {report.readFrom?.source === 'replica' && (
          <Tag color={report.readFrom.lagSeconds > 60 ? 'orange' : 'default'} style={{ marginLeft: 8 }} data-testid="report-read-from">
            读自只读副本{report.readFrom.lagSeconds > 0 ? `，约晚于主库 ${report.readFrom.lagSeconds} 秒` : '，与主库同步'}
          </Tag>
        )}
      </Typography.Paragraph>
      <GridRow gutter={[12, 12]}>
        {[
          ['受理总量（件）', t.tickets, 'total-tickets'],
          ['超期办结（项）', t.lateDone, 'total-late'],
          ['期末超期未办结（项）', t.openOverdue, 'total-overdue'],
          // 满意率 is the evaluation's; a report stored before it was (no basis) shows its plain rate under another name.
          [report.satisfaction.basis === 'evaluation' ? '满意率' : '全部评价满意率（旧版报表）', percent(t.satisfactionRate), 'total-rate'],
        ].map(([title, value, id]) => (
          <Col xs={12} md={6} key={id as string}>
            <Card size="small">
              <Statistic title={title} value={value as string | number} valueRender={(node) => <span data-testid={id as string}>{node}</span>} />
            </Card>
          </Col>
        ))}
      </GridRow>
      {report.calls && (
        <div style={{ marginTop: 12 }}>
          <CallsCard calls={report.calls} />
        </div>
      )}
      <GridRow gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={14}>
          <Card size="small" title={`趋势（近 ${report.trend.length} 期）`}>
            <EChart option={trend} testId="chart-trend" />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title="受理渠道">
            <EChart option={channels} testId="chart-channels" />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="诉求分类（前 12）">
            {report.byCategory.length ? <EChart option={categories} testId="chart-categories" /> : <Empty />}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="县（市）区">
            {report.byDistrict.length ? <EChart option={districts} testId="chart-districts" /> : <Empty />}
          </Card>
        </Col>
      </GridRow>
      <GridRow gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={12}>
          <BreakdownTable title="按受理渠道" head="受理渠道" rows={report.byChannel} testId="table-channel" />
        </Col>
        <Col xs={24} lg={12}>
          <BreakdownTable title="按诉求类型" head="诉求类型" rows={report.byType} testId="table-type" />
        </Col>
        <Col xs={24} lg={12}>
          <BreakdownTable title="按一级分类" head="一级分类" rows={report.byTopCategory} testId="table-top-category" />
        </Col>
        <Col xs={24} lg={12}>
          <BreakdownTable title="按末级分类" head="诉求分类" rows={report.byCategory} testId="table-category" />
        </Col>
        <Col xs={24} lg={12}>
          <BreakdownTable title="按县（市）区" head="县（市）区" rows={report.byDistrict} testId="table-district" />
        </Col>
        <Col xs={24} lg={12}>
          <BreakdownTable title="按主办单位" head="主办单位" rows={report.byLeadUnit} testId="table-lead-unit" />
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="热点诉求：热词（涉及工单数）" data-testid="table-keywords">
            {report.topIssues.keywords.length ? (
              report.topIssues.keywords.map((k, i) => (
                <Tag key={k.word} color={i < 3 ? 'volcano' : undefined} style={{ marginBottom: 6 }}>
                  {k.word} {k.count}
                </Tag>
              ))
            ) : (
              <Empty />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={
              report.satisfaction.basis === 'evaluation'
                ? `满意度（全部评价 ${report.satisfaction.allRated} 次，全部评价满意率 ${percent(report.satisfaction.allRate ?? null)}；计入满意率 ${report.satisfaction.rated} 次，第二十五条不计入 ${report.satisfaction.exempt} 次，主管部门排除 ${report.satisfaction.excluded} 次；未接通 ${report.satisfaction.unreached} 次）`
                : `满意度（已评价 ${report.satisfaction.rated} 次，未接通 ${report.satisfaction.unreached} 次）`
            } data-testid="table-satisfaction">
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={report.satisfaction.levels}
              columns={[
                { title: '评价', dataIndex: 'name', key: 'name' },
                { title: '次数', dataIndex: 'count', key: 'count', align: 'right', width: 90 },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={`超期（超期办结 ${report.overdue.lateDone} 项，期末超期未办结 ${report.overdue.openOverdue} 项）`} data-testid="table-overdue">
            <Table<OverdueRow> size="small" rowKey="key" columns={overdueColumns('单位')} dataSource={report.overdue.byUnit} pagination={report.overdue.byUnit.length > 10 ? { pageSize: 10, size: 'small' } : false} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="超期：按办理职责">
            <Table<OverdueRow> size="small" rowKey="key" columns={overdueColumns('职责')} dataSource={report.overdue.byKind} pagination={false} />
          </Card>
        </Col>
        {report.samples && (
          <Col span={24}>
            <Card size="small" title="典型工单（个人信息已脱敏）" data-testid="table-samples">
              <Table<SampleTicket>
                size="small"
                rowKey="no"
                dataSource={report.samples}
                pagination={{ pageSize: 10, size: 'small' }}
                columns={[
                  { title: '工单编号', dataIndex: 'no', key: 'no', width: 170 },
                  { title: '受理时间', dataIndex: 'createdAt', key: 'createdAt', width: 140, render: (v: string) => v.slice(0, 16).replace('T', ' ') },
                  { title: '类型', dataIndex: 'type', key: 'type', width: 80 },
                  { title: '分类', dataIndex: 'category', key: 'category', width: 120 },
                  { title: '县（市）区', dataIndex: 'district', key: 'district', width: 130 },
                  { title: '诉求人', dataIndex: 'requester', key: 'requester', width: 80 },
                  { title: '诉求事实', dataIndex: 'facts', key: 'facts' },
                ]}
              />
            </Card>
          </Col>
        )}
      </GridRow>
    </div>
  );
}
