// The bell in the header: the unit's (or the centre's) unread notifications, a short list on click.
// New ones arrive by the push channel (../notifications.ts) and pop up at once; the list is read
// again then, and every few minutes only while the channel is down.
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { App, Badge, Button, Empty, List, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { api } from '../api';
import { connectNotifications, onNotification, onPushState } from '../notifications';

interface Notice {
  id: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  read: boolean;
}

export function SupervisionBell() {
  const navigate = useNavigate();
  const [data, setData] = useState<{ unread: number; items: Notice[] }>({ unread: 0, items: [] });
  const [open, setOpen] = useState(false);
  const [tick, setTick] = useState(0);
  const [pushed, setPushed] = useState(false);
  const { notification } = App.useApp();
  useEffect(() => connectNotifications(), []);
  useEffect(() => onPushState(setPushed), []);
  useEffect(
    () =>
      onNotification((n) => {
        setTick((t) => t + 1);
        notification.info({
          key: `notice-${n.id}`,
          message: <span data-testid="notification-popup">{n.title}</span>,
          description: n.body,
          placement: 'topRight',
          duration: 8,
          onClick: () => {
            notification.destroy(`notice-${n.id}`);
            if (n.link) navigate(n.link);
          },
        });
      }),
    [notification, navigate],
  );
  useEffect(() => {
    // Without the channel (a proxy without WebSockets), the list is read every minute instead.
    if (pushed) return;
    const id = window.setInterval(() => setTick((t) => t + 1), 60_000);
    return () => window.clearInterval(id);
  }, [pushed]);
  useEffect(() => {
    // Reconnected: what arrived meanwhile is counted again.
    if (pushed) setTick((t) => t + 1);
  }, [pushed]);
  useEffect(() => {
    api<{ unread: number; items: Notice[] }>('/supervision/notifications?limit=20')
      .then(setData)
      .catch(() => undefined);
  }, [tick, open]);
  const openNotice = async (n: Notice) => {
    if (!n.read) await api(`/supervision/notifications/${n.id}/read`, { method: 'POST', body: {} }).catch(() => undefined);
    setOpen(false);
    setTick((t) => t + 1);
    if (n.link) navigate(n.link);
  };
  const content = (
    <div style={{ width: 340, maxHeight: 420, overflow: 'auto' }} data-testid="notification-list">
      {data.items.length ? (
        <List
          size="small"
          dataSource={data.items}
          renderItem={(n) => (
            <List.Item onClick={() => openNotice(n)} style={{ cursor: 'pointer', opacity: n.read ? 0.55 : 1 }}>
              <List.Item.Meta
                title={<span style={{ fontWeight: n.read ? 'normal' : 600 }}>{n.title}</span>}
                description={
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {n.createdAt.slice(5, 16).replace('T', ' ')} {n.body.slice(0, 60)}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无通知" />
      )}
      {data.unread > 0 && (
        <Button
          type="link"
          size="small"
          onClick={async () => {
            await api('/supervision/notifications/read-all', { method: 'POST', body: {} });
            setTick((t) => t + 1);
          }}
        >
          全部标为已读
        </Button>
      )}
    </div>
  );
  return (
    <Popover content={content} title="通知" trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Badge count={data.unread} size="small" overflowCount={99}>
        <Button size="small" type="text" icon={<BellOutlined />} aria-label={`通知（${data.unread} 条未读）`} data-testid="notification-bell" data-unread={data.unread} data-push={pushed ? 'on' : 'off'} />
      </Badge>
    </Popover>
  );
}
