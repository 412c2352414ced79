// 知识条目: an article as the viewer may see it — metadata, source document, validity, the 限时录入
// light, the text by passages — the lifecycle actions the server allows the viewer now, 纠错, and
// the article's 流转记录. A draft the viewer may edit opens the form in place.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Grid, Result, Row, Space, Spin, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { ApiError, api } from '../../api';
import { fmtTime } from '../../components/TicketRefData';
import { KbArticleActions } from '../../components/KbArticleActions';
import { KbEntryLight, KbSourceText, KbStatusTag, KbValidityTag } from '../../components/KbTags';
import { KbTimeline } from '../../components/KbTimeline';
import type { KbArticle, KbEvent } from '../../components/KbTypes';
import { KbArticleForm } from './KbArticleForm';

const FULL_ROW = { xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 };

function Passages({ article }: { article: KbArticle }) {
  return (
    <Card size="small" title={`正文（${article.passages.length} 段）`} role="region" aria-label="正文">
      <div data-testid="kb-passages">
        {article.passages.map((p) => (
          <div key={p.seq} data-seq={p.seq} style={{ marginBottom: 12 }}>
            {p.heading && <Typography.Text strong>{p.heading}</Typography.Text>}
            <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap', lineHeight: 1.8 }}>{p.text}</Typography.Paragraph>
          </div>
        ))}
      </div>
    </Card>
  );
}

function Details({ a }: { a: KbArticle }) {
  const entry = a.entry;
  return (
    <Card size="small" title="条目信息" role="region" aria-label="条目信息">
      <Descriptions
        size="small"
        bordered
        column={FULL_ROW}
        styles={{ label: { width: 96, whiteSpace: 'nowrap' } }}
        items={[
          { key: 'kind', label: '知识类别', children: a.kindLabel },
          { key: 'unit', label: '所属单位', children: a.unit?.name ?? '—' },
          { key: 'category', label: '诉求分类', children: a.category?.name ?? '—' },
          { key: 'origin', label: '来源', children: a.origin === 'bulletin' ? `政府公报${a.bulletin ? `（${a.bulletin}）` : ''}` : '单位录入' },
          { key: 'source', label: '依据文件', span: FULL_ROW, children: <KbSourceText source={a.source} /> },
          { key: 'from', label: '生效日期', children: a.effectiveFrom ?? '—' },
          { key: 'to', label: '失效日期', children: a.expiresOn ?? '长期有效' },
          {
            key: 'entry',
            label: '限时录入',
            span: FULL_ROW,
            children: entry ? (
              <Space wrap size={[12, 4]}>
                <span>自 {entry.startDate} 起 5 个工作日内</span>
                <KbEntryLight entry={entry} />
              </Space>
            ) : (
              '不适用'
            ),
          },
          { key: 'created', label: '录入时间', children: fmtTime(a.createdAt) },
          { key: 'submitted', label: '提交时间', children: fmtTime(a.submittedAt) },
          { key: 'approved', label: '单位审核', children: fmtTime(a.approvedAt) },
          { key: 'published', label: '发布时间', children: fmtTime(a.publishedAt) },
          { key: 'updated', label: '最后更新', children: fmtTime(a.updatedAt) },
          { key: 'use', label: '使用情况', children: `浏览 ${a.views} 次 · 直接解答 ${a.uses} 次${a.lastUsedAt ? `（最近 ${fmtTime(a.lastUsedAt)}）` : ''}` },
        ]}
      />
    </Card>
  );
}

export default function KbArticlePage() {
  const { id = '' } = useParams();
  const screens = Grid.useBreakpoint();
  const wide = !!screens.lg;
  const [article, setArticle] = useState<KbArticle | null>(null);
  const [events, setEvents] = useState<KbEvent[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState(false);

  const loadEvents = useCallback(async () => {
    const r = await api<{ items: KbEvent[] }>(`/kb/articles/${encodeURIComponent(id)}/events`);
    setEvents(r.items);
  }, [id]);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [a] = await Promise.all([api<KbArticle>(`/kb/articles/${encodeURIComponent(id)}`), loadEvents()]);
      setArticle(a);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, { title: '网络异常，请重试', status: 0 }));
    } finally {
      setLoading(false);
    }
  }, [id, loadEvents]);

  useEffect(() => {
    setArticle(null);
    setEditing(false);
    void load();
  }, [load]);

  const changed = (a: KbArticle) => {
    setArticle(a);
    setEditing(false);
    void loadEvents().catch(() => undefined);
  };

  if (loading && !article) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (error && !article) {
    const missing = error.status === 404 || error.status === 400;
    return <Result status={missing ? '404' : 'error'} title={missing ? '知识条目不存在或无权查看' : '无法打开知识条目'} subTitle={error.message} extra={<Link to="/kb">返回知识库</Link>} />;
  }
  if (!article) return null;
  const a = article;

  const header = (
    <Card size="small">
      <Space wrap align="center" size={[10, 6]}>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="kb-title">
          {a.title}
        </Typography.Title>
        <KbStatusTag article={a} />
        <Tag>{a.kindLabel}</Tag>
        <KbValidityTag article={a} />
        {a.entry?.light && <KbEntryLight entry={a.entry} />}
        {a.openReports > 0 && <Tag color="volcano">待处理纠错 {a.openReports}</Tag>}
      </Space>
      <div style={{ marginTop: 6 }}>
        <Space wrap size={[16, 4]}>
          <Typography.Text type="secondary">所属单位：{a.unit?.name ?? '—'}</Typography.Text>
          <Typography.Text type="secondary">最后更新：{fmtTime(a.updatedAt)}</Typography.Text>
          <Link to="/kb">返回知识库</Link>
          <Button size="small" type="text" icon={<ReloadOutlined />} onClick={() => void load()} loading={loading}>
            刷新
          </Button>
        </Space>
      </div>
    </Card>
  );

  const returned = a.reviewNote && a.status === 'draft' && (
    <Alert type="warning" showIcon message="已被退回修改" description={a.reviewNote} data-testid="kb-review-note" />
  );
  const actions = <KbArticleActions article={a} onDone={changed} onEdit={() => setEditing(true)} onReported={() => void load()} />;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon message={error.message} closable onClose={() => setError(null)} />}
      {header}
      {returned}
      {editing ? (
        <Card size="small" title="修改知识条目">
          <KbArticleForm article={a} onSaved={changed} onCancel={() => setEditing(false)} />
        </Card>
      ) : (
        <Row gutter={[12, 12]}>
          <Col xs={24} lg={17}>
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              {!wide && actions}
              <Details a={a} />
              <Passages article={a} />
            </Space>
          </Col>
          <Col xs={24} lg={7}>
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              {wide && actions}
              <KbTimeline events={events} />
            </Space>
          </Col>
        </Row>
      )}
    </Space>
  );
}
