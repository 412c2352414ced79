// Units as Select options for the knowledge base: every active unit may own articles (the centre its
// own answers too), grouped by kind; a unit user is limited to their unit and the units under it.
import type { CurrentUser, Unit } from '../types';
import { UNIT_KIND_LABELS, UNIT_KINDS } from '../../../src/domain/unit-kinds.ts';
import { isActive, subtreeOf } from './TicketRefData';
import { isUnitRole } from '../../../src/domain/roles.ts';

export interface KbUnitOption {
  value: string;
  label: string;
  search: string;
}

export function kbUnitOptions(units: Unit[], user: CurrentUser | null): Array<{ label: string; title: string; options: KbUnitOption[] }> {
  const own = user && isUnitRole(user.role) && user.unit ? subtreeOf(units, user.unit.code) : null;
  return UNIT_KINDS.map((kind) => ({
    label: UNIT_KIND_LABELS[kind],
    title: UNIT_KIND_LABELS[kind],
    options: units
      .filter((u) => u.kind === kind && isActive(u) && (!own || own.has(u.code)))
      .map((u) => ({ value: u.code, label: u.name, search: `${u.name} ${u.code}`.toLowerCase() })),
  })).filter((g) => g.options.length > 0);
}
