// Screen-pop on the intake desk: the answered call named in the URL (/intake?call=ID) fills in the
// caller's number and shows the call (queue, wait) above the form, with a red warning when the number
// is restricted (第三十二条). A message turned into a ticket (转工单) arrives as router state instead.
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Space, Tag, Typography, type FormInstance } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { api, ApiError, qs } from '../api';
import type { TicketSummary } from '../types';
import { fmtTime } from './TicketRefData';
import { RESTRICTION_REASONS, itemsOf, queueLabel, waitedSeconds, type CallView, type RestrictionView, type ScreenPopView } from '../pages/calls/callTypes';

type Restriction = NonNullable<CallView['restriction']>;

/** What a message's 转工单 hands to the intake desk. */
export interface IntakePrefill {
  phone?: string | null;
  facts?: string;
  channel?: string;
}

const CLOSED = new Set(['closed', 'archived', 'answered', 'rejected', 'transferred', 'merged']);

export interface CallPop {
  callId: string | null;
  call: ScreenPopView | null;
  restriction: Restriction | null;
  error: string | null;
  /** Fill the caller's number into the form again (after 清空). */
  fill(): void;
  /** The ticket for this call is recorded: the banner goes away. */
  done(ticketNo?: string): void;
  /** Another tab of this browser holds the intake form of this call. */
  otherTab: boolean;
  /** The ticket the call is already registered as (by the server, or another tab just now). */
  registeredNo: string | null;
}

/** This tab, among the browser's tabs that share localStorage. */
const TAB = Math.random().toString(36).slice(2);
const CLAIM_TTL_MS = 6_000;
const claimKey = (id: string) => `hotline.callClaim.${id}`;
const registeredKey = (id: string) => `hotline.callRegistered.${id}`;

function liveClaim(id: string): { tab: string; at: number } | null {
  try {
    const c = JSON.parse(localStorage.getItem(claimKey(id)) ?? 'null') as { tab: string; at: number } | null;
    return c && Date.now() - c.at < CLAIM_TTL_MS ? c : null;
  } catch {
    return null;
  }
}

/**
 * One intake form per call across the browser's tabs: the first tab that shows the call claims it
 * (a heartbeat in localStorage); another tab opened on the same call is told so, and learns the
 * ticket number when the first one registers it. The server refuses a second ticket anyway.
 */
function useCallClaim(callId: string | null) {
  const [otherTab, setOtherTab] = useState(false);
  const [registered, setRegistered] = useState<string | null>(null);
  useEffect(() => {
    setOtherTab(false);
    setRegistered(null);
    if (!callId) return;
    const key = claimKey(callId);
    const tryClaim = () => {
      const c = liveClaim(callId);
      if (c && c.tab !== TAB) {
        setOtherTab(true);
        return;
      }
      setOtherTab(false);
      localStorage.setItem(key, JSON.stringify({ tab: TAB, at: Date.now() }));
    };
    tryClaim();
    setRegistered(localStorage.getItem(registeredKey(callId)));
    const beat = window.setInterval(tryClaim, 2_000);
    const onStorage = (e: StorageEvent) => {
      if (e.key === registeredKey(callId)) setRegistered(e.newValue);
      if (e.key === key && !e.newValue) tryClaim();
    };
    const release = () => {
      if (liveClaim(callId)?.tab === TAB) localStorage.removeItem(key);
    };
    window.addEventListener('storage', onStorage);
    window.addEventListener('beforeunload', release);
    return () => {
      window.clearInterval(beat);
      window.removeEventListener('storage', onStorage);
      window.removeEventListener('beforeunload', release);
      release();
    };
  }, [callId]);
  return { otherTab, registered };
}

