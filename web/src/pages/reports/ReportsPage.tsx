// 统计报表 (第二十四条): 日报、周报、月报 for a chosen day, ISO week or month, 专报 on a topic, 社情民意.
// The centre, the authority and admins see the whole city, a unit user its own subtree (the server
// decides). Each report downloads as .xlsx or PDF.
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, DatePicker, Form, Input, List, Segmented, Select, Space, Spin, Tabs, Typography } from 'antd';
import { DownloadButton } from '../../components/DownloadButton';
import dayjs, { type Dayjs } from 'dayjs';
import isoWeek from 'dayjs/plugin/isoWeek';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import type { Unit } from '../../types';
import { ReportView } from './ReportView';
import { HotTopicsPanel } from './HotTopicsPanel';
import type { ArchiveItem, Report } from './types';
import { PERIOD_KINDS, PERIOD_KIND_LABELS as KIND_LABELS, PERIOD_PARAM as PARAM, type PeriodKind } from '../../../../src/reports/contract.ts';

dayjs.extend(isoWeek);

type Kind = PeriodKind;
const CITY_ROLES = ['centre', 'authority', 'admin'];

function keyOf(kind: Kind, d: Dayjs): string {
  if (kind === 'daily') return d.format('YYYY-MM-DD');
  if (kind === 'weekly') return `${d.isoWeekYear()}-W${String(d.isoWeek()).padStart(2, '0')}`;
  return d.format('YYYY-MM');
}

function dayOf(kind: Kind, key: string | null): Dayjs {
  if (!key) return dayjs();
  if (kind === 'weekly') {
    const m = /^(\d{4})-W(\d{2})$/.exec(key);
    // The Thursday of week 1 is always in the ISO year; count whole weeks from there.
    return m ? dayjs(`${m[1]}-01-04`).isoWeek(Number(m[2])).isoWeekday(1) : dayjs();
  }
  const d = dayjs(key);
  return d.isValid() ? d : dayjs();
}

function Downloads({ base }: { base: string }) {
  const sep = base.includes('?') ? '&' : '?';
  return (
    <Space>
      <DownloadButton request={{ path: `${base}${sep}format=xlsx`, fileName: '12345热线报表.xlsx' }} testId="download-xlsx">
        导出 Excel
      </DownloadButton>
      <DownloadButton request={{ path: `${base}${sep}format=pdf`, fileName: '12345热线报表.pdf' }} testId="download-pdf">
        导出 PDF
      </DownloadButton>
    </Space>
  );
}

