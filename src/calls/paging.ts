// Paging of call handling's lists (漏接回拨, messages, restrictions, figures): `page` from 1 and a
// bounded `pageSize`, answered as { items, total, page, pageSize } like the ticket list. A bad value
// is refused by the route's schema, naming 「页码」 or 「每页条数」.
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export const PAGING_PROPERTIES = {
  page: { type: 'integer', minimum: 1, maximum: 100_000 },
  pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
} as const;

export interface PagingQuery {
  page?: number;
  pageSize?: number;
}

export interface Paging {
  page: number;
  pageSize: number;
  offset: number;
}

export function pagingOf(query: PagingQuery, defaultPageSize = DEFAULT_PAGE_SIZE): Paging {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? defaultPageSize;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** One page cut from rows computed whole (the figures); `total` is the number of rows. */
export function pageOfRows<T>(rows: readonly T[], paging: Paging): { items: T[]; total: number; page: number; pageSize: number } {
  return { items: rows.slice(paging.offset, paging.offset + paging.pageSize), total: rows.length, page: paging.page, pageSize: paging.pageSize };
}
