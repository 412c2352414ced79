// 工单详情: everything about one ticket as the viewer may see it, its timeline, and the actions the
// server says the viewer may take now. The requester is shown as the API gives it (masked for units).
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, ConfigProvider, Descriptions, Grid, Result, Row, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { ApiError, api } from '../api';
import { useAuth } from '../auth';
import { LightBadge } from '../components/LightBadge';
import { CHANNEL_LABELS, DECLINE_REASONS, REJECT_REASONS, SATISFACTION_LABELS, TYPE_LABELS } from '../labels';
import type { TicketDetail, TicketEvent } from '../types';
import { ActionPanel } from '../components/ActionPanel';
import { SuperviseButton } from '../components/SupervisionShared';
import { statusColor } from '../components/IntakePanels';
import { CallTicketLink } from '../components/CallTicketLink';
import { TicketCallbacks, TicketDuties, TicketLinks, TicketRequests, TicketSubmissions, TicketTimeline, type TimelineArchived } from '../components/TicketSections';
import { TimeLeft } from '../components/ListColumns';
import { EMERGENCY_LINE_LABELS, ORIGIN_LABELS, REQUESTER_KIND_LABELS, RESOLUTION_LABELS, fmtTime } from '../components/TicketRefData';

/** Spans the whole row at every breakpoint of the Descriptions' `column`. */
const FULL_ROW = { xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 3 };

function resolutionText(t: TicketDetail): string | null {
  if (!t.resolution) return null;
  const label = RESOLUTION_LABELS[t.resolution] ?? t.resolution;
  const note = t.resolutionNote;
  if (!note) return label;
  if (t.resolution === 'rejected') return `${label}（第十一条（${note.split('.')[1]}）${REJECT_REASONS[note] ?? ''}）`;
  if (t.resolution === 'declined') return `${label}（第十七条（${note.split('.')[1]}）${DECLINE_REASONS[note] ?? ''}）`;
  if (t.resolution === 'emergency_transfer') return `${label}（${EMERGENCY_LINE_LABELS[note] ?? note}）`;
  return `${label}（${note}）`;
}

