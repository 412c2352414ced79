// A search snippet as the server sends it: HTML-escaped text with the matched words in <em>. It is
// turned into React text nodes, never set as HTML, so nothing written in an article becomes markup.
import { Fragment } from 'react';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);

export function KbHighlight({ snippet }: { snippet: string }) {
  // split() with a capture group puts the matched words at the odd indices.
  const parts = snippet.split(/<em>([\s\S]*?)<\/em>/g);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 ? (
          <mark key={i} style={{ background: '#fff1b8', padding: 0, color: 'inherit' }}>
            {unescapeHtml(part)}
          </mark>
        ) : (
          <Fragment key={i}>{unescapeHtml(part)}</Fragment>
        ),
      )}
    </>
  );
}
