// The unit workbench's 督办 block: items addressed to the unit still waiting for its written reply.
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, List, Typography } from 'antd';
import { api } from '../api';
import { LightBadge } from './LightBadge';
import { fmt, type SupervisionItem } from './SupervisionShared';

export function SupervisionWorkbenchBlock() {
  const [data, setData] = useState<{ total: number; items: SupervisionItem[] } | null>(null);
  useEffect(() => {
    api<{ total: number; items: SupervisionItem[] }>('/supervision/items?status=open&pageSize=5')
      .then(setData)
      .catch(() => undefined);
  }, []);
  if (!data?.total) return null;
  return (
    <Card size="small" title={`待回复督办（${data.total}）`} extra={<Link to="/supervision/items?status=open">全部</Link>} style={{ marginBottom: 12 }} data-testid="workbench-supervision">
      <List
        size="small"
        dataSource={data.items}
        renderItem={(i) => (
          <List.Item>
            <Link to={`/supervision/items?item=${i.id}`}>
              {i.kindLabel} {i.ticketNo ?? ''}
            </Link>
            <Typography.Text type="secondary">
              <LightBadge light={i.light} /> 期限 {fmt(i.dueAt)} {i.remaining ?? ''}
            </Typography.Text>
          </List.Item>
        )}
      />
    </Card>
  );
}
