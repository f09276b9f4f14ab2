/**
 * Numbered migrations, applied in order, each once, inside a journaled transaction.
 * Add a file `NNN_name.ts` exporting `name` and `sql`, and list it here; never edit a shipped one.
 */
import * as m001 from './001_init';
import * as m002 from './002_events';
import * as m003 from './003_delivery';
import * as m004 from './004_sending';
import * as m005 from './005_fidelity';
import * as m006 from './006_lean_read_model';
import * as m007 from './007_events_in_memory';
import * as m008 from './008_batch_event_keys';
import * as m009 from './009_messages_by_email_in_memory';
import * as m010 from './010_delivery_bodies';
import * as m011 from './011_delivery_keys';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, ...m001 },
  { version: 2, ...m002 },
  { version: 3, ...m003 },
  { version: 4, ...m004 },
  { version: 5, ...m005 },
  { version: 6, ...m006 },
  { version: 7, ...m007 },
  { version: 8, ...m008 },
  { version: 9, ...m009 },
  { version: 10, ...m010 },
  { version: 11, ...m011 },
];
