// The shapes the knowledge-base API answers with: the server's own declarations
// (src/knowledge/contract.ts), imported type-only, so a change there fails the console's type check.
export type {
  ArticleValidity as KbValidity,
  KbArticle,
  KbArticleListItem as KbArticleSummary,
  KbEntry,
  KbEvent,
  KbFlag,
  KbHit,
  KbMeta,
  KbPassage,
  KbReport,
  KbSearchResult,
  KbSource,
  KbTodo,
} from '../../../src/knowledge/contract.ts';
