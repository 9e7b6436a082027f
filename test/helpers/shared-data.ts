import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shared real data (../shared/data beside the checkout). Absent in a user's fresh clone. */
export const SHARED_DATA = resolve(import.meta.dirname, '../../../shared/data');
export const BBBC039 = resolve(SHARED_DATA, 'bbbc039-dev');
export const DSB2018 = resolve(SHARED_DATA, 'dsb2018-dev');
export const hasSharedData = existsSync(BBBC039) && existsSync(DSB2018);

if (!hasSharedData) {
  console.warn(`[scopepilot tests] ../shared/data not found at ${SHARED_DATA}: tests on real data are skipped.`);
}
