// 差评处理 (好差评): the 差评 reviews the viewer may read — a unit only its own subtree's, and never the
// rater's identity (the API leaves it out and masks digit runs in the comment) — with each stage's
// deadline light, and a drawer with the history and the forms of the actions the role may take.
import { useCallback, useEffect, useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Drawer, Flex, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { LightBadge } from '../../components/LightBadge';
import { searchFilter, subtreeOf, unitOptions, useUnits } from '../../components/TicketRefData';
import type { Light, TicketEvent } from '../../types';
import { ReviewActions } from './ReviewActionForms';
import {
  APPEAL_DECISION_LABELS,
  CALLBACK_RESULT_LABELS,
  fmt,
  REVIEW_STATUSES,
  REVIEW_STATUS_LABELS,
  STATUS_COLORS,
  type RatingReview,
  type ReviewStatus,
} from './ratingTypes';

const PAGE_SIZE = 200;
const errorOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export default function RatingsPage() {
  const { user } = useAuth();
  const unitRole = user?.role === 'unit_staff' || user?.role === 'unit_head';
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? undefined;
  const unit = params.get('unit') ?? undefined;
  const selectedId = Number(params.get('review')) || null;
  const units = useUnits();
  const [items, setItems] = useState<RatingReview[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loadedPages, setLoadedPages] = useState(1);
  const [selected, setSelected] = useState<RatingReview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let live = true;
    (async () => {
      const all: RatingReview[] = [];
      let more = false;
      for (let page = 1; page <= loadedPages; page++) {
        const d = await api<{ items: RatingReview[]; hasMore?: boolean }>(`/ratings/reviews${qs({ status, page, pageSize: PAGE_SIZE })}`);
        all.push(...d.items);
        more = !!d.hasMore;
        if (!more) break;
      }
      if (live) (setItems(all), setHasMore(more), setError(null));
    })().catch((e) => live && setError(errorOf(e)));
    return () => {
      live = false;
    };
  }, [status, loadedPages, tick]);

  useEffect(() => {
    if (!selectedId) return setSelected(null);
    let live = true;
    api<RatingReview>(`/ratings/reviews/${selectedId}`)
      .then((r) => live && setSelected(r))
      .catch((e) => live && setError(errorOf(e)));
    return () => {
      live = false;
    };
  }, [selectedId]);

  // The API filters by status; the unit (with its subunits) is picked out of what is loaded.
  const shown = useMemo(() => {
    if (!items || !unit) return items;
    const codes = subtreeOf(units, unit);
    return items.filter((r) => r.unit && codes.has(r.unit.code));
  }, [items, unit, units]);

  const set = (name: string, value: string | number | undefined | null) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (value) next.set(name, String(value));
      else next.delete(name);
      return next;
    });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          差评处理
        </Typography.Title>
        <Flex gap={8} wrap>
          <Select
            allowClear
            placeholder="状态"
            aria-label="状态"
            data-testid="ratings-status-filter"
            style={{ width: 170 }}
            value={status}
            onChange={(v) => (setLoadedPages(1), set('status', v))}
            options={REVIEW_STATUSES.map((s) => ({ value: s, label: REVIEW_STATUS_LABELS[s] }))}
          />
          {!unitRole && (
            <Select
              allowClear
              showSearch
              placeholder="承办单位"
              aria-label="承办单位"
              data-testid="ratings-unit-filter"
              style={{ width: 220 }}
              value={unit}
              onChange={(v) => set('unit', v)}
              filterOption={searchFilter}
              options={unitOptions(units)}
            />
          )}
        </Flex>
      </Flex>
      {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(null)} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<RatingReview>
          data-testid="ratings-table"
          size="small"
          rowKey="id"
          loading={!items && !error}
          dataSource={shown ?? []}
          scroll={{ x: 1000 }}
          onRow={(r) => ({ onClick: () => set('review', r.id), style: { cursor: 'pointer' }, 'data-review': r.id } as HTMLAttributes<HTMLElement>)}
          pagination={{ pageSize: 20, showTotal: (n) => `共 ${n} 条`, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            { title: '红黄灯', dataIndex: 'light', width: 80, render: (l: Light | null) => <LightBadge light={l} /> },
            { title: '工单', dataIndex: 'ticketNo', width: 170, render: (no: string) => <Link to={`/tickets/${no}`} onClick={(e) => e.stopPropagation()}>{no}</Link> },
            { title: '评价', dataIndex: 'levelLabel', width: 100, render: (l: string, r) => <a data-testid={`review-${r.id}`}>{l}</a> },
            { title: '来源', dataIndex: 'sourceLabel', width: 90 },
            { title: '评价内容', dataIndex: 'comment', ellipsis: true, render: (c: string | null) => c ?? '—' },
            { title: '承办单位', dataIndex: ['unit', 'name'], width: 150, render: (n: string | undefined) => n ?? '—' },
            { title: '状态', dataIndex: 'status', width: 120, render: (s: ReviewStatus, r) => <Tag color={STATUS_COLORS[s]}>{r.statusLabel}</Tag> },
            { title: '分类', dataIndex: 'classificationLabel', width: 110, render: (c: string | null) => c ?? '—' },
            { title: '当前期限', dataIndex: 'dueAt', width: 140, render: fmt },
          ]}
        />
      </Card>
      {hasMore && (
        <Button onClick={() => setLoadedPages((n) => n + 1)} style={{ alignSelf: 'center' }}>
          加载更多
        </Button>
      )}
      <Drawer
        open={!!selectedId}
        onClose={() => set('review', null)}
        width={680}
        title={selected ? `差评 ${selected.ticketNo}（${selected.levelLabel}）` : '差评'}
        destroyOnHidden
      >
        {selected && (
          <ReviewDetail
            review={selected}
            onDone={(updated) => {
              setSelected(updated);
              reload();
            }}
          />
        )}
      </Drawer>
    </Space>
  );
}

