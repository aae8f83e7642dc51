/**
 * Resources, like wit-bindgen: every resource gets an owned-handle struct
 * `<prefix>_own_<r>_t { int32_t __handle; }` and `<prefix>_<r>_drop_own`.
 *
 * - Imported resources: the borrowed handle is a distinct struct of the same
 *   shape, and `<prefix>_borrow_<r>(own)` converts an owned handle into it.
 * - Exported resources: the guest defines `struct <prefix>_<r>_t` (the
 *   representation) and implements `<prefix>_<r>_destructor`; a borrow is a
 *   pointer to the representation; `<prefix>_<r>_new(rep)` makes a handle and
 *   `<prefix>_<r>_rep(handle)` gets the representation back.
 */
import type { TypeId } from '../../wit/model.js';
import type { CGuestContext, Scope } from './context.js';
import { writeDocs, type Docs } from './docs.js';
import { unsupported } from './errors.js';
import { snakeCase } from './names.js';

export function defineResource(ctx: CGuestContext, scope: Scope, id: TypeId, witName: string, docs: Docs): void {
  const ns = ctx.ownerPrefix(scope, id);
  const snake = snakeCase(witName);
  const own = `${ns}_own_${snake}_t`;
  const borrow = `${ns}_borrow_${snake}_t`;
  const rep = ctx.typeName(id);
  const exported = scope.exported;
  if (exported && scope.key === null) throw unsupported('resources exported by the world itself', `resource \`${witName}\``);
  const dropImport = `__wasm_import_${ns}_${snake}_drop`;
  ctx.resources.set(id, { exported, own, borrow, rep, dropBorrow: `${ns}_${snake}_drop_borrow`, dropImport });

  const h = ctx.sections.hDefs;
  const hHelpers = ctx.sections.hHelpers;
  const c = ctx.sections.cHelpers;
  const module = exported ? `[export]${scope.module}` : scope.module;

  ctx.claimCName(own);
  h.blank();
  writeDocs(h, docs);
  h.block(`typedef struct ${own}`, () => h.line('int32_t __handle;'), ` ${own};`);
  ctx.layoutChecks.push({ name: own, size: 4, align: 4 });

  hHelpers.blank().line(`extern void ${ns}_${snake}_drop_own(${own} handle);`);
  c.blank();
  c.line(`__attribute__((__import_module__("${module}"), __import_name__("[resource-drop]${witName}")))`);
  c.line(`extern void ${dropImport}(int32_t handle);`);
  c.blank();
  c.block(`void ${ns}_${snake}_drop_own(${own} handle)`, () => c.line(`${dropImport}(handle.__handle);`));

  if (!exported) {
    ctx.claimCName(borrow);
    h.blank();
    h.block(`typedef struct ${borrow}`, () => h.line('int32_t __handle;'), ` ${borrow};`);
    // A borrow an export receives must be dropped before the export returns: by the guest
    // here, or by the glue after the call for the borrows the guest left (see borrow-scope.ts).
    ctx.needsBorrowScope = true;
    hHelpers.blank().line(`extern void ${ns}_${snake}_drop_borrow(${borrow} handle);`);
    c.blank();
    c.block(`void ${ns}_${snake}_drop_borrow(${borrow} handle)`, () => {
      c.line('witgen_borrow_dropped(handle.__handle);');
      c.line(`${dropImport}(handle.__handle);`);
    });
    hHelpers.blank().line(`extern ${borrow} ${ns}_borrow_${snake}(${own} handle);`);
    c.blank();
    c.block(`${borrow} ${ns}_borrow_${snake}(${own} arg)`, () => c.line(`return (${borrow}) { arg.__handle };`));
    return;
  }

  // The guest completes `struct <rep>` with whatever state the resource needs.
  ctx.claimCName(rep);
  ctx.claimCName(borrow);
  h.blank();
  h.line(`typedef struct ${rep} ${rep};`);
  h.blank();
  h.line(`typedef ${rep}* ${borrow};`);
  hHelpers.blank();
  hHelpers.line(`extern ${own} ${ns}_${snake}_new(${rep} *rep);`);
  hHelpers.line(`extern ${rep}* ${ns}_${snake}_rep(${own} handle);`);
  hHelpers.line(`void ${ns}_${snake}_destructor(${rep} *rep);`);
  ctx.guestImplements.push({ prototype: `void ${ns}_${snake}_destructor(${rep} *rep)`, returnType: 'void', resourceRep: rep, parameterNames: ['rep'] });

  const newImport = `__wasm_import_${ns}_${snake}_new`;
  const repImport = `__wasm_import_${ns}_${snake}_rep`;
  c.blank();
  c.line(`__attribute__((__import_module__("${module}"), __import_name__("[resource-new]${witName}")))`);
  c.line(`extern int32_t ${newImport}(int32_t);`);
  c.blank();
  c.line(`__attribute__((__import_module__("${module}"), __import_name__("[resource-rep]${witName}")))`);
  c.line(`extern int32_t ${repImport}(int32_t);`);
  c.blank();
  c.block(`${own} ${ns}_${snake}_new(${rep} *rep)`, () =>
    c.line(`return (${own}) { ${newImport}((int32_t) (uintptr_t) rep) };`),
  );
  c.blank();
  c.block(`${rep}* ${ns}_${snake}_rep(${own} handle)`, () =>
    c.line(`return (${rep}*) (uintptr_t) ${repImport}(handle.__handle);`),
  );
  c.blank();
  c.line(`__attribute__((__export_name__("${scope.module}#[dtor]${witName}")))`);
  c.block(`void __wasm_export_${ns}_${snake}_dtor(int32_t arg)`, () =>
    c.line(`${ns}_${snake}_destructor((${rep}*) (uintptr_t) arg);`),
  );
}
