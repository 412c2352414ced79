// The public knowledge-base page (/public/kb): a search box, the smart answer and the hits, and each
// published article in force. Rendered on the server, no script, no login: what a citizen sees on
// the government website (一网通查、一网通答).
import type { FastifyPluginAsync } from 'fastify';
import { publicKbLimit } from './public-limit.ts';
import type { AppContext } from '../server/context.ts';
import { Problem } from '../server/problem.ts';
import { searchKb } from './search.ts';
import { smartAnswer } from './answer.ts';
import { getArticle } from './articles.ts';
import { PUBLIC_UNKNOWN } from './routes.ts';

const esc = (s: string | null | undefined) => (s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;max-width:860px;margin:0 auto;padding:16px;color:#222;line-height:1.7}
h1{font-size:22px;color:#b71c1c}h2{font-size:18px}a{color:#1565c0;text-decoration:none}
form{display:flex;gap:8px;margin:16px 0}input[type=search]{flex:1;padding:8px;font-size:16px}button{padding:8px 16px;font-size:16px}
.answer{background:#fff8e1;border-left:4px solid #f9a825;padding:8px 12px;margin:12px 0}.hit{border-bottom:1px solid #eee;padding:8px 0}
.meta{color:#777;font-size:13px}em{color:#c62828;font-style:normal;font-weight:bold}.passage{white-space:pre-wrap;margin:8px 0}
</style></head><body>
<h1><a href="/public/kb" style="color:inherit">12345 政务服务便民热线 · 政策问答</a></h1>
${body}
<p class="meta">本页内容来自市12345热线知识库中已发布且在有效期内的条目。</p>
</body></html>`;
}

const source = (s: { title: string | null; docNo: string | null; issuer: string | null; date: string | null }) =>
  [s.issuer, s.docNo, s.date].filter(Boolean).map(esc).join(' · ');

export const knowledgePublicPage: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The same per-IP limit as the JSON reads (./public-limit.ts), shared with them.
  const publicLimit = publicKbLimit(ctx);
  app.get<{ Querystring: { q?: string } }>(
    '/public/kb',
    { schema: { hide: true, querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 200 } } } }, onRequest: publicLimit },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      let body = `<form method="get" action="/public/kb"><input type="search" name="q" value="${esc(q)}" placeholder="请输入您的问题，如：租房可以提取住房公积金吗" autofocus><button>搜索</button></form>`;
      if (q) {
        const answer = await smartAnswer(ctx, q, { validity: 'current' });
        const { hits } = await searchKb(ctx, { q, validity: 'current', limit: 10 });
        body += answer.known
          ? `<div class="answer"><strong>智能解答</strong>（可信度 ${Math.round(answer.confidence * 100)}%）<div class="passage">${esc(answer.passages[0].text)}</div><div class="meta">来源：<a href="/public/kb/articles/${answer.passages[0].articleId}">${esc(answer.passages[0].title)}</a> ${source(answer.passages[0].source)}</div></div>`
          : `<div class="answer">${esc(PUBLIC_UNKNOWN)}</div>`;
        body += hits.length
          ? hits.map((h) => `<div class="hit"><a href="/public/kb/articles/${h.article.id}">${esc(h.article.title)}</a> <span class="meta">${esc(h.article.kindLabel)}</span><div>${h.snippet}</div><div class="meta">${source(h.article.source)}</div></div>`).join('')
          : '<p>没有找到相关内容。</p>';
      }
      return reply.type('text/html; charset=utf-8').send(page(q ? `${q} - 政策问答` : '政策问答', body));
    },
  );

  app.get<{ Params: { id: string } }>('/public/kb/articles/:id', { schema: { hide: true }, onRequest: publicLimit }, async (request, reply) => {
    const id = /^\d{1,9}$/.test(request.params.id) ? Number(request.params.id) : 0;
    try {
      const a = await getArticle(ctx, null, id, { publicOnly: true });
      const passages = a.passages.map((p) => `${p.heading ? `<div class="meta">${esc(p.heading)}</div>` : ''}<div class="passage">${esc(p.text)}</div>`).join('');
      const body = `<h2>${esc(a.title)}</h2><p class="meta">${esc(a.kindLabel)} · ${source(a.source)}${a.expiresOn ? ` · 有效期至 ${esc(a.expiresOn)}` : ''}</p>${passages}<p><a href="/public/kb">返回搜索</a></p>`;
      return reply.type('text/html; charset=utf-8').send(page(a.title, body));
    } catch (err) {
      if (!(err instanceof Problem) || err.status !== 404) throw err;
      return reply.code(404).type('text/html; charset=utf-8').send(page('未找到', '<p>该条目不存在或已不再公开。</p><p><a href="/public/kb">返回搜索</a></p>'));
    }
  });
};
