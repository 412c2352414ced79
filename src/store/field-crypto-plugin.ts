// A Kysely plugin that keeps personal data sealed in the store without the many readers and writers
// knowing: every INSERT into / UPDATE of a table of SEALED_TABLES has its sealed columns encrypted
// (and the phone's lookup hash filled) before the SQL is built, and every string cell of every
// result that carries the sealed prefix is opened. Bulk writers that bypass Kysely (the history
// generator) seal their rows with sealTicketRow.
import {
  AliasNode,
  ColumnNode,
  ColumnUpdateNode,
  DefaultInsertValueNode,
  InsertQueryNode,
  OnConflictNode,
  PrimitiveValueListNode,
  ReferenceNode,
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

/** A table's sealed columns, and the phone among them whose keyed hash lookups go through. */
export interface SealedTable {
  columns: readonly string[];
  hash?: { of: string; column: string };
}

/**
 * Every sealed column of the store: the requester's data on tickets, call handling's numbers, and
 * the switch's raw events whole (they carry the caller). Each table is keyed by an integer `id`.
 */
export const SEALED_TABLES = {
  tickets: { columns: SEALED_TICKET_COLUMNS, hash: { of: 'requester_phone', column: 'requester_phone_hash' } },
  calls: { columns: ['caller'], hash: { of: 'caller', column: 'caller_hash' } },
  call_events: { columns: ['payload'] },
  missed_calls: { columns: ['caller'], hash: { of: 'caller', column: 'caller_hash' } },
  call_restrictions: { columns: ['phone'], hash: { of: 'phone', column: 'phone_hash' } },
  sms_opt_outs: { columns: ['phone'], hash: { of: 'phone', column: 'phone_hash' } },
  requester_emails: { columns: ['email'] },
} as const satisfies Record<string, SealedTable>;

export type SealedTableName = keyof typeof SEALED_TABLES;
const TABLES: ReadonlyMap<string, SealedTable> = new Map(Object.entries(SEALED_TABLES));
/** Column names that hold sealed values in some table: a value there that fails to open is an error. */
const SEALED_NAMES = new Set<string>(Object.values(SEALED_TABLES).flatMap((t) => t.columns));

type SealedColumns = { [K in (typeof SEALED_TICKET_COLUMNS)[number]]?: string | null };

/** A tickets row with its sealed columns encrypted and its phone hash filled (for writers that bypass Kysely). */
export function sealTicketRow<T extends SealedColumns>(crypto: FieldCrypto, row: T): T & { requester_phone_hash: string | null } {
  const out: Record<string, unknown> = { ...row };
  for (const c of SEALED_TICKET_COLUMNS) if (c in row) out[c] = crypto.seal(row[c]);
  out.requester_phone_hash = crypto.phoneLookupHash(row.requester_phone);
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

function refuse(table: string, column: string): never {
  throw new FieldCryptoError(`${table}.${column} 只能写入普通值（加密字段不接受 SQL 表达式）`);
}

export class FieldCryptoPlugin implements KyselyPlugin {
  constructor(private readonly crypto: FieldCrypto) {}

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (InsertQueryNode.is(node)) {
      const name = tableName(node.into);
      const spec = name ? TABLES.get(name) : undefined;
      return spec ? this.sealInsert(name!, spec, node) : node;
    }
    if (UpdateQueryNode.is(node)) {
      const name = tableName(node.table);
      const spec = name ? TABLES.get(name) : undefined;
      if (!spec || !node.updates?.some((u) => spec.columns.includes(columnName(u.column) ?? ''))) return node;
      // cloneWithUpdates appends: the SET list is replaced whole instead.
      return Object.freeze({ ...node, updates: Object.freeze(this.sealUpdates(name!, spec, node.updates)) });
    }
    return node;
  }

  private sealInsert(table: string, spec: SealedTable, node: InsertQueryNode): InsertQueryNode {
    const sealed = new Set(spec.columns);
    const names = (node.columns ?? []).map(columnName);
    const onConflict = node.onConflict?.updates?.some((u) => sealed.has(columnName(u.column) ?? '')) ? OnConflictNode.cloneWith(node.onConflict, { ...node.onConflict, updates: this.sealUpdates(table, spec, node.onConflict.updates) }) : node.onConflict;
    if (!names.some((n) => n && sealed.has(n))) return onConflict === node.onConflict ? node : InsertQueryNode.cloneWith(node, { onConflict });
    if (!node.values || !ValuesNode.is(node.values)) return refuse(table, names.find((n) => n && sealed.has(n))!);
    const phoneAt = spec.hash ? names.indexOf(spec.hash.of) : -1;
    let hashAt = spec.hash ? names.indexOf(spec.hash.column) : -1;
    const columns = [...node.columns!];
    if (phoneAt >= 0 && hashAt < 0) {
      hashAt = columns.length;
      columns.push(ColumnNode.create(spec.hash!.column));
    }
    const rows = node.values.values.map((item) => {
      if (PrimitiveValueListNode.is(item)) {
        const values = [...item.values];
        while (values.length < columns.length) values.push(null);
        if (phoneAt >= 0) values[hashAt] = this.crypto.phoneLookupHash(values[phoneAt] as string | null);
        names.forEach((n, i) => {
          if (n && sealed.has(n)) values[i] = this.crypto.seal(values[i] as string | null);
        });
        return PrimitiveValueListNode.create(values);
      }
      const values = [...item.values];
      const plain = (i: number): string | null => {
        const v = values[i];
        // A column a row of a multi-row insert leaves out comes as DEFAULT, which is null for these.
        if (v === undefined || DefaultInsertValueNode.is(v)) return null;
        if (!ValueNode.is(v)) return refuse(table, names[i]!);
        return v.value as string | null;
      };
      while (values.length < columns.length) values.push(ValueNode.create(null));
      if (phoneAt >= 0) values[hashAt] = ValueNode.create(this.crypto.phoneLookupHash(plain(phoneAt)));
      names.forEach((n, i) => {
        if (n && sealed.has(n)) values[i] = ValueNode.create(this.crypto.seal(plain(i)));
      });
      return ValueListNode.create(values);
    });
    return InsertQueryNode.cloneWith(node, { columns, values: ValuesNode.create(rows), onConflict });
  }

  /**
   * The SET list of an UPDATE or of an upsert's DO UPDATE with its sealed columns sealed and the
   * hash following the phone. A sealed column may also be set from the same column of another row
   * (`excluded.caller` in an upsert): that value is sealed already, and the hash comes along the
   * same way. Any other expression cannot be sealed and is refused.
   */
  private sealUpdates(table: string, spec: SealedTable, updates: readonly ColumnUpdateNode[]): ColumnUpdateNode[] {
    const sealed = new Set(spec.columns);
    const out: ColumnUpdateNode[] = [];
    for (const u of updates) {
      const name = columnName(u.column) ?? '';
      if (name === spec.hash?.column) continue;
      if (!sealed.has(name)) {
        out.push(u);
        continue;
      }
      const isHashed = name === spec.hash?.of;
      if (ValueNode.is(u.value)) {
        const value = u.value.value as string | null;
        out.push(ColumnUpdateNode.create(u.column, ValueNode.create(this.crypto.seal(value))));
        if (isHashed) out.push(ColumnUpdateNode.create(ColumnNode.create(spec.hash!.column), ValueNode.create(this.crypto.phoneLookupHash(value))));
      } else if (ReferenceNode.is(u.value) && ColumnNode.is(u.value.column) && u.value.column.column.name === name) {
        out.push(u);
        if (isHashed) out.push(ColumnUpdateNode.create(ColumnNode.create(spec.hash!.column), ReferenceNode.create(ColumnNode.create(spec.hash!.column), u.value.table)));
      } else {
        refuse(table, name);
      }
    }
    return out;
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
          if (SEALED_NAMES.has(key)) throw err;
        }
      } else if (v !== null && typeof v === 'object' && depth < 4) {
        // PostgreSQL's json columns arrive parsed: nested rows (json_agg) are opened too.
        if (Array.isArray(v)) for (const item of v) if (item && typeof item === 'object') this.openRow(item as Record<string, unknown>, depth + 1);
        if (Object.getPrototypeOf(v) === Object.prototype) this.openRow(v as Record<string, unknown>, depth + 1);
      }
    }
  }
}
