/**
 * Borrows of imported resources that an export receives, dropped exactly once.
 *
 * The canonical ABI requires every such borrow to be dropped before the
 * export returns. wit-bindgen leaves that to the guest (`_drop_borrow`) by
 * default and to the glue with `--autodrop-borrows yes`; guests are written
 * for either, and the wrong pairing drops twice (a trap) or never. So the
 * glue does both safely: before calling the guest it records every borrow in
 * the arguments (lists included, read before the guest may free them),
 * `_drop_borrow` marks the ones the guest drops, and after the call the glue
 * drops the rest.
 */
import type { Type } from '../../wit/model.js';
import type { CGuestContext } from './context.js';
import type { FunctionBody } from './flat.js';
import { cIdent } from './names.js';

/** The C helpers (static, in the source file) the adapters and `_drop_borrow` use. */
export function borrowScopeRuntime(): string[] {
  return [
    '// Borrowed handles an export received: each dropped once, by the guest or after it returns.',
    'typedef struct witgen_borrow_entry_t {',
    'int32_t handle;',
    'bool dropped;',
    'void (*drop)(int32_t);',
    '} witgen_borrow_entry_t;',
    'static witgen_borrow_entry_t *witgen_borrows = NULL;',
    'static size_t witgen_borrows_len = 0;',
    'static size_t witgen_borrows_cap = 0;',
    '',
    '__attribute__((__unused__)) static void witgen_borrow_received(int32_t handle, void (*drop)(int32_t)) {',
    'if (witgen_borrows_len == witgen_borrows_cap) {',
    'witgen_borrows_cap = witgen_borrows_cap == 0 ? 8 : witgen_borrows_cap * 2;',
    'witgen_borrows = (witgen_borrow_entry_t *) realloc(witgen_borrows, witgen_borrows_cap * sizeof(witgen_borrow_entry_t));',
    'if (witgen_borrows == NULL) abort();',
    '}',
    'witgen_borrows[witgen_borrows_len].handle = handle;',
    'witgen_borrows[witgen_borrows_len].dropped = false;',
    'witgen_borrows[witgen_borrows_len].drop = drop;',
    'witgen_borrows_len++;',
    '}',
    '',
    'static void witgen_borrow_dropped(int32_t handle) {',
    'for (size_t i = 0; i < witgen_borrows_len; i++) {',
    'if (witgen_borrows[i].handle == handle && !witgen_borrows[i].dropped) {',
    'witgen_borrows[i].dropped = true;',
    'return;',
    '}',
    '}',
    '}',
    '',
    '__attribute__((__unused__)) static void witgen_borrows_release(void) {',
    'for (size_t i = 0; i < witgen_borrows_len; i++) {',
    'if (!witgen_borrows[i].dropped) witgen_borrows[i].drop(witgen_borrows[i].handle);',
    '}',
    'witgen_borrows_len = 0;',
    '}',
  ];
}

/** The `[resource-drop]` import of an imported resource, or null (exported resources, not resources). */
function dropImportOf(ctx: CGuestContext, resource: number): string | null {
  const info = ctx.resources.get(ctx.dealias(resource));
  return info === undefined || info.exported ? null : info.dropImport;
}

/** Whether values of `type` can hold a borrow of an imported resource. */
export function holdsBorrow(ctx: CGuestContext, type: Type): boolean {
  const resolved = ctx.resolveType(type);
  if (resolved.kind !== 'def') return false;
  const kind = resolved.def;
  switch (kind.kind) {
    case 'handle':
      return kind.handle === 'borrow' && dropImportOf(ctx, kind.resource) !== null;
    case 'record':
      return kind.fields.some((f) => holdsBorrow(ctx, f.type));
    case 'tuple':
      return kind.types.some((t) => holdsBorrow(ctx, t));
    case 'option':
    case 'list':
      return holdsBorrow(ctx, kind.kind === 'list' ? kind.element : kind.type);
    case 'fixed-length-list':
      return holdsBorrow(ctx, kind.element);
    case 'result':
      return (kind.ok !== null && holdsBorrow(ctx, kind.ok)) || (kind.err !== null && holdsBorrow(ctx, kind.err));
    case 'variant':
      return kind.cases.some((c) => c.type !== null && holdsBorrow(ctx, c.type));
    default:
      return false;
  }
}

/** Emits `witgen_borrow_received` for every borrow of an imported resource inside the C value `value`. */
export function recordBorrows(ctx: CGuestContext, body: FunctionBody, type: Type, value: string): void {
  if (!holdsBorrow(ctx, type)) return;
  const resolved = ctx.resolveType(type);
  if (resolved.kind !== 'def') return;
  const kind = resolved.def;
  const out = body.out;
  switch (kind.kind) {
    case 'handle': {
      const drop = dropImportOf(ctx, kind.resource);
      if (drop !== null) out.line(`witgen_borrow_received((${value}).__handle, ${drop});`);
      return;
    }
    case 'record':
      for (const f of kind.fields) recordBorrows(ctx, body, f.type, `(${value}).${cIdent(f.name)}`);
      return;
    case 'tuple':
      kind.types.forEach((t, i) => recordBorrows(ctx, body, t, `(${value}).f${i}`));
      return;
    case 'option':
      out.line(`if ((${value}).is_some) {`);
      recordBorrows(ctx, body, kind.type, `(${value}).val`);
      out.line('}');
      return;
    case 'list':
    case 'fixed-length-list': {
      const i = body.tmp('i');
      const count = kind.kind === 'list' ? `(${value}).len` : String(kind.length);
      const element = kind.kind === 'list' ? `(${value}).ptr[${i}]` : `(${value}).val[${i}]`;
      out.line(`for (size_t ${i} = 0; ${i} < ${count}; ${i}++) {`);
      recordBorrows(ctx, body, kind.element, element);
      out.line('}');
      return;
    }
    case 'result':
      out.line(`if (!(${value}).is_err) {`);
      if (kind.ok !== null) recordBorrows(ctx, body, kind.ok, `(${value}).val.ok`);
      out.line('} else {');
      if (kind.err !== null) recordBorrows(ctx, body, kind.err, `(${value}).val.err`);
      out.line('}');
      return;
    case 'variant':
      out.line(`switch ((int32_t) (${value}).tag) {`);
      kind.cases.forEach((c, index) => {
        if (c.type === null || !holdsBorrow(ctx, c.type)) return;
        out.line(`case ${index}: {`);
        recordBorrows(ctx, body, c.type, `(${value}).val.${cIdent(c.name)}`);
        out.line('break;');
        out.line('}');
      });
      out.line('}');
      return;
    default:
      return;
  }
}
