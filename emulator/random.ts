import { randomBytes, randomUUID } from 'node:crypto';
import type { Random } from './core/ports';

export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  hex: (bytes) => randomBytes(bytes).toString('hex'),
};
