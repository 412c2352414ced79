// 工作日历: the working-day calendar deadlines count on. A year view (休 rest days, 班 调休 workdays),
// a loud warning when a year has no official arrangement (its deadlines are provisional), importing
// the State Council's notice for a year, and single-day overrides.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Input, Modal, Space, Spin, Tag, Typography } from 'antd';
import { CalendarOutlined, ImportOutlined, LeftOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api } from '../../api';
import { PageTitle, errorText, useApiData } from '../../components/AdminCommon';
import { LegendItem, YearCalendar, classify, weekdayName, DAY_CLASS_LABELS, type YearDay } from '../../components/AdminYearCalendar';
import { CalendarImportModal, RecomputeSummaryView, type ImportResult } from '../../components/AdminCalendarImport';

interface YearView {
  year: number;
  official: boolean;
  source: 'chinese-days' | 'import' | 'none';
  warning: string | null;
  days: YearDay[];
}

interface Warnings {
  warnings: string[];
  provisionalOpenDuties: number;
}

const SOURCE_LABELS: Record<YearView['source'], { text: string; color: string }> = {
  'chinese-days': { text: '官方安排（随系统发布）', color: 'green' },
  import: { text: '官方安排（管理员导入）', color: 'blue' },
  none: { text: '无官方数据：按周一至周五计算', color: 'red' },
};

