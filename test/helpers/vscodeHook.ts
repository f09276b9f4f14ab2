/** Makes `require('vscode')` resolve to the fake (vscode only exists inside VS Code). Import first. */
import Module from 'node:module';
import * as path from 'node:path';

const FAKE = path.join(__dirname, 'fakeVscode.ts');
const M = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const original = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return FAKE;
  return original.call(this, request, ...rest);
};

export * from './fakeVscode';