function ReviewDetail({ review, onDone }: { review: RatingReview; onDone: (r: RatingReview) => void }) {
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="review-detail">
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label="状态">
          <Tag color={STATUS_COLORS[review.status]} data-testid="review-status">
            {review.statusLabel}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label="工单">
          <Link to={`/tickets/${review.ticketNo}`}>{review.ticketNo}</Link>
        </Descriptions.Item>
        <Descriptions.Item label="承办单位">{review.unit?.name ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="评价">{`${review.levelLabel}（${review.sourceLabel}，${fmt(review.createdAt)}）`}</Descriptions.Item>
        {review.rater && (
          <Descriptions.Item label="评价人">
            <span data-testid="review-rater">{[review.rater.name, review.rater.phone].filter(Boolean).join(' ') || '—'}</span>
          </Descriptions.Item>
        )}
        <Descriptions.Item label="评价内容">
          <span style={{ whiteSpace: 'pre-wrap' }} data-testid="review-comment">
            {review.comment ?? '—'}
          </span>
        </Descriptions.Item>
        {review.classificationLabel && <Descriptions.Item label="差评分类">{review.classificationLabel}</Descriptions.Item>}
        {review.dueAt && (
          <Descriptions.Item label="当前期限">
            <Space>
              {fmt(review.dueAt)}
              <LightBadge light={review.light} />
              {review.provisional && <Tag>期限为暂定（节假日安排未导入）</Tag>}
            </Space>
          </Descriptions.Item>
        )}
      </Descriptions>
      <ReviewHistory review={review} />
      <ReviewActions review={review} onDone={onDone} />
    </Space>
  );
}

interface Step {
  key: string;
  label: string;
  at: string | null;
  text: ReactNode;
  late?: boolean;
  color?: string;
}

/** The review's stages as a timeline, each with who acted when the ticket's audit events say so. */
function ReviewHistory({ review }: { review: RatingReview }) {
  const [events, setEvents] = useState<TicketEvent[]>([]);
  useEffect(() => {
    let live = true;
    api<{ items: TicketEvent[] }>(`/tickets/${encodeURIComponent(review.ticketNo)}/events`)
      .then((d) => live && setEvents(d.items.filter((e) => e.action.startsWith('rating_') && e.detail?.reviewId === review.id)))
      .catch(() => live && setEvents([]));
    return () => {
      live = false;
    };
  }, [review.ticketNo, review.id, review.status]);

  const steps: Step[] = [{ key: 'bad', label: '差评登记', at: review.createdAt, text: `${review.sourceLabel}：${review.levelLabel}` }];
  if (review.verify.at)
    steps.push({ key: 'verify', label: '核实分类', at: review.verify.at, late: review.verify.late, text: [review.classificationLabel, review.verify.note].filter(Boolean).join('：') });
  if (review.appeal?.at) steps.push({ key: 'appeal', label: '申诉复核', at: review.appeal.at, text: review.appeal.reason, color: 'purple' });
  if (review.appeal?.decidedAt)
    steps.push({
      key: 'decide_appeal',
      label: '申诉裁定',
      at: review.appeal.decidedAt,
      late: review.appeal.late,
      text: [review.appeal.decision ? APPEAL_DECISION_LABELS[review.appeal.decision] : null, review.appeal.note].filter(Boolean).join('：'),
      color: review.appeal.decision === 'upheld' ? 'gray' : 'purple',
    });
  if (review.rectify?.at)
    steps.push({ key: 'rectify', label: '整改反馈', at: review.rectify.at, late: review.rectify.late, text: [review.rectify.outcomeLabel, review.rectify.content].filter(Boolean).join('：') });
  if (review.callback?.at)
    steps.push({
      key: 'callback',
      label: '整改回访',
      at: review.callback.at,
      late: review.callback.late,
      text: [review.callback.result ? CALLBACK_RESULT_LABELS[review.callback.result] ?? review.callback.result : null, review.callback.note].filter(Boolean).join('：'),
      color: 'green',
    });

  return (
    <Card size="small" title="处理记录" data-testid="review-history">
      <Timeline
        items={steps.map((s) => {
          const ev = events.find((e) => e.action === `rating_${s.key}`);
          const who = ev ? [ev.actor.unit?.name, ev.actor.name].filter(Boolean).join(' ') : '';
          return {
            color: s.color ?? 'blue',
            children: (
              <div data-step={s.key}>
                <Typography.Text strong>{s.label}</Typography.Text> <Typography.Text type="secondary">{`${fmt(s.at)} ${who}`}</Typography.Text>
                {s.late && (
                  <Tag color="red" style={{ marginInlineStart: 6 }}>
                    超期
                  </Tag>
                )}
                {s.text && <div style={{ whiteSpace: 'pre-wrap' }}>{s.text}</div>}
              </div>
            ),
          };
        })}
      />
    </Card>
  );
}
