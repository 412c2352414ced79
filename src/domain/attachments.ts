// Attachments of a unit's reply (photos of the site, PDFs, office documents): the limits, and the
// kind of a file told by its first bytes. The name's extension must agree with the content, so a
// page renamed to .pdf, or a photo renamed to .docx, is refused; what is served is the content type
// of the kind found here, never the one the uploader claimed.

export const ATTACHMENT_LIMITS = {
  /** Bytes per file. */
  maxBytes: 10 * 1024 * 1024,
  /** Files per reply. */
  maxFiles: 5,
  /** Characters of a file name kept (the rest of a longer name is cut, its extension kept). */
  maxNameChars: 120,
} as const;

/** The actions whose text a unit may back with files: its answer, reports and co-handling opinion. */
export const ATTACHABLE_ACTIONS = ['reply', 'decline', 'first_response', 'progress', 'opinion'] as const;
export type AttachableAction = (typeof ATTACHABLE_ACTIONS)[number];

export interface AttachmentKind {
  /** Served as this content type, whatever the upload claimed. */
  contentType: string;
  /** Extensions (lower case, no dot) a file of this kind may be named with. */
  extensions: readonly string[];
  label: string;
}

const ascii = (s: string) => Buffer.from(s, 'latin1');
const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const bytes = (s: string) => [...ascii(s)];

/** An Office Open XML package (a zip) holds its parts under word/, xl/ or ppt/; the names sit in the zip's headers. */
function ooxmlPart(b: Uint8Array, folder: string): boolean {
  return startsWith(b, [0x50, 0x4b, 0x03, 0x04]) && Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(ascii(folder)) && Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(ascii('[Content_Types].xml'));
}
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'];

const KINDS: ReadonlyArray<AttachmentKind & { test(b: Uint8Array): boolean }> = [
  { label: 'JPG 图片', contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { label: 'PNG 图片', contentType: 'image/png', extensions: ['png'], test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { label: 'GIF 图片', contentType: 'image/gif', extensions: ['gif'], test: (b) => startsWith(b, bytes('GIF87a')) || startsWith(b, bytes('GIF89a')) },
  { label: 'WebP 图片', contentType: 'image/webp', extensions: ['webp'], test: (b) => startsWith(b, bytes('RIFF')) && startsWith(b, bytes('WEBP'), 8) },
  {
    label: 'HEIC 图片',
    contentType: 'image/heic',
    extensions: ['heic', 'heif'],
    test: (b) => startsWith(b, bytes('ftyp'), 4) && HEIF_BRANDS.some((brand) => startsWith(b, bytes(brand), 8)),
  },
  { label: 'PDF 文档', contentType: 'application/pdf', extensions: ['pdf'], test: (b) => startsWith(b, bytes('%PDF-')) },
  { label: 'Word 文档', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], test: (b) => ooxmlPart(b, 'word/') },
  { label: 'Excel 表格', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], test: (b) => ooxmlPart(b, 'xl/') },
  { label: 'PowerPoint 演示文稿', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extensions: ['pptx'], test: (b) => ooxmlPart(b, 'ppt/') },
  // The older binary formats share one container signature: the name tells which program's file it is.
  { label: 'Word 文档（97-2003）', contentType: 'application/msword', extensions: ['doc'], test: (b) => startsWith(b, OLE) },
  { label: 'Excel 表格（97-2003）', contentType: 'application/vnd.ms-excel', extensions: ['xls'], test: (b) => startsWith(b, OLE) },
  { label: 'PowerPoint 演示文稿（97-2003）', contentType: 'application/vnd.ms-powerpoint', extensions: ['ppt'], test: (b) => startsWith(b, OLE) },
];

/** What the console's file picker offers (its accept attribute) and the error names. */
export const ATTACHMENT_EXTENSIONS: readonly string[] = KINDS.flatMap((k) => k.extensions);
export const ATTACHMENT_TYPES_TEXT = '图片（JPG、PNG、GIF、WebP、HEIC）、PDF、Word、Excel、PowerPoint 文档';

const extensionOf = (name: string) => /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? '';

/**
 * The kind of the file named `name` with content `content`, or why it is refused. Both must agree:
 * the extension one of the allowed kinds and the first bytes that kind's signature.
 */
export function attachmentKind(name: string, content: Uint8Array): { kind: AttachmentKind } | { refused: 'empty' | 'extension' | 'content' } {
  if (!content.length) return { refused: 'empty' };
  const ext = extensionOf(name);
  const named = KINDS.filter((k) => k.extensions.includes(ext));
  if (!named.length) return { refused: 'extension' };
  const kind = named.find((k) => k.test(content));
  if (!kind) return { refused: 'content' };
  const { test: _test, ...plain } = kind;
  return { kind: plain };
}

/**
 * The name a file is kept under: its last path segment (browsers of old sent the client's whole
 * path), without control characters, cut to maxNameChars with its extension kept.
 */
export function cleanFileName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (raw.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  const name = base || '附件';
  if ([...name].length <= ATTACHMENT_LIMITS.maxNameChars) return name;
  const ext = extensionOf(name);
  const keep = ATTACHMENT_LIMITS.maxNameChars - (ext ? ext.length + 1 : 0);
  return [...name].slice(0, keep).join('') + (ext ? `.${ext}` : '');
}

/** Content-Disposition of a download: always a download, never shown in the page; the name in UTF-8 (RFC 6266/8187) with an ASCII fallback. */
export function downloadDisposition(name: string): string {
  const ext = extensionOf(name);
  const fallback = `attachment${ext ? `.${ext}` : ''}`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
