// Every file the console downloads (reports, the ranking, the selected tickets) goes through here:
// the request is made with fetch and its body read chunk by chunk against Content-Length, so the
// user sees the server making the file, then how much of it has arrived, and the file is saved
// under the name the server gives it. A failure shows the server's Chinese message.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { App, Button, Progress, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';

export interface DownloadRequest {
  /** Under /api/v1. */
  path: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  /** Used when the answer names no file. */
  fileName: string;
}

type Phase = 'idle' | 'preparing' | 'receiving' | 'done' | 'failed';

export interface DownloadState {
  phase: Phase;
  received: number;
  /** Content-Length, 0 when the server did not say. */
  total: number;
}

const IDLE: DownloadState = { phase: 'idle', received: 0, total: 0 };

/** The name in Content-Disposition (RFC 6266: filename* first, then filename). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* a malformed name: try the plain one */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

export function useDownload(): { state: DownloadState; start: (req: DownloadRequest) => Promise<void> } {
  const { message } = App.useApp();
  const [state, setState] = useState<DownloadState>(IDLE);
  const live = useRef(true);
  const hide = useRef<ReturnType<typeof setTimeout>>();
  useEffect(
    () => () => {
      live.current = false;
      clearTimeout(hide.current);
    },
    [],
  );
  const set = (s: DownloadState) => live.current && setState(s);
  const start = useCallback(async (req: DownloadRequest) => {
    clearTimeout(hide.current);
    set({ phase: 'preparing', received: 0, total: 0 });
    try {
      const res = await fetch(`/api/v1${req.path}`, {
        method: req.method ?? 'GET',
        // The server refuses a cookie-authenticated change without this header (CSRF protection).
        headers: { 'x-hotline-csrf': '1', ...(req.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        credentials: 'same-origin',
      });
      if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { title?: string } | null)?.title ?? `导出失败（${res.status}）`);
      const total = Number(res.headers.get('content-length')) || 0;
      const chunks: Uint8Array[] = [];
      let received = 0;
      set({ phase: 'receiving', received, total });
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        set({ phase: 'receiving', received, total });
      }
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileNameOf(res.headers.get('content-disposition'), req.fileName);
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      set({ phase: 'done', received, total: total || received });
      hide.current = setTimeout(() => set(IDLE), 4000);
    } catch (e) {
      set({ ...IDLE, phase: 'failed' });
      message.error(e instanceof Error ? e.message : String(e));
    }
  }, []);
  return { state, start };
}

const kb = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** The progress of one download: 生成中 while the server makes the file, then the share received. */
export function DownloadProgress({ state, testId }: { state: DownloadState; testId?: string }) {
  if (state.phase === 'idle' || state.phase === 'failed') return null;
  const percent = state.phase === 'done' ? 100 : state.total ? Math.min(99, Math.floor((state.received / state.total) * 100)) : 0;
  return (
    <span data-testid={testId ?? 'download-progress'} data-phase={state.phase} data-percent={percent} style={{ display: 'inline-flex', alignItems: 'center', gap: 6, minWidth: 180 }}>
      <Progress percent={percent} size="small" status={state.phase === 'done' ? 'success' : 'active'} showInfo={false} style={{ width: 90, margin: 0 }} />
      <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
        {state.phase === 'preparing' ? '正在生成…' : state.phase === 'done' ? `已下载 ${kb(state.received)}` : `${percent}%${state.total ? ` / ${kb(state.total)}` : ` ${kb(state.received)}`}`}
      </Typography.Text>
    </span>
  );
}

/** A button that downloads with progress beside it. */
export function DownloadButton({
  request,
  children,
  testId,
  size,
  type,
  icon = <DownloadOutlined />,
  disabled,
}: {
  request: DownloadRequest;
  children: ReactNode;
  testId?: string;
  size?: 'small' | 'middle';
  type?: 'default' | 'link' | 'primary';
  icon?: ReactNode | null;
  disabled?: boolean;
}) {
  const { state, start } = useDownload();
  const busy = state.phase === 'preparing' || state.phase === 'receiving';
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
      <Button size={size} type={type} icon={icon ?? undefined} loading={busy} disabled={disabled} onClick={() => void start(request)} data-testid={testId}>
        {children}
      </Button>
      <DownloadProgress state={state} testId={testId ? `${testId}-progress` : undefined} />
    </span>
  );
}
