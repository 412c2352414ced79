// The month's ranking as the 全市通报 table: .xlsx, or PDF with the charts, made by the server
// for the viewer (their mark on every page), downloaded with progress.
import { Space } from 'antd';
import { DownloadButton } from '../../components/DownloadButton';

export function EvaluationExports({ month }: { month: string }) {
  return (
    <Space size={4} wrap>
      <DownloadButton request={{ path: `/evaluation/months/${month}/ranking.xlsx`, fileName: `月度考核_${month}.xlsx` }} testId="ranking-xlsx">
        导出 Excel
      </DownloadButton>
      <DownloadButton request={{ path: `/evaluation/months/${month}/ranking.pdf`, fileName: `月度考核_${month}.pdf` }} testId="ranking-pdf">
        导出 PDF
      </DownloadButton>
    </Space>
  );
}
