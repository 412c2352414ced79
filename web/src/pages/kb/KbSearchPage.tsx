// 知识库: search the published knowledge as agents do during a call (ranked passages with the matched
// words highlighted, the source document and whether it is in force), and the list of articles the
// user may see (a unit: its own in every state). The tab and the filters live in the URL, so the
// back button returns to the same results.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Empty, Flex, Input, List, Select, Space, Tabs, Tag, Typography } from 'antd';
import { FileAddOutlined } from '@ant-design/icons';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { PageTitle, errorText } from '../../components/AdminCommon';
import { searchFilter, useUnits } from '../../components/TicketRefData';
import { KB_TODO_ROLES, KB_WRITERS, VALIDITY_LABELS, useKbMeta } from '../../components/KbMeta';
import { kbUnitOptions } from '../../components/KbUnits';
import { KbHighlight } from '../../components/KbHighlight';
import { KbSourceText, KbStatusTag, KbValidityTag } from '../../components/KbTags';
import type { KbHit, KbSearchResult } from '../../components/KbTypes';
import { KbArticleList } from './KbArticleList';

type Update = (patch: Record<string, string | null>) => void;

function SearchFilters({ params, update }: { params: URLSearchParams; update: Update }) {
  const meta = useKbMeta();
  const units = useUnits();
  const unitOptions = useMemo(() => kbUnitOptions(units, null), [units]);
  const [q, setQ] = useState(params.get('q') ?? '');
  useEffect(() => setQ(params.get('q') ?? ''), [params]);
  return (
    <Flex wrap gap={8} style={{ marginBottom: 12 }}>
      <Input.Search
        autoFocus
        allowClear
        enterButton="检索"
        placeholder="输入群众的问题或关键词，如：加装电梯补助"
        value={q}
        maxLength={200}
        onChange={(e) => setQ(e.target.value)}
        onSearch={(v) => update({ q: v.trim() || null })}
        style={{ flex: '1 1 320px', maxWidth: 560 }}
        data-testid="kb-search-input"
        aria-label="检索内容"
      />
      <Select
        allowClear
        placeholder="知识类别"
        value={params.get('kind') || undefined}
        onChange={(v) => update({ kind: v ?? null })}
        options={meta.kinds.map((k) => ({ value: k.code, label: k.label }))}
        style={{ width: 120 }}
        aria-label="知识类别"
      />
      <Select
        allowClear
        showSearch
        placeholder="所属单位（含下级）"
        value={params.get('unit') || undefined}
        onChange={(v) => update({ unit: v ?? null })}
        options={unitOptions}
        filterOption={searchFilter}
        popupMatchSelectWidth={false}
        style={{ width: 200 }}
        aria-label="所属单位"
      />
      <Select
        allowClear
        placeholder="有效期"
        value={params.get('validity') || undefined}
        onChange={(v) => update({ validity: v ?? null })}
        options={['current', 'upcoming', 'expired'].map((v) => ({ value: v, label: VALIDITY_LABELS[v] }))}
        style={{ width: 120 }}
        aria-label="有效期"
      />
    </Flex>
  );
}

function Hit({ hit }: { hit: KbHit }) {
  const a = hit.article;
  return (
    <div data-testid="kb-hit" data-article-id={a.id} style={{ width: '100%' }}>
      <Space wrap size={[6, 4]} align="center">
        <Link to={`/kb/articles/${a.id}`} style={{ fontSize: 15, fontWeight: 600 }}>
          {a.title}
        </Link>
        <Tag>{a.kindLabel}</Tag>
        <KbValidityTag article={a} />
        {a.status !== 'published' && <KbStatusTag article={a} />}
      </Space>
      {hit.passage.heading && (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {hit.passage.heading}
          </Typography.Text>
        </div>
      )}
      <Typography.Paragraph style={{ margin: '4px 0', lineHeight: 1.7 }} data-testid="kb-snippet">
        <KbHighlight snippet={hit.snippet} />
      </Typography.Paragraph>
      <Space wrap size={[12, 2]} style={{ fontSize: 12 }}>
        <Typography.Text type="secondary">{a.unit?.name ?? '—'}</Typography.Text>
        {Object.values(a.source).some(Boolean) && <KbSourceText source={a.source} />}
        <Typography.Text type="secondary" title="问题中的关键词在该段落中出现的比重">
          匹配度 {Math.round(hit.coverage * 100)}%
        </Typography.Text>
      </Space>
    </div>
  );
}

function SearchResults({ params }: { params: URLSearchParams }) {
  const q = params.get('q')?.trim() ?? '';
  const query = qs({ q, kind: params.get('kind'), unit: params.get('unit'), validity: params.get('validity'), limit: 20 });
  const [result, setResult] = useState<KbSearchResult | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    if (!q) {
      setResult(null);
      return;
    }
    const mine = ++seq.current;
    setLoading(true);
    api<KbSearchResult>(`/kb/search${query}`)
      .then((r) => mine === seq.current && (setResult(r), setError(null)))
      .catch((e) => mine === seq.current && setError(errorText(e)))
      .finally(() => mine === seq.current && setLoading(false));
  }, [q, query]);

  if (!q) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="输入问题或关键词后检索；只检索已发布的知识" />;
  return (
    <div data-testid="kb-results" data-loading={loading ? 'true' : 'false'}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {result && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 4, fontSize: 13 }}>
          找到 {result.total} 条相关内容
          {result.query.words.length > 0 && `；检索词：${result.query.words.join('、')}`}
          {result.query.synonyms.length > 0 && `；同义词：${result.query.synonyms.map((g) => g.join('/')).join('，')}`}
        </Typography.Paragraph>
      )}
      <List
        loading={loading}
        dataSource={result?.items ?? []}
        locale={{ emptyText: result ? '没有找到相关知识，可换个说法或减少筛选条件' : ' ' }}
        rowKey={(h) => `${h.article.id}-${h.passage.seq}`}
        renderItem={(h) => (
          <List.Item>
            <Hit hit={h} />
          </List.Item>
        )}
      />
    </div>
  );
}

export default function KbSearchPage() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'articles' ? 'articles' : 'search';
  const update: Update = (patch) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === '') next.delete(k);
        else next.set(k, v);
      }
      if (!('page' in patch)) next.delete('page');
      return next;
    });
  const writer = !!user && KB_WRITERS.includes(user.role);
  return (
    <div>
      <PageTitle
        title="知识库"
        extra={
          <>
            {user && KB_TODO_ROLES.includes(user.role) && <Link to="/kb/todo">知识库待办</Link>}
            {writer && (
              <Button type="primary" icon={<FileAddOutlined />} onClick={() => navigate('/kb/articles/new')} data-testid="kb-new">
                录入知识
              </Button>
            )}
          </>
        }
      >
        政策法规、部门职能、便民问答、办事指南和民生热点，按“谁提供、谁审核、谁更新、谁负责”维护
      </PageTitle>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'articles' ? { tab: 'articles' } : {})}
        items={[
          {
            key: 'search',
            label: '知识检索',
            children: tab === 'search' && (
              <>
                <SearchFilters params={params} update={update} />
                <SearchResults params={params} />
              </>
            ),
          },
          { key: 'articles', label: user && ['unit_staff', 'unit_head'].includes(user.role) ? '本单位知识条目' : '知识条目', children: tab === 'articles' && <KbArticleList params={params} update={update} /> },
        ]}
      />
    </div>
  );
}
