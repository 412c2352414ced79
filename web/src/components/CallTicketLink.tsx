// The call a ticket was taken from, on the ticket's page: its number, queue and wait when the viewer
// may read the call, and its recording when the switch has delivered one.
import { useEffect, useState } from 'react';
import { Space, Typography } from 'antd';
import { AudioOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useAuth } from '../auth';
import type { TicketDetail } from '../types';
import { fmtTime } from './TicketRefData';
import { queueLabel, waitedSeconds, type CallView } from '../pages/calls/callTypes';

export function CallTicketLink({ ticket }: { ticket: TicketDetail }) {
  const { user } = useAuth();
  const id = ticket.call?.id ?? ticket.callId;
  // Handling units do not read call records; a non-numeric id is a switch's reference, not a platform call.
  const readable = !!user && !['unit_staff', 'unit_head'].includes(user.role) && /^\d+$/.test(String(id ?? ''));
  const [call, setCall] = useState<CallView | null>(null);
  useEffect(() => {
    setCall(null);
    if (!id || !readable) return;
    let live = true;
    // Units may not read calls: then the number and the recording link are all there is.
    api<CallView>(`/calls/${encodeURIComponent(String(id))}`)
      .then((c) => live && setCall(c))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id, readable]);
  if (!id) return <>—</>;
  const recording = ticket.call?.recordingUrl ?? call?.recordingUrl ?? null;
  return (
    <Space wrap size={[12, 2]} data-testid="ticket-call" data-call-id={String(id)}>
      <span>通话 {id}</span>
      {call && (
        <>
          <Typography.Text type="secondary">{queueLabel(call.queue, call.queueLabel)}</Typography.Text>
          <Typography.Text type="secondary">来电 {fmtTime(call.offeredAt)}</Typography.Text>
          {call.answeredAt && <Typography.Text type="secondary">等待 {waitedSeconds(call)} 秒</Typography.Text>}
        </>
      )}
      {recording ? (
        <a href={recording} target="_blank" rel="noopener noreferrer" data-testid="ticket-call-recording">
          <AudioOutlined /> 通话录音
        </a>
      ) : (
        <Typography.Text type="secondary">录音待上传</Typography.Text>
      )}
    </Space>
  );
}
