// Files on a unit's reply: read from a multipart request of the action (its text fields become the
// action's body), checked by content before anything is written, kept in the store with the
// submission in the action's own transaction (a refused action keeps no file), listed with the
// ticket and downloaded by whoever may read the ticket. File names are personal data of a kind (a
// photo named after the requester): they are stored and shown, never logged nor audited.
import type { Attachment } from './contract.ts';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Db, Tx } from '../store/db.ts';
import { ATTACHMENT_LIMITS, ATTACHMENT_TYPES_TEXT, attachmentKind, cleanFileName, type AttachmentKind } from '../domain/attachments.ts';
import { invalid, notFound, Problem } from '../server/problem.ts';
import { refusedTicketRead } from '../audit/refusals.ts';
import { ticketNumbered, unitCanSee } from './model.ts';

export interface UploadedFile {
  name: string;
  content: Buffer;
  kind: AttachmentKind;
}

const FIELD = 'attachments';
const MB = ATTACHMENT_LIMITS.maxBytes / 1024 / 1024;

/** The multipart limits the route's parser enforces while it reads (a file past them is never held whole). */
export const MULTIPART_LIMITS = {
  fileSize: ATTACHMENT_LIMITS.maxBytes,
  files: ATTACHMENT_LIMITS.maxFiles,
  fields: 10,
  // A reply's 4000 characters of Chinese are some 12 KB of UTF-8.
  fieldSize: 64 * 1024,
  parts: ATTACHMENT_LIMITS.maxFiles + 10,
  headerPairs: 200,
};

const tooBig = () =>
  new Problem(413, 'attachment-too-large', `字段「附件」：每个文件不得超过 ${MB} MB`, { errors: [{ field: FIELD, message: `每个文件不得超过 ${MB} MB` }] });

/** The body and files of a multipart action request; any refusal is a Chinese 4xx naming the field. */
export async function readMultipartAction(request: FastifyRequest): Promise<{ body: Record<string, string>; files: UploadedFile[] }> {
  const body: Record<string, string> = {};
  const files: UploadedFile[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.valueTruncated || part.fieldnameTruncated) throw invalid(part.fieldname, `字段「${part.fieldname}」过长`);
        const value = String(part.value ?? '');
        // PostgreSQL's text type has no room for NUL (the JSON bodies are checked by the input guard).
        if (value.includes('\u0000')) throw invalid(part.fieldname, `字段「${part.fieldname}」含有无法保存的字符（NUL）`);
        body[part.fieldname] = value;
        continue;
      }
      if (part.fieldname !== FIELD) throw invalid(part.fieldname, `字段「${part.fieldname}」不接受文件，附件请放在字段「附件」（attachments）中`);
      const content = await part.toBuffer();
      const n = files.length + 1;
      const name = cleanFileName(part.filename ?? '');
      const found = attachmentKind(name, content);
      if ('refused' in found) {
        const why =
          found.refused === 'empty'
            ? `第 ${n} 个文件为空`
            : found.refused === 'extension'
              ? `第 ${n} 个文件的类型不允许，仅限${ATTACHMENT_TYPES_TEXT}`
              : `第 ${n} 个文件的内容与其扩展名不符，仅限${ATTACHMENT_TYPES_TEXT}`;
        throw invalid(FIELD, `字段「附件」：${why}`);
      }
      files.push({ name, content, kind: found.kind });
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooBig();
    if (code === 'FST_FILES_LIMIT') throw invalid(FIELD, `字段「附件」：每次至多 ${ATTACHMENT_LIMITS.maxFiles} 个文件`);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw invalid('body', '表单字段过多');
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_PROTO_VIOLATION') throw invalid('body', '表单格式不正确（multipart/form-data）');
    if (err instanceof Problem) throw err;
    // busboy's own refusals of a malformed body (a cut boundary, bad part headers).
    throw invalid('body', '表单格式不正确（multipart/form-data）');
  }
  return { body, files };
}

/** Keeps the files of one submission, in the caller's transaction. */
export async function storeAttachments(tx: Tx, files: readonly UploadedFile[], at: { ticketId: number; submissionId: number; userId: number; now: string }): Promise<void> {
  for (const f of files) {
    await tx
      .insertInto('reply_attachments')
      .values({
        ticket_id: at.ticketId,
        submission_id: at.submissionId,
        file_name: f.name,
        content_type: f.kind.contentType,
        size: f.content.length,
        sha256: createHash('sha256').update(f.content).digest('hex'),
        data: f.content,
        created_by: at.userId,
        created_at: at.now,
      })
      .execute();
  }
}

/** A file of a ticket as its page lists it, with the submission it backs. */
export type AttachmentListing = Attachment & { submissionId: number };

/** The files of a ticket's submissions (without their bytes), in upload order. */
export async function attachmentsOfTicket(db: Db, ticketId: number, ticketNo: string): Promise<AttachmentListing[]> {
  const rows = await db
    .selectFrom('reply_attachments')
    .select(['id', 'submission_id', 'file_name', 'content_type', 'size'])
    .where('ticket_id', '=', ticketId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    submissionId: Number(r.submission_id),
    name: r.file_name,
    contentType: r.content_type,
    size: Number(r.size),
    url: `/api/v1/tickets/${ticketNo}/attachments/${r.id}`,
  }));
}

/** One file of a ticket the actor may read; a ticket hidden from the actor is not found, as on its page. */
export async function attachmentForDownload(ctx: AppContext, actor: Actor, no: string, id: number) {
  const db = ctx.store.db;
  const t = await ticketNumbered(db, no).select(['id']).executeTakeFirst();
  if (!t || !(await unitCanSee(db, actor, t.id))) throw await refusedTicketRead(ctx, actor, no, !!t, 'attachment');
  const row = await db
    .selectFrom('reply_attachments')
    .select(['file_name', 'content_type', 'data', 'size'])
    .where('id', '=', id)
    .where('ticket_id', '=', t.id)
    .executeTakeFirst();
  if (!row) throw notFound('附件不存在');
  return { name: row.file_name, contentType: row.content_type, data: Buffer.from(row.data) };
}
