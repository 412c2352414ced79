// The seat bar in the header of agents and team leads: the seat's state and time in it, the wrap-up
// countdown, and log on / ready / not-ready with a reason, each on a key (Alt+L, Alt+R, Alt+N).
// Logging on makes the seat ready at once, as the seat rules have it.
// It polls the seat every 2 s and opens the intake desk when a new call is answered (screen-pop).
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { App, Button, Dropdown, Grid, Space, Tag, Tooltip, Typography } from 'antd';
import { CoffeeOutlined, LoginOutlined, LogoutOutlined, PhoneOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import {
  NOT_READY_REASONS,
  SEAT_STATE_COLORS,
  SEAT_STATE_LABELS,
  clock,
  queueLabel,
  waitedSeconds,
  type SeatState,
  type SeatView,
} from '../pages/calls/callTypes';

const POLL_MS = 2_000;
/**
 * The call already popped in this browser (every tab): a reload, or a ticket or the knowledge base
 * opened in a new tab during the call, does not pop the same call again over what the new tab shows.
 */
const POPPED_KEY = 'hotline.poppedCall';

export const SEAT_ROLES = ['agent', 'team_lead'];

function useTick(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}

export function SeatBar() {
  const { user } = useAuth();
  const enabled = !!user && SEAT_ROLES.includes(user.role);
  return enabled ? <SeatBarInner /> : null;
}

function SeatBarInner() {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [seat, setSeat] = useState<SeatView | null>(null);
  const [absent, setAbsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reasonsOpen, setReasonsOpen] = useState(false);
  const reasonsBox = useRef<HTMLDivElement>(null);
  // Server time minus browser time, so durations agree with the server's instants.
  const skew = useRef(0);
  // Bumped by every change of state: a poll sent before it answers with the old state and is dropped,
  // or the bar would flicker back (and close the reasons menu under the agent's fingers).
  const generation = useRef(0);
  const now = useTick(1000) + skew.current;

  const apply = useCallback(
    (s: SeatView & { now?: string }) => {
      if (s.now) skew.current = Date.parse(s.now) - Date.now();
      setSeat(s);
      const call = s.call;
      if (s.state === 'busy' && call && call.answeredAt && localStorage.getItem(POPPED_KEY) !== String(call.id)) {
        localStorage.setItem(POPPED_KEY, String(call.id));
        navigate(`/intake?call=${encodeURIComponent(String(call.id))}`);
      }
    },
    [navigate],
  );

  useEffect(() => {
    let live = true;
    let timer = 0;
    const poll = async () => {
      const sentAt = generation.current;
      try {
        const s = await api<SeatView & { now?: string }>('/seats/me');
        if (!live) return;
        if (sentAt !== generation.current) {
          timer = window.setTimeout(poll, POLL_MS);
          return;
        }
        setAbsent(false);
        apply(s);
      } catch (e) {
        // No seat service (or no seat for this user): the bar stays hidden but keeps asking.
        if (live && e instanceof ApiError && (e.status === 404 || e.status === 403)) setAbsent(true);
      }
      if (live) timer = window.setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [apply]);

  const change = useCallback(
    async (state: Exclude<SeatState, 'busy'>, reason?: string) => {
      setBusy(true);
      generation.current += 1;
      try {
        const s = await api<SeatView>('/seats/me/state', { body: reason ? { state, reason } : { state } });
        generation.current += 1;
        apply(s);
      } catch (e) {
        message.error(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [apply, message],
  );

  const state = seat?.state ?? 'logged_off';
  const canReady = state === 'not_ready' || state === 'wrap_up';
  const canPause = state === 'ready' || state === 'wrap_up' || state === 'not_ready';
  const loggedOff = state === 'logged_off';

  // Alt+L logs on, Alt+R goes ready, Alt+N opens the not-ready reasons.
  const keys = useRef({ canReady, canPause, loggedOff, change, busy });
  keys.current = { canReady, canPause, loggedOff, change, busy };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || !seat) return;
      const k = keys.current;
      if (k.busy) return;
      const key = e.key.toLowerCase();
      if (key === 'l' && k.loggedOff) {
        e.preventDefault();
        void k.change('ready');
      } else if (key === 'r' && k.canReady) {
        e.preventDefault();
        void k.change('ready');
      } else if (key === 'n' && k.canPause) {
        e.preventDefault();
        setReasonsOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [seat]);

  // While the reasons menu is open it holds the focus, so the arrow keys and Enter pick a reason at
  // once after Alt+N. The Dropdown's own autoFocus tries once, before the menu is on screen on a busy
  // machine, and the opening may move the focus again later: the keys then went nowhere. A click
  // elsewhere closes the menu, which ends this.
  useEffect(() => {
    if (!reasonsOpen) return;
    let timer = 0;
    const hold = () => {
      const menu = reasonsBox.current?.querySelector<HTMLElement>('[role="menu"]');
      if (menu && menu.offsetParent !== null && !menu.contains(document.activeElement)) menu.focus();
      timer = window.setTimeout(hold, 50);
    };
    hold();
    return () => window.clearTimeout(timer);
  }, [reasonsOpen]);

  if (absent || !seat) return null;

  const inState = Math.max(0, (now - Date.parse(seat.since)) / 1000);
  const reasonText = seat.reasonLabel ?? (seat.reason ? NOT_READY_REASONS[seat.reason] ?? seat.reason : null);
  let label = SEAT_STATE_LABELS[state];
  if (state === 'not_ready' && reasonText && reasonText !== label) label = `${label}（${reasonText}）`;
  let timer = clock(inState);
  let overdue = false;
  const wrapEnd = seat.wrapUpUntil ? Date.parse(seat.wrapUpUntil) : seat.wrapUpLimitSeconds ? Date.parse(seat.since) + seat.wrapUpLimitSeconds * 1000 : null;
  if (state === 'wrap_up' && wrapEnd) {
    const left = (wrapEnd - now) / 1000;
    overdue = left < 0;
    timer = overdue ? `超时 ${clock(-left)}` : `剩余 ${clock(left)}`;
  }

  const reasons = (
    <Dropdown
      open={reasonsOpen}
      onOpenChange={setReasonsOpen}
      trigger={['click']}
      autoFocus
      popupRender={(menu) => <div ref={reasonsBox}>{menu}</div>}
      disabled={!canPause || busy}
      menu={{
        items: Object.entries(NOT_READY_REASONS).map(([key, text]) => ({ key, label: text })),
        onClick: ({ key }) => {
          setReasonsOpen(false);
          void change('not_ready', key);
        },
      }}
    >
      <Button size="small" icon={<CoffeeOutlined />} aria-keyshortcuts="Alt+N" data-testid="seat-pause" title="小休 (Alt+N)">
        {narrow ? '' : '小休'}
      </Button>
    </Dropdown>
  );

  return (
    <Space size={6} wrap={false} data-testid="seat-bar" data-state={state} role="group" aria-label="坐席状态">
      <Tag
        data-testid="seat-state"
        color={SEAT_STATE_COLORS[state]}
        style={{ marginInlineEnd: 0, fontWeight: 600, color: state === 'logged_off' ? '#595959' : '#fff' }}
      >
        {label}
      </Tag>
      {!loggedOff && (
        <Typography.Text
          data-testid="seat-timer"
          style={{ fontVariantNumeric: 'tabular-nums', color: overdue ? '#f5222d' : undefined, whiteSpace: 'nowrap' }}
          aria-label={state === 'wrap_up' ? '话后处理时限' : '本状态时长'}
        >
          {timer}
        </Typography.Text>
      )}
      {state === 'busy' && seat.call && !narrow && (
        <Tooltip title={`等待 ${waitedSeconds(seat.call) ?? '—'} 秒`}>
          <Link to={`/intake?call=${seat.call.id}`} data-testid="seat-call" style={{ whiteSpace: 'nowrap' }}>
            <PhoneOutlined /> {seat.call.caller ?? '未知号码'} · {queueLabel(seat.call.queue, seat.call.queueLabel)}
          </Link>
        </Tooltip>
      )}
      {loggedOff ? (
        <Button size="small" type="primary" icon={<LoginOutlined />} loading={busy} onClick={() => void change('ready')} aria-keyshortcuts="Alt+L" title="签入并就绪 (Alt+L)">
          签入
        </Button>
      ) : (
        <>
          {canReady && (
            <Button size="small" type="primary" icon={<PlayCircleOutlined />} loading={busy} onClick={() => void change('ready')} aria-keyshortcuts="Alt+R" title="就绪 (Alt+R)">
              {narrow ? '' : '就绪'}
            </Button>
          )}
          {canPause && reasons}
          {state !== 'busy' && (
            <Button size="small" type="text" icon={<LogoutOutlined />} disabled={busy} onClick={() => void change('logged_off')} title="签出">
              {narrow ? '' : '签出'}
            </Button>
          )}
        </>
      )}
    </Space>
  );
}
