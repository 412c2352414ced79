// Importing a year's State Council holiday notice: the admin pastes one date (or range) per line into
// 放假 and 调休上班, checks the preview, then sends it. The server replaces that year's earlier import
// and recomputes every deadline it moves (open and recently finished duties, 督办 items, 差评 reviews);
// the answer's summary is shown by RecomputeSummaryView.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Col, Form, Input, Modal, Row, Space, Table, Tag, Typography } from 'antd';
import { api } from '../api';
import { errorText } from './AdminCommon';
import { classify, weekdayName, type YearDay } from './AdminYearCalendar';
import type { ChangedKind, RecomputeSummary } from '../../../src/calendar/contract.ts';

export interface ParsedDay {
  date: string;
  name: string;
  list: 'holidays' | 'workdays';
  note?: string;
}

/** What the server recomputed: its own declaration (src/calendar/contract.ts). */
export type { RecomputeSummary };

const CHANGED_KIND_LABELS: Record<ChangedKind, string> = {
  open_duty: '未完成职责',
  finished_duty: '已完成职责',
  supervision_item: '督办事项',
  rating_review: '差评处理',
};
const WHAT_LABELS: Record<string, string> = {
  sign: '签收', reply: '答复', opinion: '协办意见', first_response: '首次响应', progress: '进展', settle_dispute: '争议裁定',
  plan: '处理办法', verify: '核实', rectify: '整改', appeal: '申诉复核', callback: '回访',
};
const short = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const lateText = (late?: boolean) => (late === undefined ? '' : late ? '超期' : '按期');

/** The counts per kind and the changed objects the server listed. */
export function RecomputeSummaryView({ summary }: { summary: RecomputeSummary }) {
  return (
    <div data-testid="calendar-recompute-summary">
      <Typography.Paragraph style={{ marginBottom: 6 }}>
        重新计算了 {summary.total} 项期限：未完成职责 {summary.openDuties} 项，近 {summary.finishedWindowDays} 天已完成的职责 {summary.finishedDuties} 项，督办事项 {summary.supervisionItems} 项，差评处理 {summary.ratingReviews} 项；其中 {summary.lateFlags} 项的超期认定随之改变。
      </Typography.Paragraph>
      {summary.changed.length > 0 && (
        <Table
          size="small"
          rowKey={(c) => `${c.kind}-${c.id}`}
          dataSource={summary.changed}
          pagination={summary.changed.length > 8 ? { pageSize: 8, size: 'small' } : false}
          columns={[
            { title: '对象', dataIndex: 'kind', width: 100, render: (k: ChangedKind) => CHANGED_KIND_LABELS[k] },
            { title: '工单', dataIndex: 'ticketNo', width: 170, render: (no: string | null, c) => no ?? (c.kind === 'supervision_item' ? `督办事项 ${c.id}` : '') },
            { title: '期限', dataIndex: 'what', width: 100, render: (w: string) => w.split(',').map((x) => WHAT_LABELS[x] ?? x).join('、') },
            { title: '原期限', dataIndex: 'dueFrom', render: short },
            { title: '新期限', dataIndex: 'dueTo', render: short },
            { title: '超期认定', key: 'late', render: (_: unknown, c) => (c.lateFrom === undefined || c.lateFrom === c.lateTo ? lateText(c.lateTo) : <Typography.Text type="warning">{`${lateText(c.lateFrom)} → ${lateText(c.lateTo)}`}</Typography.Text>) },
          ]}
        />
      )}
      {summary.more > 0 && <Typography.Text type="secondary">另有 {summary.more} 项未列出（审计日志中有汇总）。</Typography.Text>}
    </div>
  );
}

export interface ImportResult {
  year: number;
  recomputedDeadlines: number;
  recomputed?: RecomputeSummary;
  status: { year: number; official: boolean; source: string };
  holidays: number;
  workdays: number;
}

const DATE = String.raw`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?`;
const LINE = new RegExp(String.raw`^${DATE}(?:\s*(?:~|～|至|到|—|–)\s*(?:${DATE}|(\d{1,2})\s*日?))?\s*[，,、:：]?\s*(.*)$`);

