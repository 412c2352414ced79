// 并单台: groups of open tickets from several callers that look like one event (same category, place
// and facts within the city's window). The centre picks the main ticket and merges the others into it
// in one step; each caller is told by SMS and gets the main ticket's reply (国办函〔2025〕66号).
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Empty, Radio, Space, Spin, Tag, Typography } from 'antd';
import { api, ApiError } from '../api';

interface GroupTicket {
  no: string;
  status: string;
  statusLabel: string;
  createdAt: string;
  facts: string;
  address: string | null;
  mergeable: boolean;
}
interface Group {
  category: string | null;
  callers: number;
  score: number;
  tickets: GroupTicket[];
}

function GroupCard({ group, onMerged }: { group: Group; onMerged(): void }) {
  const { message } = App.useApp();
  const [main, setMain] = useState(group.tickets[0]!.no);
  const [busy, setBusy] = useState(false);
  const others = group.tickets.filter((t) => t.no !== main && t.mergeable).map((t) => t.no);
  const merge = async () => {
    setBusy(true);
    try {
      const r = await api<{ mainNo: string; merged: string[] }>('/tickets/merge-group', { body: { mainNo: main, nos: others } });
      message.success(`已并单：${r.merged.length} 张工单并入 ${r.mainNo}，已短信告知各诉求人`);
      onMerged();
    } catch (e) {
      message.error(e instanceof ApiError ? e.message : '网络异常，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      size="small"
      data-testid="duplicate-group"
      data-nos={group.tickets.map((t) => t.no).join(',')}
      title={
        <Space wrap>
          <span>{group.category ?? '未分类'}</span>
          <Tag color="orange">{group.callers} 位来电人</Tag>
          <Tag>{group.tickets.length} 张工单</Tag>
          <Tag color={group.score >= 0.7 ? 'red' : 'gold'}>相似度 {Math.round(group.score * 100)}%</Tag>
        </Space>
      }
      extra={
        <Button type="primary" size="small" loading={busy} disabled={!others.length} onClick={() => void merge()} data-testid="merge-group">
          并单到主工单（{others.length}）
        </Button>
      }
      style={{ marginBottom: 12 }}
    >
      <Radio.Group value={main} onChange={(e) => setMain(e.target.value)} style={{ width: '100%' }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          {group.tickets.map((t) => (
            <div key={t.no} data-ticket-no={t.no}>
              <Space wrap size={[8, 2]}>
                <Radio value={t.no} aria-label={`以 ${t.no} 为主工单`}>
                  主工单
                </Radio>
                <Link to={`/tickets/${t.no}`} target="_blank" rel="noopener">
                  {t.no}
                </Link>
                <Tag>{t.statusLabel}</Tag>
                {!t.mergeable && <Tag color="default">当前状态不能并入</Tag>}
                <Typography.Text type="secondary">{t.createdAt.slice(0, 16).replace('T', ' ')}</Typography.Text>
                {t.address && <Typography.Text type="secondary">{t.address}</Typography.Text>}
              </Space>
              <Typography.Paragraph ellipsis={{ rows: 2, tooltip: t.facts }} style={{ margin: '2px 0 0 24px' }}>
                {t.facts}
              </Typography.Paragraph>
            </div>
          ))}
        </Space>
      </Radio.Group>
    </Card>
  );
}

export default function DuplicateGroupsPage() {
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api<{ items: Group[] }>('/tickets/duplicate-groups')
      .then((r) => {
        setGroups(r.items);
        setError(null);
      })
      .catch((e) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  useEffect(load, [load]);
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        并单台：多人反映的同一事项
      </Typography.Title>
      <Typography.Paragraph type="secondary">同一分类、同一地点、诉求事实相近的未办结工单（不同来电人）。选定主工单后并单：其余工单以「已并单」办结，办理职责取消，诉求人收到短信并在主工单答复时获知结果。</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {!groups ? <Spin /> : groups.length ? groups.map((g) => <GroupCard key={g.tickets.map((t) => t.no).join(',')} group={g} onMerged={load} />) : <Empty description="没有疑似重复的多人来电" />}
    </div>
  );
}