export function useCallPop(form: FormInstance): CallPop {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const callId = params.get('call');
  const [call, setCall] = useState<ScreenPopView | null>(null);
  const [restriction, setRestriction] = useState<Restriction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const claim = useCallClaim(callId);

  const fillFrom = useCallback(
    (c: CallView | null) => {
      if (!c?.caller) return;
      form.setFieldValue(['requester', 'phone'], c.caller);
      form.setFieldValue('channel', 'phone');
    },
    [form],
  );

  useEffect(() => {
    setCall(null);
    setRestriction(null);
    setError(null);
    if (!callId) return;
    let live = true;
    (async () => {
      // The seat's own screen-pop carries the caller's open tickets and restriction; a call looked up
      // later (the agent came back to it) is read on its own.
      const seat = await api<{ call: ScreenPopView | null }>('/seats/me').catch(() => null);
      let c: ScreenPopView | null = seat?.call && String(seat.call.id) === callId ? seat.call : null;
      if (!c) c = await api<ScreenPopView>(`/calls/${encodeURIComponent(callId)}`);
      if (!live) return;
      setCall(c);
      fillFrom(c);
      if (c.restriction !== undefined) setRestriction(c.restriction);
      else if (c.caller) {
        const list = await api<RestrictionView[] | { items: RestrictionView[] }>(`/restrictions${qs({ phone: c.caller, status: 'active' })}`).catch(() => null);
        const hit = itemsOf(list).find((r) => r.status === 'active' && r.phone === c.caller);
        if (live && hit) setRestriction({ id: hit.id, until: hit.until ?? null, reason: hit.reason });
      }
    })().catch((e) => live && setError(e instanceof ApiError ? e.message : '来电信息读取失败'));
    return () => {
      live = false;
    };
  }, [callId, fillFrom]);

  // 转工单 from the message queue: the text and the sender's number, once.
  useEffect(() => {
    const prefill = (location.state as { prefill?: IntakePrefill } | null)?.prefill;
    if (!prefill) return;
    if (prefill.phone) form.setFieldValue(['requester', 'phone'], prefill.phone);
    if (prefill.facts) form.setFieldValue('facts', prefill.facts);
    if (prefill.channel) form.setFieldValue('channel', prefill.channel);
    navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }, [location, navigate, form]);

  const done = useCallback(
    (ticketNo?: string) => {
      if (callId && ticketNo) localStorage.setItem(registeredKey(callId), ticketNo);
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.delete('call');
          return next;
        },
        { replace: true },
      );
    },
    [setParams, callId],
  );
  return { callId, call, restriction, error, fill: () => fillFrom(call), done, otherTab: claim.otherTab, registeredNo: claim.registered ?? call?.ticketNo ?? null };
}

export function CallPopBanner({ pop, history }: { pop: CallPop; history: TicketSummary[] | null }) {
  const { callId, call, restriction, error } = pop;
  if (!callId) return null;
  if (error) return <Alert type="warning" showIcon style={{ marginBottom: 10 }} message={`来电 #${callId}：${error}`} />;
  if (!call) return null;
  const openTickets = call.history?.openTickets ?? history?.filter((t) => !CLOSED.has(t.status)) ?? null;
  const open = openTickets?.length ?? null;
  const restricted = !!restriction || !!call.restricted;
  return (
    <div data-testid="call-pop" data-call-id={call.id} style={{ marginBottom: 10 }}>
      <Alert
        type="info"
        showIcon
        icon={<PhoneOutlined />}
        style={{ padding: '4px 12px' }}
        message={
          <Space wrap size={[12, 0]}>
            <span>
              来电 <Typography.Text strong data-testid="call-pop-caller">{call.caller ?? '未知号码'}</Typography.Text>
            </span>
            <span>队列：{queueLabel(call.queue, call.queueLabel)}</span>
            <span data-testid="call-pop-wait">等待 {waitedSeconds(call) ?? '—'} 秒</span>
            {call.answeredAt && <Typography.Text type="secondary">接听 {fmtTime(call.answeredAt).slice(11)}</Typography.Text>}
            {open !== null && (
              <span data-testid="call-pop-open">
                <Tag color={open ? 'orange' : 'default'} style={{ marginInlineEnd: 4 }}>
                  未办结工单 {open} 张
                </Tag>
                {openTickets!.slice(0, 3).map((t) => (
                  <Link key={t.no} to={`/tickets/${t.no}`} target="_blank" rel="noopener" style={{ marginInlineEnd: 6 }}>
                    {t.no}
                  </Link>
                ))}
              </span>
            )}
            <Typography.Text type="secondary">通话编号 {call.id}</Typography.Text>
            <Button size="small" type="link" style={{ padding: 0 }} onClick={pop.fill}>
              重新填入号码
            </Button>
          </Space>
        }
      />
      {pop.registeredNo ? (
        <Alert
          data-testid="call-pop-registered"
          type="warning"
          showIcon
          style={{ marginTop: 6, padding: '4px 12px' }}
          message={
            <span>
              该来电已登记为工单 <Link to={`/tickets/${pop.registeredNo}`}>{pop.registeredNo}</Link>；同一来电的另一诉求请勾选「同一来电的另一诉求」后提交
            </span>
          }
        />
      ) : (
        pop.otherTab && (
          <Alert
            data-testid="call-pop-other-tab"
            type="warning"
            showIcon
            style={{ marginTop: 6, padding: '4px 12px' }}
            message="该来电正在另一个标签页登记：本页可查阅资料，请回到那个标签页提交，以免重复登记"
          />
        )
      )}
      {restricted && (
        <Alert
          data-testid="call-pop-restricted"
          type="error"
          showIcon
          style={{ marginTop: 6, padding: '4px 12px' }}
          message={
            <span>
              该号码已被限制呼入（第三十二条）
              {restriction ? `：${RESTRICTION_REASONS[restriction.reason] ?? restriction.reasonLabel ?? restriction.reason}${restriction.until ? `，至 ${fmtTime(restriction.until)}` : ''}` : ''}
            </span>
          }
        />
      )}
    </div>
  );
}
