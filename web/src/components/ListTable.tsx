// A server-paged ticket table, memoised: typing in a filter or counts arriving do not re-render its rows.
import { memo, useCallback, useMemo, useRef, type HTMLAttributes } from 'react';
import { useNavigate } from 'react-router-dom';
import { Spin, Table } from 'antd';
import type { TablePaginationConfig } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TableRowSelection } from 'antd/es/table/interface';
import type { Page, TicketSummary } from '../types';
import { ticketColumns, type TicketColumnKey } from './ListColumns';

export interface ListTableProps {
  testId: string;
  data: Page<TicketSummary> | null;
  loading: boolean;
  columns: TicketColumnKey[];
  now: number;
  compact: boolean;
  page: number;
  pageSize: number;
  pageSizes?: number[];
  size?: 'small' | 'middle';
  emptyText: string;
  totalText?: (total: number) => string;
  hideOnSinglePage?: boolean;
  onPage: (page: number, pageSize: number) => void;
  extra?: Record<string, string>;
  /** 批量操作: checkboxes on the rows (the header one selects the page) and the selected numbers. */
  selected?: string[];
  onSelect?: (nos: string[]) => void;
}

interface InnerProps {
  rowSelection?: TableRowSelection<TicketSummary>;
  testId: string;
  extra?: Record<string, string>;
  data: Page<TicketSummary> | null;
  columns: ColumnsType<TicketSummary>;
  size: 'small' | 'middle';
  pagination: TablePaginationConfig;
  emptyText: string;
  onRow: (t: TicketSummary) => HTMLAttributes<HTMLElement>;
  onChange: (p: TablePaginationConfig) => void;
}

// The table itself only re-renders when its rows, columns or pager change; the loading veil is drawn
// around it, so a request going out does not re-render fifty rows.
const InnerTable = memo(function InnerTable(p: InnerProps) {
  const dataSource = useMemo(() => p.data?.items ?? [], [p.data]);
  const locale = useMemo(() => ({ emptyText: p.data ? p.emptyText : '加载中…' }), [p.data, p.emptyText]);
  return (
    <Table<TicketSummary>
      data-testid={p.testId}
      {...p.extra}
      rowKey="no"
      size={p.size}
      tableLayout="fixed"
      columns={p.columns}
      dataSource={dataSource}
      onRow={p.onRow}
      onChange={p.onChange}
      pagination={p.pagination}
      locale={locale}
      rowSelection={p.rowSelection}
    />
  );
});

export const ListTable = memo(function ListTable(props: ListTableProps) {
  const { data, loading, compact, now } = props;
  const navigate = useNavigate();
  const go = useRef(navigate);
  go.current = navigate;
  const onPage = useRef(props.onPage);
  onPage.current = props.onPage;

  const columnKey = props.columns.join(',');
  const open = useCallback((no: string) => go.current(`/tickets/${no}`), []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const columns = useMemo(() => ticketColumns(props.columns, { now, compact, open }), [columnKey, now, compact, open]);
  const onRow = useCallback(
    (t: TicketSummary) =>
      ({
        // A click in the checkbox column selects the row; anywhere else opens the ticket.
        onClick: (e: React.MouseEvent) => {
          if ((e.target as HTMLElement).closest?.('.ant-table-selection-column')) return;
          open(t.no);
        },
        style: { cursor: 'pointer' },
        'data-ticket-no': t.no,
      }) as HTMLAttributes<HTMLElement>,
    [open],
  );
  // The pager shows the page that is on screen; the one being fetched is the caller's.
  const current = data?.page ?? props.page;
  const pageSize = data?.pageSize ?? props.pageSize;
  const onChange = useCallback((p: TablePaginationConfig) => onPage.current(p.current ?? 1, p.pageSize ?? pageSize), [pageSize]);
  const pagination = useMemo<TablePaginationConfig>(
    () => ({
      current,
      pageSize,
      total: data?.total ?? 0,
      showSizeChanger: !compact && !!props.pageSizes,
      pageSizeOptions: props.pageSizes,
      showTotal: compact ? undefined : props.totalText,
      simple: compact,
      size: compact || props.size === 'small' ? 'small' : undefined,
      hideOnSinglePage: props.hideOnSinglePage,
    }),
    [current, pageSize, data?.total, compact, props.pageSizes, props.totalText, props.size, props.hideOnSinglePage],
  );
  const onSelect = useRef(props.onSelect);
  onSelect.current = props.onSelect;
  const selectable = !!props.onSelect;
  const selectedKey = (props.selected ?? []).join(',');
  const rowSelection = useMemo<TableRowSelection<TicketSummary> | undefined>(
    () =>
      selectable
        ? {
            selectedRowKeys: selectedKey ? selectedKey.split(',') : [],
            onChange: (keys) => onSelect.current?.(keys.map(String)),
            preserveSelectedRowKeys: false,
            columnWidth: 36,
            getCheckboxProps: (t) => ({ 'aria-label': `选择工单 ${t.no}` }) as never,
          }
        : undefined,
    [selectable, selectedKey],
  );
  const extraKey = props.extra ? JSON.stringify(props.extra) : '';
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const extra = useMemo(() => props.extra, [extraKey]);

  return (
    <div className="list-table" data-loading={loading ? 'true' : 'false'} aria-busy={loading}>
      <Spin spinning={loading} delay={120}>
        <InnerTable
          testId={props.testId}
          extra={extra}
          data={data}
          columns={columns}
          size={props.size ?? (compact ? 'small' : 'middle')}
          pagination={pagination}
          emptyText={props.emptyText}
          onRow={onRow}
          onChange={onChange}
          rowSelection={rowSelection}
        />
      </Spin>
    </div>
  );
});
