// The intake desk's right-hand column: possible duplicates (第十二条(二)3), the requester's earlier
// tickets (the knowledge base has its own panel: IntakeKnowledgePanel).
import { Link } from 'react-router-dom';
import { Button, Card, List, Space, Spin, Tag, Typography } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { STATUS_LABELS } from '../labels';
import type { TicketSummary } from '../types';
import { fmtDate, fmtTime } from './TicketRefData';

export interface DuplicateCandidate {
  no: string;
  status: string;
  createdAt: string;
  similarity: number;
  facts?: string;
}

const STATUS_COLORS: Record<string, string> = {
  pending_dispatch: 'orange',
  dispatched: 'blue',
  in_progress: 'processing',
  returned: 'volcano',
  disputed: 'volcano',
  awaiting_approval: 'gold',
  replied: 'cyan',
  callback: 'purple',
  closed: 'green',
  archived: 'default',
};

export function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? 'default';
}

export function IntakeDuplicates(props: {
  candidates: DuplicateCandidate[];
  distinct: string[];
  busy: boolean;
  onMerge(no: string): void;
  onDistinct(no: string): void;
  onUndoDistinct(no: string): void;
}) {
  const { candidates, distinct } = props;
  if (!candidates.length) return null;
  const open = candidates.filter((c) => !distinct.includes(c.no)).length;
  return (
    <Card
      size="small"
      data-testid="intake-duplicates"
      role="region"
      aria-label="疑似重复诉求"
      title={
        <Space>
          <WarningOutlined style={{ color: '#d46b08' }} />
          <span>疑似重复诉求（{candidates.length}）</span>
        </Space>
      }
      extra={open ? <Tag color="orange">待判定 {open}</Tag> : <Tag color="green">已全部判定</Tag>}
      style={{ borderColor: open ? '#fa8c16' : undefined, background: open ? '#fff7e6' : undefined }}
      styles={{ header: { background: open ? '#ffe7ba' : undefined } }}
    >
      <List
        size="small"
        dataSource={candidates}
        renderItem={(c) => {
          const ruledOut = distinct.includes(c.no);
          return (
            <List.Item key={c.no} style={{ display: 'block', opacity: ruledOut ? 0.6 : 1 }} data-candidate={c.no}>
              <Space wrap size={[8, 4]} style={{ width: '100%' }}>
                <Link to={`/tickets/${c.no}`} target="_blank" rel="noopener">
                  {c.no}
                </Link>
                <Tag color={statusColor(c.status)}>{STATUS_LABELS[c.status] ?? c.status}</Tag>
                <Typography.Text type="secondary">{fmtTime(c.createdAt)}</Typography.Text>
                <Tag color={c.similarity >= 0.8 ? 'red' : 'orange'}>相似度 {Math.round(c.similarity * 100)}%</Tag>
              </Space>
              {c.facts && (
                <Typography.Paragraph ellipsis={{ rows: 2, tooltip: c.facts }} style={{ margin: '4px 0' }}>
                  {c.facts}
                </Typography.Paragraph>
              )}
              {ruledOut ? (
                <Space>
                  <Tag color="green">已确认不是同一诉求</Tag>
                  <Button size="small" type="link" onClick={() => props.onUndoDistinct(c.no)}>
                    撤销
                  </Button>
                </Space>
              ) : (
                <Space wrap style={{ marginTop: 4 }}>
                  <Button size="small" type="primary" danger loading={props.busy} onClick={() => props.onMerge(c.no)}>
                    并入此工单
                  </Button>
                  <Button size="small" onClick={() => props.onDistinct(c.no)}>
                    不是同一诉求
                  </Button>
                </Space>
              )}
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

export function IntakeHistory({ items, loading, phoneReady }: { items: TicketSummary[] | null; loading: boolean; phoneReady: boolean }) {
  return (
    <Card
      size="small"
      data-testid="intake-history"
      role="region"
      aria-label="诉求人历史工单"
      title={`诉求人历史工单${items?.length ? `（${items.length}）` : ''}`}
      extra={loading ? <Spin size="small" /> : null}
      styles={{ body: { maxHeight: 260, overflowY: 'auto', padding: items?.length ? '0 12px' : 12 } }}
    >
      {!phoneReady ? (
        <Typography.Text type="secondary">输入 7 位以上联系电话后显示该来电人的历史工单</Typography.Text>
      ) : items && items.length ? (
        <List
          size="small"
          dataSource={items}
          renderItem={(t) => (
            <List.Item key={t.no} style={{ display: 'block' }}>
              <Space wrap size={[8, 2]}>
                <Link to={`/tickets/${t.no}`} target="_blank" rel="noopener">
                  {t.no}
                </Link>
                <Tag color={statusColor(t.status)}>{t.statusLabel ?? STATUS_LABELS[t.status] ?? t.status}</Tag>
                <Typography.Text type="secondary">{fmtDate(t.createdAt)}</Typography.Text>
                {t.typeLabel && <Typography.Text type="secondary">{t.typeLabel}</Typography.Text>}
              </Space>
              <Typography.Paragraph ellipsis={{ rows: 2, tooltip: t.facts }} style={{ margin: '2px 0 0' }}>
                {t.facts}
              </Typography.Paragraph>
            </List.Item>
          )}
        />
      ) : loading ? null : (
        <Typography.Text type="secondary">该号码没有历史工单</Typography.Text>
      )}
    </Card>
  );
}

/** Other callers' open tickets that look like the same event (same category, place and facts): 并入 or dispatch on. */
export function IntakeOtherCallers({ items, busy, onMerge }: { items: DuplicateCandidate[]; busy: boolean; onMerge(no: string): void }) {
  if (!items.length) return null;
  return (
    <Card
      size="small"
      data-testid="intake-other-callers"
      role="region"
      aria-label="其他来电人反映的同一事项"
      title={
        <Space>
          <WarningOutlined style={{ color: '#1677ff' }} />
          <span>其他来电人反映的疑似同一事项（{items.length}）</span>
        </Space>
      }
      styles={{ header: { background: '#e6f4ff' } }}
    >
      <List
        size="small"
        dataSource={items}
        renderItem={(c) => (
          <List.Item key={c.no} style={{ display: 'block' }} data-candidate={c.no}>
            <Space wrap size={[8, 4]}>
              <Link to={`/tickets/${c.no}`} target="_blank" rel="noopener">
                {c.no}
              </Link>
              <Tag color={statusColor(c.status)}>{STATUS_LABELS[c.status] ?? c.status}</Tag>
              <Typography.Text type="secondary">{fmtTime(c.createdAt)}</Typography.Text>
              <Tag color="blue">相似度 {Math.round(c.similarity * 100)}%</Tag>
            </Space>
            {c.facts && (
              <Typography.Paragraph ellipsis={{ rows: 2, tooltip: c.facts }} style={{ margin: '4px 0' }}>
                {c.facts}
              </Typography.Paragraph>
            )}
            <Button size="small" loading={busy} onClick={() => onMerge(c.no)}>
              并入此工单（并单）
            </Button>
          </List.Item>
        )}
      />
    </Card>
  );
}
