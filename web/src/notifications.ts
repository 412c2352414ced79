// The push channel (/api/v1/notifications/ws): one socket per tab, opened with the session cookie,
// reconnected after a drop with the last id seen, so what was written meanwhile still arrives.
// Components listen with onNotification; the bell also re-reads its list and unread count.
export interface PushedNotification {
  id: number;
  unitId: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
}

type Listener = (n: PushedNotification) => void;
type StateListener = (connected: boolean) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<StateListener>();
let socket: WebSocket | null = null;
let lastId: number | null = null;
let retry = 0;
let retryTimer: number | null = null;
let wanted = false;
const seen = new Set<number>();

function open(): void {
  if (!wanted || socket) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/v1/notifications/ws${lastId != null ? `?after=${lastId}` : ''}`);
  socket = ws;
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    if (message.type === 'ready') {
      retry = 0;
      lastId = Math.max(lastId ?? 0, message.after);
      for (const l of stateListeners) l(true);
      return;
    }
    if (message.type !== 'notification') return;
    const n = message.notification as PushedNotification;
    if (seen.has(n.id)) return;
    seen.add(n.id);
    lastId = Math.max(lastId ?? 0, n.id);
    for (const l of listeners) l(n);
  };
  ws.onclose = (event) => {
    socket = null;
    for (const l of stateListeners) l(false);
    // 4401: the session ended; the next API call shows the login page. 4429: too many tabs.
    if (!wanted || event.code === 4401 || event.code === 4429) return;
    retry = Math.min(retry + 1, 6);
    retryTimer = window.setTimeout(open, 500 * 2 ** retry);
  };
}

/** Keeps the socket open while the user is logged in (called by the shell). */
export function connectNotifications(): () => void {
  wanted = true;
  open();
  return () => {
    wanted = false;
    if (retryTimer) window.clearTimeout(retryTimer);
    socket?.close();
    socket = null;
    lastId = null;
    seen.clear();
  };
}

export function onNotification(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function onPushState(listener: StateListener): () => void {
  stateListeners.add(listener);
  return () => void stateListeners.delete(listener);
}
