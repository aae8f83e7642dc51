/**
 * Test helpers for upgraded components: reading guests, and the import
 * object jco's transpiled output takes for world-level functions
 * (`{ 'host-greet': { default: fn } }`) built from the host shape witgen
 * and the legacy path take (`{ hostGreet: fn }`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportObject } from '../guests/jco-host.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(root, file)));
}

export function readText(file: string): string {
  return readFileSync(path.join(root, file), 'utf8');
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** World-level imports in jco's shape: one `{ default }` object per kebab-case function name. */
export function jcoRootImports(imports: Readonly<Record<string, unknown>>): ImportObject {
  return Object.fromEntries(Object.entries(imports).map(([name, fn]) => [kebab(name), { default: fn }]));
}
