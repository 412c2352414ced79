// The organisation held in memory: units change rarely and every request needs a user's subtree.
import type { Db } from '../store/db.ts';
import type { Unit } from '../domain/units.ts';
import type { UnitDirectory } from '../server/context.ts';

export type { Unit };

export class OrgDirectory implements UnitDirectory {
  private byId = new Map<number, Unit>();
  private byCode = new Map<string, Unit>();

  constructor(private readonly db: Db) {}

  async reload(): Promise<void> {
    // Inactive units stay known, so old tickets still name the unit that handled them.
    const rows = await this.db.selectFrom('units').selectAll().execute();
    this.byId.clear();
    this.byCode.clear();
    for (const r of rows) {
      const unit: Unit = {
        id: r.id,
        code: r.code,
        name: r.name,
        kind: r.kind,
        parentId: r.parent_id,
        path: r.path,
        smsPhone: r.sms_phone,
        active: !!r.active,
      };
      this.byId.set(unit.id, unit);
      this.byCode.set(unit.code, unit);
    }
  }

  /** The active units. */
  all(): Unit[] {
    return [...this.byId.values()].filter((u) => u.active);
  }
  get(id: number | null | undefined): Unit | undefined {
    return id == null ? undefined : this.byId.get(id);
  }
  /** An active unit by code: inputs may name only units that take work. */
  byCodeOrUndefined(code: string): Unit | undefined {
    const unit = this.byCode.get(code);
    return unit?.active ? unit : undefined;
  }
  /** The first unit of a kind, e.g. the centre, the authority or the city government. */
  firstOfKind(kind: string): Unit | undefined {
    return this.all().find((u) => u.kind === kind);
  }
  /** Ids of the unit and every unit below it (第九条: a unit stays responsible for what it delegates). */
  subtreeIds(unitId: number): number[] {
    const root = this.byId.get(unitId);
    if (!root) return [];
    return this.all()
      .filter((u) => u.path.startsWith(root.path))
      .map((u) => u.id);
  }
  isWithin(unitId: number, ancestorId: number): boolean {
    const unit = this.byId.get(unitId);
    const ancestor = this.byId.get(ancestorId);
    return !!unit && !!ancestor && unit.path.startsWith(ancestor.path);
  }
  /** The 县（市）区 a unit belongs to, if any. */
  districtOf(unitId: number): Unit | undefined {
    const unit = this.byId.get(unitId);
    if (!unit) return undefined;
    const ids = unit.path.split('/').filter(Boolean).map(Number);
    return ids.map((id) => this.byId.get(id)).find((u) => u?.kind === 'district');
  }
}