function toIso(y: string, m: string, d: string): string | null {
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const ms = Date.parse(`${iso}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === iso ? iso : null;
}

const nextDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * One line per date or range: `2027-01-01 元旦`, `2027-02-10~2027-02-16 春节`, `2027-10-01至07 国庆节`,
 * `2027年2月7日 春节调休`. Empty lines and lines starting with # are skipped.
 */
export function parseLines(text: string, year: number, list: 'holidays' | 'workdays'): { days: ParsedDay[]; errors: string[] } {
  const days: ParsedDay[] = [];
  const errors: string[] = [];
  const label = list === 'holidays' ? '放假' : '调休上班';
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\u3000/g, ' ').trim();
    if (!line || line.startsWith('#')) return;
    const m = LINE.exec(line);
    const where = `${label}第 ${i + 1} 行「${line}」`;
    if (!m) return errors.push(`${where}：应以日期开头，如 ${year}-01-01 元旦`);
    const from = toIso(m[1], m[2], m[3]);
    const to = m[4] ? toIso(m[4], m[5], m[6]) : m[7] ? toIso(m[1], m[2], m[7]) : from;
    if (!from || !to) return errors.push(`${where}：日期无效`);
    if (from.slice(0, 4) !== String(year) || to.slice(0, 4) !== String(year)) return errors.push(`${where}：日期不属于 ${year} 年`);
    if (to < from) return errors.push(`${where}：结束日期早于开始日期`);
    const name = m[8].trim().slice(0, 40) || (list === 'workdays' ? '调休上班' : '');
    let count = 0;
    for (let d = from; d <= to; d = nextDay(d)) {
      if (++count > 31) return errors.push(`${where}：一段最多 31 天`);
      days.push({ date: d, name, list });
    }
  });
  return { days, errors };
}

/** Both lists checked together: no date twice, and a hint where a line changes nothing. */
export function preview(holidaysText: string, workdaysText: string, year: number): { days: ParsedDay[]; errors: string[] } {
  const h = parseLines(holidaysText, year, 'holidays');
  const w = parseLines(workdaysText, year, 'workdays');
  const errors = [...h.errors, ...w.errors];
  const seen = new Map<string, ParsedDay>();
  for (const d of [...h.days, ...w.days]) {
    const before = seen.get(d.date);
    if (before) {
      errors.push(before.list === d.list ? `${d.date} 重复出现` : `${d.date} 不能既放假又调休上班`);
      continue;
    }
    seen.set(d.date, d);
    const weekend = [0, 6].includes(new Date(`${d.date}T00:00:00Z`).getUTCDay());
    if (d.list === 'workdays' && !weekend) d.note = '本来就是工作日';
  }
  if (h.days.length > 120) errors.push(`放假最多 120 天，现有 ${h.days.length} 天`);
  if (w.days.length > 120) errors.push(`调休上班最多 120 天，现有 ${w.days.length} 天`);
  const days = [...seen.values()].sort((a, b) => a.date.localeCompare(b.date));
  return { days, errors };
}

/** The current arrangement of a year as import lines (to start an amended import from). */
export function currentLines(days: YearDay[]): { holidays: string; workdays: string } {
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (const d of days) {
    const kind = classify(d);
    if (kind === 'holiday') holidays.push(`${d.date} ${d.name ?? ''}`.trim());
    if (kind === 'swap') workdays.push(`${d.date} ${d.name ?? ''}`.trim());
  }
  return { holidays: holidays.join('\n'), workdays: workdays.join('\n') };
}

export function CalendarImportModal({
  year,
  open,
  current,
  onClose,
  onImported,
}: {
  year: number;
  open: boolean;
  current: YearDay[];
  onClose: () => void;
  onImported: (result: ImportResult) => void;
}) {
  const { message } = App.useApp();
  const [holidays, setHolidays] = useState('');
  const [workdays, setWorkdays] = useState('');
  const [note, setNote] = useState('');
  const [shown, setShown] = useState<{ key: string; days: ParsedDay[]; errors: string[] } | null>(null);
  const [sending, setSending] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const key = `${year}\n${holidays}\n---\n${workdays}`;
  const stale = !!shown && shown.key !== key;
  const canSend = !!shown && !stale && !shown.errors.length && shown.days.length > 0;
  const counts = useMemo(
    () => ({ holidays: shown?.days.filter((d) => d.list === 'holidays').length ?? 0, workdays: shown?.days.filter((d) => d.list === 'workdays').length ?? 0 }),
    [shown],
  );

  const doPreview = () => {
    setServerError(null);
    setShown({ key, ...preview(holidays, workdays, year) });
  };

  const send = async () => {
    if (!shown) return;
    setSending(true);
    setServerError(null);
    try {
      const pick = (list: 'holidays' | 'workdays') => shown.days.filter((d) => d.list === list).map((d) => (d.name ? { date: d.date, name: d.name } : { date: d.date }));
      const body = { holidays: pick('holidays'), workdays: pick('workdays'), ...(note.trim() ? { note: note.trim() } : {}) };
      const res = await api<Omit<ImportResult, 'holidays' | 'workdays'>>(`/calendar/years/${year}/import`, { method: 'POST', body });
      message.success(`已导入 ${year} 年节假日安排`);
      onImported({ ...res, holidays: body.holidays.length, workdays: body.workdays.length });
      setShown(null);
      setHolidays('');
      setWorkdays('');
      setNote('');
    } catch (err) {
      setServerError(errorText(err));
    } finally {
      setSending(false);
    }
  };

  const placeholderH = `${year}-01-01 元旦\n${year}-02-10~${year}-02-16 春节\n${year}-10-01至07 国庆节`;
  const placeholderW = `${year}-02-07 春节调休\n${year}-09-26 国庆节调休`;

  return (
    <Modal
      open={open}
      title={`导入 ${year} 年国务院节假日安排`}
      width={860}
      onCancel={onClose}
      footer={
        <Space wrap>
          <Button onClick={onClose}>取消</Button>
          <Button onClick={doPreview} type={canSend ? 'default' : 'primary'}>
            预览
          </Button>
          <Button type="primary" disabled={!canSend} loading={sending} onClick={send}>
            确认导入（{counts.holidays} 天放假、{counts.workdays} 天调休上班）
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        每行一个日期或一段日期，后接名称，例如「{year}-01-01 元旦」「{year}-02-10~{year}-02-16 春节」。导入会替换该年此前导入的安排（管理员的单日调整仍然有效），并重新计算受影响的期限：未完成的职责、督办事项和差评处理，以及近期已完成的职责（连同其超期认定）。
        {current.length > 0 && (
          <Button
            type="link"
            size="small"
            onClick={() => {
              const lines = currentLines(current);
              setHolidays(lines.holidays);
              setWorkdays(lines.workdays);
            }}
          >
            填入当前日历中的安排
          </Button>
        )}
      </Typography.Paragraph>
      <Form layout="vertical">
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item label="放假（休息日）" style={{ marginBottom: 8 }}>
              <Input.TextArea rows={7} value={holidays} onChange={(e) => setHolidays(e.target.value)} placeholder={placeholderH} aria-label="放假日期" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label="调休上班（周末上班）" style={{ marginBottom: 8 }}>
              <Input.TextArea rows={7} value={workdays} onChange={(e) => setWorkdays(e.target.value)} placeholder={placeholderW} aria-label="调休上班日期" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="说明（如通知文号）" style={{ marginBottom: 8 }}>
          <Input value={note} maxLength={300} onChange={(e) => setNote(e.target.value)} placeholder={`国务院办公厅关于${year}年部分节假日安排的通知`} />
        </Form.Item>
      </Form>
      {serverError && <Alert type="error" showIcon message={serverError} style={{ marginBottom: 8 }} />}
      {stale && <Alert type="info" showIcon message="内容已修改，请重新预览后再导入" style={{ marginBottom: 8 }} />}
      {shown && !stale && (
        <>
          {shown.errors.length > 0 ? (
            <Alert type="error" showIcon message={`有 ${shown.errors.length} 处需要修改`} description={<ul style={{ margin: 0, paddingLeft: 18 }}>{shown.errors.map((e) => <li key={e}>{e}</li>)}</ul>} style={{ marginBottom: 8 }} />
          ) : shown.days.length === 0 ? (
            <Alert type="warning" showIcon message="没有可导入的日期" style={{ marginBottom: 8 }} />
          ) : (
            <Alert type="success" showIcon message={`预览：${counts.holidays} 天放假、${counts.workdays} 天调休上班，确认无误后点击“确认导入”`} style={{ marginBottom: 8 }} />
          )}
          <Table<ParsedDay>
            size="small"
            rowKey="date"
            dataSource={shown.days}
            pagination={shown.days.length > 8 ? { pageSize: 8, size: 'small' } : false}
            columns={[
              { title: '日期', dataIndex: 'date', width: 120 },
              { title: '星期', dataIndex: 'date', key: 'weekday', width: 90, render: (d: string) => weekdayName(d) },
              { title: '安排', dataIndex: 'list', width: 110, render: (l: string) => (l === 'holidays' ? <Tag color="red">休 放假</Tag> : <Tag color="orange">班 调休上班</Tag>) },
              { title: '名称', dataIndex: 'name' },
              { title: '提示', dataIndex: 'note', render: (n?: string) => (n ? <Typography.Text type="warning">{n}</Typography.Text> : null) },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
