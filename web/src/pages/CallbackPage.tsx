// 回访台: the tickets waiting for a callback, and for the one selected the requester's contact, the
// facts, the unit's reply to read out, earlier attempts, and the form that records this call.
import { useCallback, useEffect, useRef, useState, type HTMLAttributes } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, App, Card, Col, Descriptions, Empty, Flex, Grid, Row, Spin, Table, Tag, Typography } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError, qs } from '../api';
import { useAuth } from '../auth';
import { ListBulkBar } from '../components/ListBulkBar';
import { SATISFACTION_LABELS, TYPE_LABELS } from '../labels';
import type { Page, TicketDetail, TicketSummary } from '../types';
import { formatTime } from '../components/ListColumns';
import { CallbackForm, CallbackHistory, CallbackReply, type CallbackBody } from '../components/CallbackPanels';

const PAGE_SIZE = 10;

function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const fields = e.problem.errors?.map((f) => f.message).filter(Boolean) ?? [];
    return fields.length ? `${e.message}：${fields.join('；')}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export default function CallbackPage() {
  const { message } = App.useApp();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const compact = !screens.md;
  const wide = !!screens.lg;
  const detailRef = useRef<HTMLDivElement>(null);

  const selectedNo = params.get('no');
  const page = Math.max(1, Number(params.get('page')) || 1);

  const setView = useCallback(
    (patch: { no?: string | null; page?: number }) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (patch.no !== undefined) patch.no ? next.set('no', patch.no) : next.delete('no');
          if (patch.page !== undefined) patch.page > 1 ? next.set('page', String(patch.page)) : next.delete('page');
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  // The queue.
  const [queue, setQueue] = useState<Page<TicketSummary> | null>(null);
  const [queueLoading, setQueueLoading] = useState(true);
  const [queueError, setQueueError] = useState<string | null>(null);
  const loadQueue = useCallback((p: number) => api<Page<TicketSummary>>(`/tickets${qs({ status: 'callback', sort: 'due', page: p, pageSize: PAGE_SIZE })}`), []);
  useEffect(() => {
    let live = true;
    setQueueLoading(true);
    loadQueue(page)
      .then((r) => {
        if (!live) return;
        setQueue(r);
        setQueueError(null);
      })
      .catch((e) => live && setQueueError(errorText(e)))
      .finally(() => live && setQueueLoading(false));
    return () => {
      live = false;
    };
  }, [page, loadQueue]);

  // 批量操作: rows ticked in the queue (a callback is one call at a time: the bar exports them).
  const [checked, setChecked] = useState<string[]>([]);
  useEffect(() => setChecked([]), [page]);

  // Without a ticket named in the URL, the first one in the queue.
  const current = selectedNo ?? queue?.items[0]?.no ?? null;

  // The selected ticket.
  const [loaded, setLoaded] = useState<TicketDetail | null>(null);
  // While another ticket loads, the last one's form is not shown: a result entered there would land on the wrong citizen.
  const ticket = loaded && loaded.no === current ? loaded : null;
  const [ticketLoading, setTicketLoading] = useState(false);
  const [ticketError, setTicketError] = useState<string | null>(null);
  useEffect(() => {
    if (!current) {
      setLoaded(null);
      return;
    }
    let live = true;
    setTicketLoading(true);
    setTicketError(null);
    api<TicketDetail>(`/tickets/${encodeURIComponent(current)}`)
      .then((t) => live && setLoaded(t))
      .catch((e) => {
        if (!live) return;
        setLoaded(null);
        setTicketError(errorText(e));
      })
      .finally(() => live && setTicketLoading(false));
    return () => {
      live = false;
    };
  }, [current]);

  const select = (no: string) => {
    setView({ no });
    if (!wide) window.setTimeout(() => detailRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }), 50);
  };

  const [submitting, setSubmitting] = useState(false);
  const submit = async (body: CallbackBody) => {
    if (!ticket) return;
    const no = ticket.no;
    setSubmitting(true);
    try {
      const after = await api<TicketDetail>(`/tickets/${no}/actions/callback`, { body });
      const outcome = !body.reached
        ? '已记录未联系上，工单仍在待回访'
        : after.status === 'in_progress'
          ? `已回访（${SATISFACTION_LABELS[body.satisfaction!]}），诉求合理，已退回${after.leadUnit?.name ?? '承办单位'}再次办理`
          : `已回访（${SATISFACTION_LABELS[body.satisfaction!]}），工单已办结`;
      message.success(outcome);
      // Move on: the ticket after this one in the queue as it stood, else the first other one left.
      const items = queue?.items ?? [];
      const index = items.findIndex((t) => t.no === no);
      const candidate = index >= 0 ? items[index + 1]?.no : undefined;
      let p = page;
      let fresh = await loadQueue(p);
      if (!fresh.items.length && p > 1) {
        p -= 1;
        fresh = await loadQueue(p);
      }
      setQueue(fresh);
      const next =
        (candidate && fresh.items.some((t) => t.no === candidate) ? candidate : undefined) ??
        fresh.items.find((t) => t.no !== no)?.no ??
        (fresh.items.some((t) => t.no === no) ? no : null);
      if (next === no) setLoaded(after);
      setView({ no: next, page: p });
      if (next && !wide) window.setTimeout(() => detailRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }), 50);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setSubmitting(false);
    }
  };

  const columns: ColumnsType<TicketSummary> = [
    {
      title: '工单编号',
      dataIndex: 'no',
      key: 'no',
      render: (no: string) => <span style={{ whiteSpace: 'nowrap', fontWeight: no === current ? 600 : undefined }}>{no}</span>,
    },
    { title: '类型', dataIndex: 'type', key: 'type', width: 64, render: (v: string, t) => t.typeLabel ?? TYPE_LABELS[v] ?? v },
    { title: '主办单位', dataIndex: 'leadUnit', key: 'leadUnit', ellipsis: true, responsive: ['sm'], render: (u: TicketSummary['leadUnit']) => u?.name ?? '—' },
  ];

  const canCall = !!ticket && ticket.actions.includes('callback');
  const attempts = ticket?.callbacks.filter((c) => c.round === ticket.round) ?? [];

  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 12 }}>
        回访台
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9} xxl={8}>
          <Card
            size="small"
            title={
              <span>
                待回访
                {queue && <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 'normal' }}>{queue.total} 张</Typography.Text>}
              </span>
            }
            styles={{ body: { padding: 0 } }}
          >
            {queueError && <Alert type="error" showIcon message={queueError} style={{ margin: 8 }} />}
            {user && (
              <div style={{ padding: checked.length ? '8px 8px 0' : 0 }}>
                <ListBulkBar role={user.role} selected={checked} actions={[]} onClear={() => setChecked([])} onDone={() => undefined} />
              </div>
            )}
            <Table<TicketSummary>
              data-testid="callback-queue"
              rowKey="no"
              rowSelection={{ selectedRowKeys: checked, onChange: (keys) => setChecked(keys.map(String)), columnWidth: 32 }}
              size="small"
              columns={columns}
              dataSource={queue?.items ?? []}
              loading={queueLoading}
              onRow={(t) =>
                ({
                  onClick: () => select(t.no),
                  style: { cursor: 'pointer', background: t.no === current ? '#e6f0ff' : undefined },
                  'data-ticket-no': t.no,
                  'aria-selected': t.no === current,
                }) as HTMLAttributes<HTMLElement>
              }
              onChange={(p) => setView({ page: p.current ?? 1, no: null })}
              pagination={{ current: queue?.page ?? page, pageSize: PAGE_SIZE, total: queue?.total ?? 0, hideOnSinglePage: true, simple: true, size: 'small' }}
              locale={{ emptyText: queueLoading ? '加载中…' : '没有待回访的工单' }}
            />
          </Card>
        </Col>

        <Col xs={24} lg={15} xxl={16}>
          <div ref={detailRef} style={{ scrollMarginTop: 8 }}>
            {!current ? (
              <Card>
                <Empty description={queueLoading ? '加载中…' : '待回访工单已全部处理'} />
              </Card>
            ) : (
              <Spin spinning={ticketLoading || (!ticket && !ticketError)}>
                {!ticket && !ticketError && <div style={{ minHeight: 160 }} />}
                {ticketError && <Alert type="error" showIcon message={ticketError} />}
                {ticket && (
                  <Card
                    size={compact ? 'small' : 'default'}
                    data-testid="callback-ticket"
                    data-ticket-no={ticket.no}
                    title={
                      <Flex wrap gap={8} align="center">
                        <span>{ticket.no}</span>
                        <Tag style={{ marginInlineEnd: 0 }}>{ticket.typeLabel}</Tag>
                        {ticket.round > 1 && <Tag color="orange" style={{ marginInlineEnd: 0 }}>第 {ticket.round} 轮</Tag>}
                        {attempts.length > 0 && <Tag style={{ marginInlineEnd: 0 }}>本轮已回访 {attempts.length} 次</Tag>}
                      </Flex>
                    }
                    extra={<Link to={`/tickets/${ticket.no}`}>工单详情</Link>}
                  >
                    {!canCall && (
                      <Alert
                        type="warning"
                        showIcon
                        style={{ marginBottom: 12 }}
                        message={ticket.status === 'callback' ? '您不能回访此工单' : `该工单当前为「${ticket.statusLabel}」，不在待回访状态`}
                      />
                    )}
                    <Descriptions size="small" column={compact ? 1 : 2} style={{ marginBottom: 12 }} data-testid="callback-requester">
                      <Descriptions.Item label="诉求人">
                        {ticket.requester.name ?? '—'}
                        {ticket.requester.confidential && <Tag color="red" style={{ marginInlineStart: 6 }}>要求保密</Tag>}
                      </Descriptions.Item>
                      <Descriptions.Item label="联系电话">
                        {ticket.requester.phone ? (
                          <a href={`tel:${ticket.requester.phone}`} style={{ fontSize: 18, fontWeight: 600, whiteSpace: 'nowrap' }} data-testid="callback-phone">
                            <PhoneOutlined /> {ticket.requester.phone}
                          </a>
                        ) : (
                          '—'
                        )}
                      </Descriptions.Item>
                      <Descriptions.Item label="分类">{ticket.category ?? '—'}</Descriptions.Item>
                      <Descriptions.Item label="受理时间">{formatTime(ticket.createdAt)}</Descriptions.Item>
                      <Descriptions.Item label="主办单位">{ticket.leadUnit?.name ?? '—'}</Descriptions.Item>
                      {ticket.address && <Descriptions.Item label="地址">{ticket.address}</Descriptions.Item>}
                    </Descriptions>

                    <Typography.Title level={5} style={{ marginTop: 0 }}>诉求内容</Typography.Title>
                    <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="callback-facts">
                      {ticket.facts}
                    </Typography.Paragraph>

                    <Typography.Title level={5}>单位答复（请向诉求人宣读）</Typography.Title>
                    <CallbackReply ticket={ticket} />

                    <Typography.Title level={5} style={{ marginTop: 16 }}>以往回访</Typography.Title>
                    <CallbackHistory ticket={ticket} />

                    <Card type="inner" size="small" title="本次回访" style={{ marginTop: 8 }}>
                      <CallbackForm key={`${ticket.no}:${ticket.callbacks.length}`} ticket={ticket} compact={compact} submitting={submitting} disabled={!canCall} onSubmit={submit} />
                    </Card>
                  </Card>
                )}
              </Spin>
            )}
          </div>
        </Col>
      </Row>
    </div>
  );
}
