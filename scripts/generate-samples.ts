// Writes the shipped sample batches into samples/ from the emulator's own event builder.
// Run: node --import tsx scripts/generate-samples.ts   (npm run samples)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleFiles } from '../emulator/core/sending/samples';

const dir = join(__dirname, '..', 'samples');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(sampleFiles())) {
  writeFileSync(join(dir, name), text);
  console.log(`samples/${name}`);
}