export default function TicketDetailPage() {
  const { no = '' } = useParams();
  const screens = Grid.useBreakpoint();
  const wide = !!screens.lg;
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [events, setEvents] = useState<TicketEvent[]>([]);
  const [archived, setArchived] = useState<TimelineArchived>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [contactRevealed, setContactRevealed] = useState(false);
  // Set when an action succeeded but took the ticket out of the user's units (the answer is then minimal).
  const [handedOff, setHandedOff] = useState<string | null>(null);
  const { user } = useAuth();

  const loadEvents = useCallback(async () => {
    const r = await api<{ items: TicketEvent[]; archived: TimelineArchived }>(`/tickets/${encodeURIComponent(no)}/events`);
    setEvents(r.items);
    setArchived(r.archived ?? null);
  }, [no]);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [t] = await Promise.all([api<TicketDetail>(`/tickets/${encodeURIComponent(no)}`), loadEvents()]);
      setTicket(t);
      setContactRevealed(false);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, { title: '网络异常，请重试', status: 0 }));
    } finally {
      setLoading(false);
    }
  }, [no, loadEvents]);

  useEffect(() => {
    setTicket(null);
    setHandedOff(null);
    void load();
  }, [load]);

  const onDone = (result: TicketDetail & Record<string, unknown>, action: string) => {
    if (result.visible === false) {
      setHandedOff(String(result.statusLabel ?? result.status));
      return;
    }
    if (action === 'reveal_contact') {
      // The answer carries the full contact in `requester` (name, phone, idNumber) in place of the masked one.
      setTicket((prev) => ({ ...result, requester: { ...(prev?.requester ?? result.requester), ...result.requester, masked: false } }));
      setContactRevealed(true);
    } else {
      setTicket(result);
    }
    void loadEvents().catch(() => undefined);
  };

  if (handedOff) {
    return (
      <Result
        status="success"
        title="操作已完成"
        subTitle={`工单 ${no} 已不在本单位的办理范围内（当前状态：${handedOff}）。`}
        extra={<Link to="/tickets">返回工单列表</Link>}
      />
    );
  }
  if (loading && !ticket) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (error && !ticket) {
    return (
      <Result
        status={error.status === 404 ? '404' : error.status === 403 ? '403' : 'error'}
        title={error.status === 404 ? '工单不存在或无权查看' : '无法打开工单'}
        subTitle={error.message}
        extra={<Link to="/tickets">返回工单列表</Link>}
      />
    );
  }
  if (!ticket) return null;
  const t = ticket;
  const r = t.requester;

  const header = (
    <Card size="small">
      <Space wrap align="center" size={[10, 6]}>
        <Typography.Title level={4} style={{ margin: 0 }} copyable={{ text: t.no, tooltips: ['复制工单编号', '已复制'] }}>
          {t.no}
        </Typography.Title>
        <Tag color={statusColor(t.status)} data-testid="ticket-status" style={{ fontSize: 14, padding: '2px 8px' }}>
          {t.statusLabel}
        </Tag>
        <Tag>{t.typeLabel ?? TYPE_LABELS[t.type]}</Tag>
        {t.category && <Typography.Text>{t.category}</Typography.Text>}
        <LightBadge light={t.light} />
        {t.special === 'special' && <Tag color="orange">特殊事项</Tag>}
        {t.special === 'special_emergency' && <Tag color="red">特殊紧急事项</Tag>}
        {t.supervised && <Tag color="magenta">督办</Tag>}
        {t.provisional && (
          <Tooltip title="所在年份尚无节假日数据，时限按周一至周五暂算，导入日历后重算">
            <Tag color="gold">时限待定</Tag>
          </Tooltip>
        )}
      </Space>
      <div style={{ marginTop: 6 }}>
        <Space wrap size={[16, 4]}>
          <Typography.Text type="secondary">
            下一时限：<Typography.Text strong={!!t.nextDueAt}>{t.nextDueAt ? fmtTime(t.nextDueAt) : '—'}</Typography.Text>
            {t.nextDueAt && (
              <>
                {'（'}
                <TimeLeft dueAt={t.nextDueAt} light={t.light} />
                {'）'}
              </>
            )}
          </Typography.Text>
          <Typography.Text type="secondary">主办单位：{t.leadUnit?.name ?? '—'}</Typography.Text>
          {(t.assignees?.length ?? 0) > 0 && (
            <Typography.Text type="secondary" data-testid="ticket-assignees">
              承办人：
              {t.assignees!.map((a, i) => (
                <span key={`${a.unit?.code}-${a.username}`}>
                  {i > 0 && '、'}
                  <Typography.Text strong>{a.name}</Typography.Text>
                  {t.assignees!.length > 1 && a.unit ? `（${a.unit.name}）` : ''}
                  {a.mine && <Tag color="blue" style={{ marginLeft: 4 }}>我</Tag>}
                </span>
              ))}
            </Typography.Text>
          )}
          <Typography.Text type="secondary">受理：{fmtTime(t.createdAt)}</Typography.Text>
          <Button size="small" type="text" icon={<ReloadOutlined />} onClick={() => void load()} loading={loading} aria-label="刷新">
            刷新
          </Button>
          <Button size="small" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="print-ticket">
            打印
          </Button>
        </Space>
      </div>
      {/* On paper only: who printed it and when, under the console's watermark. */}
      <div className="print-only" data-testid="print-by" style={{ marginTop: 6, fontSize: 12, color: '#595959' }}>
        打印人：{user?.displayName}（{user?.username}）{user?.unit ? ` · ${user.unit.name}` : ''} · {new Date().toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}　仅限工作使用，不得转发、外传
      </div>
    </Card>
  );

  const details = (
    <Card size="small" title="工单信息" role="region" aria-label="工单信息">
      <Descriptions
        size="small"
        bordered
        column={FULL_ROW}
        styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
        items={[
          {
            key: 'name',
            label: '诉求人',
            children: (
              <Space size={4} wrap>
                <span data-testid="requester-name">{r.name || '—'}</span>
                <Typography.Text type="secondary">{REQUESTER_KIND_LABELS[r.kind] ?? r.kind}</Typography.Text>
                {r.confidential && <Tag color="purple">要求保密</Tag>}
                {r.masked && <Tag>已脱敏</Tag>}
                {contactRevealed && <Tag color="blue">已查看完整信息</Tag>}
              </Space>
            ),
          },
          { key: 'phone', label: '联系电话', children: <span data-testid="requester-phone" style={{ whiteSpace: 'nowrap' }}>{r.phone || '—'}</span> },
          { key: 'id', label: '证件号码', span: 'filled' as const, children: r.idNumber || '—' },
          { key: 'facts', label: '诉求内容', span: FULL_ROW, children: <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{t.facts}</Typography.Paragraph> },
          { key: 'address', label: '涉事地址', children: t.address || '—' },
          { key: 'district', label: '县（市）区', children: t.district?.name ?? '—' },
          { key: 'category', label: '诉求分类', children: t.category ?? '—' },
          {
            key: 'channel',
            label: '受理渠道',
            children: (
              <span>
                {CHANNEL_LABELS[t.channel] ?? t.channel}
                {t.origin !== 'local' && <Tag style={{ marginLeft: 6 }}>{ORIGIN_LABELS[t.origin] ?? t.origin}</Tag>}
              </span>
            ),
          },
          ...(t.externalId ? [{ key: 'ext', label: '外部编号', children: t.externalId }] : []),
          { key: 'lead', label: '主办单位', children: t.leadUnit?.name ?? '—' },
          { key: 'round', label: '办理轮次', children: t.round ? `第 ${t.round} 轮` : '未派单' },
          { key: 'sat', label: '满意度', children: t.satisfaction ? SATISFACTION_LABELS[t.satisfaction] ?? t.satisfaction : '—' },
          { key: 'repeat', label: '重复来电', children: t.repeatCount ? `${t.repeatCount} 次` : '—' },
          ...(t.resolution ? [{ key: 'res', label: '处理结果', children: resolutionText(t) }] : []),
          { key: 'created', label: '受理时间', children: fmtTime(t.createdAt) },
          { key: 'closed', label: '办结时间', children: fmtTime(t.closedAt) },
          ...(t.callId || t.call ? [{ key: 'call', label: '来电', span: 'filled' as const, children: <CallTicketLink ticket={t} /> }] : []),
          { key: 'links', label: '关联工单', span: 'filled' as const, children: <TicketLinks links={t.links} /> },
        ]}
      />
    </Card>
  );

  const actions = <div className="no-print"><Space direction="vertical" size={12} style={{ width: '100%' }}><ActionPanel ticket={t} onDone={onDone} /><SuperviseButton ticketNo={t.no} onDone={() => void load()} label="发起督办" /></Space></div>;

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        {error && <Alert type="error" showIcon message={error.message} closable onClose={() => setError(null)} />}
        {header}
        <Row gutter={[12, 12]} className="print-one-column">
          <Col xs={24} lg={17}>
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              {!wide && actions}
              {details}
              <TicketDuties duties={t.duties} round={t.round} />
              <TicketSubmissions submissions={t.submissions} />
              <TicketRequests requests={t.requests} />
              <TicketCallbacks callbacks={t.callbacks} />
            </Space>
          </Col>
          <Col xs={24} lg={7}>
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              {wide && actions}
              <TicketTimeline events={events} archived={archived} />
            </Space>
          </Col>
        </Row>
      </Space>
    </ConfigProvider>
  );
}