/** Today in Shanghai, as the server counts days. */
function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export default function CalendarPage() {
  const { message } = App.useApp();
  const today = shanghaiToday();
  const [year, setYear] = useState(Number(today.slice(0, 4)));
  const view = useApiData<YearView>(`/calendar/years/${year}`);
  const warnings = useApiData<Warnings>('/calendar/warnings');
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<ImportResult | null>(null);
  const [picked, setPicked] = useState<YearDay | null>(null);
  const [dayName, setDayName] = useState('');
  const [saving, setSaving] = useState<string | null>(null);
  const [lastChange, setLastChange] = useState<string | null>(null);

  useEffect(() => setLastChange(null), [year]);

  const data = view.data?.year === year ? view.data : undefined;
  const yearWarning = data && !data.official ? data.warning ?? `${year} 年的节假日安排尚未导入` : null;
  const otherWarnings = (warnings.data?.warnings ?? []).filter((w) => !(yearWarning && w.startsWith(`${year} 年`)));
  const provisional = warnings.data?.provisionalOpenDuties ?? 0;
  const showWarning = !!yearWarning || otherWarnings.length > 0 || provisional > 0;

  const reloadAll = async () => {
    await Promise.all([view.reload(), warnings.reload()]);
  };

  const setDay = async (kind: 'workday' | 'holiday' | null) => {
    if (!picked) return;
    setSaving(String(kind));
    try {
      const name = dayName.trim();
      const res = await api<{ date: string; recomputedDeadlines: number }>(`/calendar/days/${picked.date}`, {
        method: 'PUT',
        body: kind ? { kind, ...(name ? { name } : {}) } : { kind: null },
      });
      const what = kind === 'workday' ? '设为工作日' : kind === 'holiday' ? '设为休息日' : '取消了调整';
      const text = `${picked.date} 已${what}，重新计算了 ${res.recomputedDeadlines} 项期限`;
      message.success(text);
      setLastChange(text);
      setPicked(null);
      await reloadAll();
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setSaving(null);
    }
  };

  const counts = data
    ? {
        working: data.days.filter((d) => d.working).length,
        holiday: data.days.filter((d) => classify(d) === 'holiday').length,
        swap: data.days.filter((d) => classify(d) === 'swap').length,
      }
    : null;

  return (
    <div>
      <PageTitle
        title="工作日历"
        extra={
          <>
            <Space.Compact>
              <Button icon={<LeftOutlined />} aria-label="上一年" onClick={() => setYear((y) => Math.max(2000, y - 1))} />
              <DatePicker
                picker="year"
                allowClear={false}
                value={dayjs(`${year}-01-01`)}
                onChange={(d) => d && setYear(d.year())}
                disabledDate={(d) => d.year() < 2000 || d.year() > 2100}
                style={{ width: 110 }}
                aria-label="年份"
              />
              <Button icon={<RightOutlined />} aria-label="下一年" onClick={() => setYear((y) => Math.min(2100, y + 1))} />
            </Space.Compact>
            <Button icon={<ReloadOutlined />} aria-label="刷新" onClick={reloadAll} />
            <Button type="primary" icon={<ImportOutlined />} onClick={() => setImporting(true)}>
              导入 {year} 年安排
            </Button>
          </>
        }
      >
        期限按工作日计算：国务院公布的法定节假日休息，调休的周末上班（民法典第二百零一条至第二百零三条）。点击某一天可单独调整。
      </PageTitle>

      {showWarning && (
        <Alert
          data-testid="calendar-warning"
          type={yearWarning ? 'error' : 'warning'}
          showIcon
          style={{ marginBottom: 12 }}
          message={yearWarning ? `${year} 年尚无官方节假日安排` : '节假日数据提醒'}
          description={
            <div>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {yearWarning && <li>{yearWarning}</li>}
                {otherWarnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
                {provisional > 0 && <li>目前有 {provisional} 个未完成的办理期限为“暂定”，导入相应年份的安排后会自动重新计算。</li>}
              </ul>
              {yearWarning && (
                <Button size="small" type="primary" icon={<ImportOutlined />} style={{ marginTop: 8 }} onClick={() => setImporting(true)}>
                  导入 {year} 年国务院节假日安排
                </Button>
              )}
            </div>
          }
        />
      )}

      {imported && imported.year === year && (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setImported(null)}
          style={{ marginBottom: 12 }}
          message={`已导入 ${imported.year} 年节假日安排：${imported.holidays} 天放假、${imported.workdays} 天调休上班`}
          description={imported.recomputed ? <RecomputeSummaryView summary={imported.recomputed} /> : `重新计算了 ${imported.recomputedDeadlines} 项期限。`}
          data-testid="calendar-import-result"
        />
      )}
      {lastChange && <Alert type="success" showIcon closable onClose={() => setLastChange(null)} style={{ marginBottom: 12 }} message={lastChange} />}
      {view.error && <Alert type="error" showIcon message={view.error} style={{ marginBottom: 12 }} />}

      <Card
        size="small"
        title={
          <Space wrap size={8}>
            <CalendarOutlined />
            <span>{year} 年</span>
            {data && <Tag color={SOURCE_LABELS[data.source].color}>{SOURCE_LABELS[data.source].text}</Tag>}
            {counts && (
              <Typography.Text type="secondary" style={{ fontWeight: 400, fontSize: 12 }}>
                工作日 {counts.working} 天 · 节假日/休息 {counts.holiday} 天 · 调休上班 {counts.swap} 天
              </Typography.Text>
            )}
          </Space>
        }
        extra={
          <span style={{ fontSize: 12 }}>
            <LegendItem kind="work" />
            <LegendItem kind="weekend" />
            <LegendItem kind="holiday" />
            <LegendItem kind="swap" />
          </span>
        }
        styles={{ header: { flexWrap: 'wrap', rowGap: 4, paddingBlock: 6 } }}
      >
        <div data-testid="calendar-year">
          {data ? (
            <YearCalendar
              year={year}
              days={data.days}
              today={today}
              onPick={(d) => {
                setDayName(d.name ?? '');
                setPicked(d);
              }}
            />
          ) : (
            <Spin style={{ display: 'block', margin: '60px auto' }} />
          )}
        </div>
      </Card>

      <CalendarImportModal
        year={year}
        open={importing}
        current={data?.official ? data.days : []}
        onClose={() => setImporting(false)}
        onImported={async (result) => {
          setImporting(false);
          setImported(result);
          await reloadAll();
        }}
      />

      <Modal open={picked !== null} title={picked ? `调整 ${picked.date}（${weekdayName(picked.date)}）` : ''} onCancel={() => setPicked(null)} footer={null} width={440}>
        {picked && (
          <>
            <Descriptions
              size="small"
              column={1}
              bordered
              style={{ marginBottom: 12 }}
              items={[
                { key: 'now', label: '当前', children: `${DAY_CLASS_LABELS[classify(picked)]}${picked.name ? `（${picked.name}）` : ''}` },
                { key: 'effect', label: '影响', children: '保存后重新计算受影响的未完成期限' },
              ]}
            />
            <Typography.Text>名称（可选）</Typography.Text>
            <Input value={dayName} maxLength={40} onChange={(e) => setDayName(e.target.value)} placeholder="如 临时调整、国庆节调休" style={{ margin: '4px 0 12px' }} />
            <Space wrap>
              <Button type="primary" loading={saving === 'workday'} disabled={!!saving} onClick={() => setDay('workday')}>
                设为工作日
              </Button>
              <Button danger loading={saving === 'holiday'} disabled={!!saving} onClick={() => setDay('holiday')}>
                设为休息日
              </Button>
              <Button loading={saving === 'null'} disabled={!!saving} onClick={() => setDay(null)}>
                取消调整
              </Button>
            </Space>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
              “取消调整”删除管理员对这一天的单日调整，恢复官方安排或导入的安排。
            </Typography.Paragraph>
          </>
        )}
      </Modal>
    </div>
  );
}
