// A Kysely plugin that keeps the requester's personal data sealed in the store without the many
// readers and writers knowing: every INSERT into / UPDATE of `tickets` has its sealed columns
// encrypted (and the phone's lookup hash filled) before the SQL is built, and every string cell of
// every result that carries the sealed prefix is opened. Bulk writers that bypass Kysely (the
// history generator) seal their rows with sealTicketRow.
import {
  AliasNode,
  ColumnNode,
  ColumnUpdateNode,
  DefaultInsertValueNode,
  InsertQueryNode,
  PrimitiveValueListNode,
  TableNode,
  UpdateQueryNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { FieldCryptoError, looksSealed, type FieldCrypto } from './field-crypto.ts';

/** The columns of `tickets` stored sealed. */
export const SEALED_TICKET_COLUMNS = ['requester_name', 'requester_phone', 'requester_id_no', 'address'] as const;
const SEALED = new Set<string>(SEALED_TICKET_COLUMNS);
const PHONE = 'requester_phone';
const PHONE_HASH = 'requester_phone_hash';

type SealedColumns = { [K in (typeof SEALED_TICKET_COLUMNS)[number]]?: string | null };

/** A tickets row with its sealed columns encrypted and its phone hash filled (for writers that bypass Kysely). */
export function sealTicketRow<T extends SealedColumns>(crypto: FieldCrypto, row: T): T & { requester_phone_hash: string | null } {
  const out: Record<string, unknown> = { ...row };
  for (const c of SEALED_TICKET_COLUMNS) if (c in row) out[c] = crypto.seal(row[c]);
  out[PHONE_HASH] = crypto.phoneLookupHash(row.requester_phone);
  return out as T & { requester_phone_hash: string | null };
}

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (TableNode.is(node)) return node.table.identifier.name;
  if (AliasNode.is(node)) return tableName(node.node);
  return undefined;
}

function columnName(node: OperationNode): string | undefined {
  return ColumnNode.is(node) ? node.column.name : undefined;
}

function refuse(column: string): never {
  throw new FieldCryptoError(`tickets.${column} 只能写入普通值（加密字段不接受 SQL 表达式）`);
}

export class FieldCryptoPlugin implements KyselyPlugin {
  constructor(private readonly crypto: FieldCrypto) {}

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (InsertQueryNode.is(node) && tableName(node.into) === 'tickets') return this.sealInsert(node);
    if (UpdateQueryNode.is(node) && tableName(node.table) === 'tickets') return this.sealUpdate(node);
    return node;
  }

  private sealInsert(node: InsertQueryNode): InsertQueryNode {
    const names = (node.columns ?? []).map(columnName);
    if (!names.some((n) => n && SEALED.has(n))) return node;
    if (!node.values || !ValuesNode.is(node.values)) return refuse(names.find((n) => n && SEALED.has(n))!);
    const phoneAt = names.indexOf(PHONE);
    let hashAt = names.indexOf(PHONE_HASH);
    const columns = [...node.columns!];
    if (phoneAt >= 0 && hashAt < 0) {
      hashAt = columns.length;
      columns.push(ColumnNode.create(PHONE_HASH));
    }
    const rows = node.values.values.map((item) => {
      if (PrimitiveValueListNode.is(item)) {
        const values = [...item.values];
        while (values.length < columns.length) values.push(null);
        if (phoneAt >= 0) values[hashAt] = this.crypto.phoneLookupHash(values[phoneAt] as string | null);
        names.forEach((n, i) => {
          if (n && SEALED.has(n)) values[i] = this.crypto.seal(values[i] as string | null);
        });
        return PrimitiveValueListNode.create(values);
      }
      const values = [...item.values];
      const plain = (i: number): string | null => {
        const v = values[i];
        // A column a row of a multi-row insert leaves out comes as DEFAULT, which is null for these.
        if (v === undefined || DefaultInsertValueNode.is(v)) return null;
        if (!ValueNode.is(v)) return refuse(names[i]!);
        return v.value as string | null;
      };
      while (values.length < columns.length) values.push(ValueNode.create(null));
      if (phoneAt >= 0) values[hashAt] = ValueNode.create(this.crypto.phoneLookupHash(plain(phoneAt)));
      names.forEach((n, i) => {
        if (n && SEALED.has(n)) values[i] = ValueNode.create(this.crypto.seal(plain(i)));
      });
      return ValueListNode.create(values);
    });
    return InsertQueryNode.cloneWith(node, { columns, values: ValuesNode.create(rows) });
  }

  private sealUpdate(node: UpdateQueryNode): UpdateQueryNode {
    if (!node.updates?.some((u) => SEALED.has(columnName(u.column) ?? ''))) return node;
    const updates: ColumnUpdateNode[] = [];
    for (const u of node.updates) {
      const name = columnName(u.column) ?? '';
      if (name === PHONE_HASH) continue;
      if (!SEALED.has(name)) {
        updates.push(u);
        continue;
      }
      if (!ValueNode.is(u.value)) refuse(name);
      const value = u.value.value as string | null;
      updates.push(ColumnUpdateNode.create(u.column, ValueNode.create(this.crypto.seal(value))));
      if (name === PHONE) updates.push(ColumnUpdateNode.create(ColumnNode.create(PHONE_HASH), ValueNode.create(this.crypto.phoneLookupHash(value))));
    }
    return UpdateQueryNode.cloneWithUpdates(node, updates);
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (!result.rows?.length) return result;
    for (const row of result.rows) this.openRow(row as Record<string, unknown>, 0);
    return result;
  }

  /** Opens every sealed cell in place. A sealed column that fails to open is an error; elsewhere a look-alike is free text. */
  private openRow(row: Record<string, unknown>, depth: number): void {
    for (const key in row) {
      const v = row[key];
      if (typeof v === 'string') {
        if (v.charCodeAt(0) !== 101 /* e */ || !looksSealed(v)) continue;
        try {
          row[key] = this.crypto.open(v);
        } catch (err) {
          if (SEALED.has(key)) throw err;
        }
      } else if (v !== null && typeof v === 'object' && depth < 4) {
        // PostgreSQL's json columns arrive parsed: nested rows (json_agg) are opened too.
        if (Array.isArray(v)) for (const item of v) if (item && typeof item === 'object') this.openRow(item as Record<string, unknown>, depth + 1);
        if (Object.getPrototypeOf(v) === Object.prototype) this.openRow(v as Record<string, unknown>, depth + 1);
      }
    }
  }
}
