// The rerank stops early only where it cannot change the hits: the reranked list stays in the order
// a full sort gives (score, then id), and the bound it compares against is the score of the last hit
// the page would take (at most perArticle of one article).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { insertRanked, lastChosen } from './search.ts';

const row = (id: number, final: number, article: number) => ({ id, final, a: { id: article } });

describe('rerank order', () => {
  it('keeps the order of a full sort, ties by id', () => {
    const items = [row(5, 0.2, 1), row(3, 0.5, 1), row(9, 0.2, 2), row(1, 0.2, 3), row(7, 0.9, 4), row(2, 0.5, 2)];
    const list: typeof items = [];
    for (const r of items) insertRanked(list, r);
    const sorted = [...items].sort((x, y) => y.final - x.final || x.id - y.id);
    assert.deepEqual(list.map((r) => r.id), sorted.map((r) => r.id));
    assert.deepEqual(list.map((r) => r.id), [7, 2, 3, 1, 5, 9]);
  });
});

describe('the score a passage must beat', () => {
  const cases: Array<{ name: string; list: ReturnType<typeof row>[]; limit: number; perArticle: number; bound: number }> = [
    { name: 'fewer hits than the page: no bound', list: [row(1, 0.9, 1), row(2, 0.8, 2)], limit: 3, perArticle: 3, bound: 0 },
    { name: 'the page full: its last hit', list: [row(1, 0.9, 1), row(2, 0.8, 2), row(3, 0.7, 3)], limit: 2, perArticle: 3, bound: 0.8 },
    { name: 'passages beyond perArticle do not count', list: [row(1, 0.9, 1), row(2, 0.8, 1), row(3, 0.7, 2)], limit: 2, perArticle: 1, bound: 0.7 },
    { name: 'one article alone never fills a page past perArticle', list: [row(1, 0.9, 1), row(2, 0.8, 1), row(3, 0.7, 1)], limit: 2, perArticle: 1, bound: 0 },
  ];
  for (const c of cases) it(c.name, () => assert.equal(lastChosen(c.list, c.limit, c.perArticle), c.bound));
});