function PeriodTab({ archive }: { archive: boolean }) {
  const [params, setParams] = useSearchParams();
  const kind = ((PERIOD_KINDS as readonly string[]).includes(params.get('kind') ?? '') ? params.get('kind') : 'monthly') as Kind;
  const key = params.get('period') ?? keyOf(kind, dayjs());
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const path = `/reports/${kind}${qs({ [PARAM[kind]]: key })}`;
  useEffect(() => {
    let live = true;
    setReport(null);
    setError(null);
    api<Report>(path)
      .then((r) => live && setReport(r))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [path]);
  const set = (k: Kind, period: string) => setParams((p) => {
    const next = new URLSearchParams(p);
    next.set('kind', k);
    next.set('period', period);
    return next;
  }, { replace: true });

  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Kind>
          value={kind}
          options={PERIOD_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          onChange={(k) => set(k, keyOf(k, dayOf(kind, key)))}
          data-testid="kind"
        />
        <DatePicker
          picker={kind === 'daily' ? 'date' : kind === 'weekly' ? 'week' : 'month'}
          value={dayOf(kind, key)}
          allowClear={false}
          format={kind === 'weekly' ? () => key : undefined}
          onChange={(d) => d && set(kind, keyOf(kind, d))}
          data-testid="period-picker"
        />
        <Downloads base={path} />
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {!report && !error && <Spin style={{ display: 'block', margin: 60 }} />}
      {report && <ReportView report={report} />}
      {archive && <ArchiveCard />}
    </div>
  );
}

function ArchiveCard() {
  const [items, setItems] = useState<ArchiveItem[] | null>(null);
  useEffect(() => {
    api<{ items: ArchiveItem[] }>('/reports/archive')
      .then((r) => setItems(r.items))
      .catch(() => setItems([]));
  }, []);
  return (
    <Card size="small" title="已生成的报告（每日 00:10 自动生成，全市）" style={{ marginTop: 12 }} data-testid="archive">
      <List
        size="small"
        loading={items === null}
        dataSource={(items ?? []).slice(0, 30)}
        locale={{ emptyText: '暂无' }}
        renderItem={(a) => (
          <List.Item
            actions={[
              <DownloadButton key="x" type="link" size="small" icon={null} request={{ path: `/reports/archive/${a.id}?format=xlsx`, fileName: `12345热线报表_${a.period}.xlsx` }}>
                Excel
              </DownloadButton>,
              <DownloadButton key="p" type="link" size="small" icon={null} request={{ path: `/reports/archive/${a.id}?format=pdf`, fileName: `12345热线报表_${a.period}.pdf` }}>
                PDF
              </DownloadButton>,
            ]}
          >
            {KIND_LABELS[a.kind]} {a.period}
            <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
              生成于 {dayjs(a.generatedAt).format('YYYY-MM-DD HH:mm')}
            </Typography.Text>
          </List.Item>
        )}
      />
    </Card>
  );
}

function TopicTab({ districts }: { districts: Array<{ code: string; name: string }> }) {
  const [query, setQuery] = useState<{ q: string; from: string; to: string; district?: string } | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const path = query ? `/reports/topic${qs(query)}` : null;
  useEffect(() => {
    if (!path) return;
    let live = true;
    setLoading(true);
    setError(null);
    api<Report>(path)
      .then((r) => live && setReport(r))
      .catch((e: Error) => live && setError(e.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [path]);
  return (
    <div>
      <Form
        layout="inline"
        initialValues={{ range: [dayjs().subtract(29, 'day'), dayjs()] }}
        onFinish={(v: { q: string; range: [Dayjs, Dayjs]; district?: string }) =>
          setQuery({ q: v.q.trim(), from: v.range[0].format('YYYY-MM-DD'), to: v.range[1].format('YYYY-MM-DD'), district: v.district })
        }
        style={{ marginBottom: 12, rowGap: 8 }}
      >
        <Form.Item name="q" rules={[{ required: true, whitespace: true, message: '请输入关键词' }]}>
          <Input placeholder="关键词，如 停水 供暖（空格分隔，任一）" style={{ width: 280 }} data-testid="topic-q" />
        </Form.Item>
        <Form.Item name="range">
          <DatePicker.RangePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="district">
          <Select allowClear placeholder="全部县（市）区" style={{ width: 200 }} options={districts.map((d) => ({ value: d.code, label: d.name }))} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={loading}>
            生成专报
          </Button>
        </Form.Item>
        {path && report && (
          <Form.Item>
            <Downloads base={path} />
          </Form.Item>
        )}
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
      {report && <ReportView report={report} />}
    </div>
  );
}

export default function ReportsPage() {
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    api<{ items: Unit[] }>('/units')
      .then((r) => setUnits(r.items))
      .catch(() => setUnits([]));
  }, []);
  const districts = useMemo(() => units.filter((u) => u.kind === 'district').map((u) => ({ code: u.code, name: u.name })), [units]);
  const city = !!user && CITY_ROLES.includes(user.role);
  const tab = params.get('tab') ?? 'period';
  return (
    <Card title="统计报表" variant="borderless" styles={{ body: { paddingTop: 0 } }}>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'period' ? {} : { tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'period', label: '日报 / 周报 / 月报', children: <PeriodTab archive={city} /> },
          { key: 'topic', label: '专报', children: <TopicTab districts={districts} /> },
          { key: 'hot', label: '社情民意', children: <HotTopicsPanel districts={districts} /> },
        ]}
      />
    </Card>
  );
}
