/**
 * `future<T>`, `stream<T>` and `error-context` values, which are i32 handles
 * in the canonical ABI, and the component model built-ins a guest needs to
 * use them (CanonicalABI.md `future.new`, `stream.read`, `error-context.new`...).
 *
 * Like wit-bindgen's C generator, each future or stream type gets a
 * `<name>_t` (the readable end) and `<name>_writer_t`, with `_new`, `_read`,
 * `_write`, `_cancel_read`, `_cancel_write`, `_drop_readable` and
 * `_drop_writable`. Their core imports are named after the first function
 * that mentions the type: `[future-new-N]f` in the function's module (behind
 * `[export]` for exported functions), N being the type's position among the
 * futures and streams of `f`'s parameters and result (payloads before the
 * future or stream holding them), the names wit-component resolves. Reads
 * and writes use the `[async-lower]` built-ins: they return at once, with
 * `<WORLD>_WAITABLE_STATUS_BLOCKED` when the other end is not ready, and the
 * guest waits on a waitable set (`<world>_waitable_set_*`).
 */
import type { CoreType } from '../../abi/core-types.js';
import type { Func, Type, TypeId } from '../../wit/model.js';
import type { CGuestContext, Scope } from './context.js';
import { coreCType } from './flat.js';
import { shoutyCase } from './names.js';

/** A core function the glue imports that is a canonical built-in rather than a WIT function. */
export interface BuiltinImport {
  readonly module: string;
  readonly name: string;
  readonly params: readonly CoreType[];
  readonly results: readonly CoreType[];
}

/**
 * The futures and streams of `func`'s parameters and result, in the order
 * wit-component numbers them: depth first, a payload before the future or
 * stream holding it, every occurrence counted.
 */
export function futuresAndStreams(ctx: CGuestContext, func: Func): TypeId[] {
  const found: TypeId[] = [];
  const walk = (type: Type): void => {
    if (typeof type === 'string') return;
    const kind = ctx.typeDef(type).kind;
    switch (kind.kind) {
      case 'type':
      case 'option':
        walk(kind.type);
        return;
      case 'list':
      case 'fixed-length-list':
        walk(kind.element);
        return;
      case 'map':
        walk(kind.key);
        walk(kind.value);
        return;
      case 'record':
        for (const field of kind.fields) walk(field.type);
        return;
      case 'tuple':
        for (const t of kind.types) walk(t);
        return;
      case 'variant':
        for (const c of kind.cases) if (c.type !== null) walk(c.type);
        return;
      case 'result':
        if (kind.ok !== null) walk(kind.ok);
        if (kind.err !== null) walk(kind.err);
        return;
      case 'future':
      case 'stream':
        if (kind.type !== null) walk(kind.type);
        found.push(type);
        return;
      default:
        return;
    }
  };
  for (const param of func.params) walk(param.type);
  if (func.result !== null) walk(func.result);
  return found;
}

export function declareImport(ctx: CGuestContext, builtin: BuiltinImport, cName: string): void {
  ctx.builtinImports.push(builtin);
  const c = ctx.sections.cHelpers;
  const ret = builtin.results[0] === undefined ? 'void' : coreCType(builtin.results[0]);
  const params = builtin.params.length === 0 ? 'void' : builtin.params.map(coreCType).join(', ');
  c.blank();
  c.line(`__attribute__((__import_module__("${builtin.module}"), __import_name__("${builtin.name}")))`);
  c.line(`extern ${ret} ${cName}(${params});`);
}

/** Helpers for every future and stream type `func` mentions that has none yet. */
export function defineFuturesAndStreams(ctx: CGuestContext, scope: Scope, func: Func): void {
  const module = `${scope.exported ? '[export]' : ''}${scope.module}`;
  futuresAndStreams(ctx, func).forEach((id, index) => {
    const kind = ctx.typeDef(id).kind;
    if (kind.kind !== 'future' && kind.kind !== 'stream') return;
    const type = ctx.typeName(id);
    if (ctx.futureHelpers.has(type)) return;
    ctx.futureHelpers.add(type);
    defineHelpers(ctx, kind.kind, type, kind.type, module, `${index}]${func.name}`);
  });
}

function defineHelpers(ctx: CGuestContext, kind: 'future' | 'stream', type: string, payload: Type | null, module: string, suffix: string): void {
  useWaitables(ctx);
  const name = type.slice(0, -2);
  const writer = `${name}_writer_t`;
  const status = `${ctx.worldSnake}_waitable_status_t`;
  const stream = kind === 'stream';
  const element = payload === null ? null : ctx.typeName(payload);
  // The buffer of a read or write: T values laid out as the canonical ABI stores them (see the layout asserts).
  const readBuf = `${element === null ? '' : `, ${element} *buf`}${stream ? ', size_t amt' : ''}`;
  const writeBuf = `${element === null ? '' : `, const ${element} *buf`}${stream ? ', size_t amt' : ''}`;
  const bufArgs = `${element === null ? ', 0' : ', (int32_t) (uintptr_t) buf'}${stream ? ', (int32_t) amt' : ''}`;
  const bufParams: CoreType[] = stream ? ['i32', 'i32', 'i32'] : ['i32', 'i32'];
  const raw = `__wasm_import_${name}`;

  const h = ctx.sections.hHelpers;
  h.blank();
  h.line(`// The writable end of a \`${name}_t\`.`);
  h.line(`typedef uint32_t ${writer};`);
  h.line(`${type} ${name}_new(${writer} *writer);`);
  h.line(`${status} ${name}_read(${type} reader${readBuf});`);
  h.line(`${status} ${name}_write(${writer} writer${writeBuf});`);
  h.line(`${status} ${name}_cancel_read(${type} reader);`);
  h.line(`${status} ${name}_cancel_write(${writer} writer);`);
  h.line(`void ${name}_drop_readable(${type} reader);`);
  h.line(`void ${name}_drop_writable(${writer} writer);`);

  declareImport(ctx, { module, name: `[${kind}-new-${suffix}`, params: [], results: ['i64'] }, `${raw}_new`);
  declareImport(ctx, { module, name: `[async-lower][${kind}-read-${suffix}`, params: bufParams, results: ['i32'] }, `${raw}_read`);
  declareImport(ctx, { module, name: `[async-lower][${kind}-write-${suffix}`, params: bufParams, results: ['i32'] }, `${raw}_write`);
  declareImport(ctx, { module, name: `[${kind}-cancel-read-${suffix}`, params: ['i32'], results: ['i32'] }, `${raw}_cancel_read`);
  declareImport(ctx, { module, name: `[${kind}-cancel-write-${suffix}`, params: ['i32'], results: ['i32'] }, `${raw}_cancel_write`);
  declareImport(ctx, { module, name: `[${kind}-drop-readable-${suffix}`, params: ['i32'], results: [] }, `${raw}_drop_readable`);
  declareImport(ctx, { module, name: `[${kind}-drop-writable-${suffix}`, params: ['i32'], results: [] }, `${raw}_drop_writable`);

  const c = ctx.sections.cHelpers;
  c.blank();
  c.block(`${type} ${name}_new(${writer} *writer)`, () => {
    // Both ends in one i64: the readable end in the low half, the writable end in the high half.
    c.line(`uint64_t packed = (uint64_t) ${raw}_new();`);
    c.line(`*writer = (${writer}) (packed >> 32);`);
    c.line(`return (${type}) (uint32_t) packed;`);
  });
  c.blank();
  c.block(`${status} ${name}_read(${type} reader${readBuf})`, () => c.line(`return (${status}) ${raw}_read((int32_t) reader${bufArgs});`));
  c.blank();
  c.block(`${status} ${name}_write(${writer} writer${writeBuf})`, () => c.line(`return (${status}) ${raw}_write((int32_t) writer${bufArgs});`));
  c.blank();
  c.block(`${status} ${name}_cancel_read(${type} reader)`, () => c.line(`return (${status}) ${raw}_cancel_read((int32_t) reader);`));
  c.blank();
  c.block(`${status} ${name}_cancel_write(${writer} writer)`, () => c.line(`return (${status}) ${raw}_cancel_write((int32_t) writer);`));
  c.blank();
  c.block(`void ${name}_drop_readable(${type} reader)`, () => c.line(`${raw}_drop_readable((int32_t) reader);`));
  c.blank();
  c.block(`void ${name}_drop_writable(${writer} writer)`, () => c.line(`${raw}_drop_writable((int32_t) writer);`));
}

/**
 * The waitable status and waitable-set API (`[waitable-set-new]` and friends
 * from `$root`), once per world: what a guest needs to wait for a blocked
 * read or write to finish.
 */
function useWaitables(ctx: CGuestContext): void {
  if (ctx.needsWaitables) return;
  ctx.needsWaitables = true;
  const snake = ctx.worldSnake;
  const shouty = shoutyCase(ctx.worldName);
  const h = ctx.sections.hAsync;
  h.line(`typedef uint32_t ${snake}_waitable_status_t;`);
  h.line(`#define ${shouty}_WAITABLE_STATE(status) ((${snake}_waitable_state_t) ((status) & 0xf))`);
  h.line(`#define ${shouty}_WAITABLE_COUNT(status) ((uint32_t) ((status) >> 4))`);
  h.line(`#define ${shouty}_WAITABLE_STATUS_BLOCKED ((${snake}_waitable_status_t) -1)`);
  h.blank();
  h.block(`typedef enum ${snake}_waitable_state`, () => {
    h.line(`${shouty}_WAITABLE_COMPLETED,`);
    h.line(`${shouty}_WAITABLE_DROPPED,`);
    h.line(`${shouty}_WAITABLE_CANCELLED,`);
  }, ` ${snake}_waitable_state_t;`);
  h.blank();
  h.block(`typedef enum ${snake}_event_code`, () => {
    for (const code of ['NONE', 'SUBTASK', 'STREAM_READ', 'STREAM_WRITE', 'FUTURE_READ', 'FUTURE_WRITE', 'CANCEL']) {
      h.line(`${shouty}_EVENT_${code},`);
    }
  }, ` ${snake}_event_code_t;`);
  h.blank();
  h.block(`typedef struct ${snake}_event`, () => {
    h.line(`${snake}_event_code_t event;`);
    h.line('uint32_t waitable;');
    h.line('uint32_t code;');
  }, ` ${snake}_event_t;`);
  h.blank();
  h.line(`typedef uint32_t ${snake}_waitable_set_t;`);
  h.line(`${snake}_waitable_set_t ${snake}_waitable_set_new(void);`);
  h.line(`void ${snake}_waitable_join(uint32_t waitable, ${snake}_waitable_set_t set);`);
  h.line(`void ${snake}_waitable_set_drop(${snake}_waitable_set_t set);`);
  h.line(`void ${snake}_waitable_set_wait(${snake}_waitable_set_t set, ${snake}_event_t *event);`);
  h.line(`void ${snake}_waitable_set_poll(${snake}_waitable_set_t set, ${snake}_event_t *event);`);

  const raw = `__wasm_import_${snake}`;
  const builtin = (name: string, params: CoreType[], results: CoreType[]): void =>
    declareImport(ctx, { module: '$root', name: `[${name}]`, params, results }, `${raw}_${name.replace(/-/g, '_')}`);
  builtin('waitable-set-new', [], ['i32']);
  builtin('waitable-join', ['i32', 'i32'], []);
  builtin('waitable-set-drop', ['i32'], []);
  builtin('waitable-set-wait', ['i32', 'i32'], ['i32']);
  builtin('waitable-set-poll', ['i32', 'i32'], ['i32']);
  const c = ctx.sections.cHelpers;
  c.blank();
  c.block(`${snake}_waitable_set_t ${snake}_waitable_set_new(void)`, () => c.line(`return (${snake}_waitable_set_t) ${raw}_waitable_set_new();`));
  c.blank();
  c.block(`void ${snake}_waitable_join(uint32_t waitable, ${snake}_waitable_set_t set)`, () =>
    c.line(`${raw}_waitable_join((int32_t) waitable, (int32_t) set);`),
  );
  c.blank();
  c.block(`void ${snake}_waitable_set_drop(${snake}_waitable_set_t set)`, () => c.line(`${raw}_waitable_set_drop((int32_t) set);`));
  for (const op of ['wait', 'poll']) {
    c.blank();
    // The built-in returns the event code and stores the waitable and its code at the pointer.
    c.block(`void ${snake}_waitable_set_${op}(${snake}_waitable_set_t set, ${snake}_event_t *event)`, () =>
      c.line(`event->event = (${snake}_event_code_t) ${raw}_waitable_set_${op}((int32_t) set, (int32_t) (uintptr_t) &event->waitable);`),
    );
  }
}

/**
 * Subtasks (what an async import call returns), callback codes (what an
 * async export returns), the task's context slot and cancellation, once per
 * world, with the waitable-set API they build on.
 */
export function useAsyncTasks(ctx: CGuestContext): void {
  if (ctx.needsAsyncTasks) return;
  ctx.needsAsyncTasks = true;
  useWaitables(ctx);
  const snake = ctx.worldSnake;
  const shouty = shoutyCase(ctx.worldName);
  const h = ctx.sections.hAsync;
  h.blank();
  h.line(`typedef uint32_t ${snake}_subtask_status_t;`);
  h.line(`typedef uint32_t ${snake}_subtask_t;`);
  h.line(`#define ${shouty}_SUBTASK_STATE(status) ((${snake}_subtask_state_t) ((status) & 0xf))`);
  h.line(`#define ${shouty}_SUBTASK_HANDLE(status) ((${snake}_subtask_t) ((status) >> 4))`);
  h.blank();
  h.block(`typedef enum ${snake}_subtask_state`, () => {
    for (const state of ['STARTING', 'STARTED', 'RETURNED', 'STARTED_CANCELLED', 'RETURNED_CANCELLED']) {
      h.line(`${shouty}_SUBTASK_${state},`);
    }
  }, ` ${snake}_subtask_state_t;`);
  h.blank();
  h.line(`${snake}_subtask_status_t ${snake}_subtask_cancel(${snake}_subtask_t subtask);`);
  h.line(`void ${snake}_subtask_drop(${snake}_subtask_t subtask);`);
  h.blank();
  h.line(`typedef uint32_t ${snake}_callback_code_t;`);
  h.line(`#define ${shouty}_CALLBACK_CODE_EXIT 0`);
  h.line(`#define ${shouty}_CALLBACK_CODE_YIELD 1`);
  h.line(`#define ${shouty}_CALLBACK_CODE_WAIT(set) (2 | ((set) << 4))`);
  h.blank();
  h.line(`void *${snake}_context_get(void);`);
  h.line(`void ${snake}_context_set(void *value);`);
  h.line(`void ${snake}_task_cancel(void);`);

  const raw = `__wasm_import_${snake}`;
  declareImport(ctx, { module: '$root', name: '[subtask-cancel]', params: ['i32'], results: ['i32'] }, `${raw}_subtask_cancel`);
  declareImport(ctx, { module: '$root', name: '[subtask-drop]', params: ['i32'], results: [] }, `${raw}_subtask_drop`);
  declareImport(ctx, { module: '$root', name: '[context-get-0]', params: [], results: ['i32'] }, `${raw}_context_get`);
  declareImport(ctx, { module: '$root', name: '[context-set-0]', params: ['i32'], results: [] }, `${raw}_context_set`);
  declareImport(ctx, { module: '[export]$root', name: '[task-cancel]', params: [], results: [] }, `${raw}_task_cancel`);
  const c = ctx.sections.cHelpers;
  c.blank();
  c.block(`${snake}_subtask_status_t ${snake}_subtask_cancel(${snake}_subtask_t subtask)`, () =>
    c.line(`return (${snake}_subtask_status_t) ${raw}_subtask_cancel((int32_t) subtask);`),
  );
  c.blank();
  c.block(`void ${snake}_subtask_drop(${snake}_subtask_t subtask)`, () => c.line(`${raw}_subtask_drop((int32_t) subtask);`));
  c.blank();
  c.block(`void *${snake}_context_get(void)`, () => c.line(`return (void *) (uintptr_t) ${raw}_context_get();`));
  c.blank();
  c.block(`void ${snake}_context_set(void *value)`, () => c.line(`${raw}_context_set((int32_t) (uintptr_t) value);`));
  c.blank();
  c.block(`void ${snake}_task_cancel(void)`, () => c.line(`${raw}_task_cancel();`));
}

/**
 * `error-context`: `<world>_error_context_t` handles and the built-ins that
 * make one from a message, read its debug message and drop it, in the
 * world's string encoding.
 */
export function useErrorContext(ctx: CGuestContext): void {
  if (ctx.needsErrorContext) return;
  ctx.needsErrorContext = true;
  const snake = ctx.worldSnake;
  const type = `${snake}_error_context_t`;
  const string = ctx.typeName('string');
  const encoding = ctx.stringEncoding;
  const raw = `__wasm_import_${snake}_error_context`;

  const hDefs = ctx.sections.hAsync;
  hDefs.blank();
  hDefs.line(`typedef uint32_t ${type};`);
  const h = ctx.sections.hHelpers;
  h.blank();
  h.line('// Creates an error context holding a copy of `message` (for diagnostics only).');
  h.line(`${type} ${snake}_error_context_new(const ${string} *message);`);
  h.line('// The debug message of `ctx`, allocated with cabi_realloc: free it with the string `_free`.');
  h.line(`void ${snake}_error_context_debug_message(${type} ctx, ${string} *ret);`);
  h.line(`void ${snake}_error_context_drop(${type} ctx);`);

  declareImport(ctx, { module: '$root', name: `[error-context-new-${encoding}]`, params: ['i32', 'i32'], results: ['i32'] }, `${raw}_new`);
  declareImport(ctx, { module: '$root', name: `[error-context-debug-message-${encoding}]`, params: ['i32', 'i32'], results: [] }, `${raw}_debug_message`);
  declareImport(ctx, { module: '$root', name: '[error-context-drop]', params: ['i32'], results: [] }, `${raw}_drop`);
  const c = ctx.sections.cHelpers;
  c.blank();
  c.block(`${type} ${snake}_error_context_new(const ${string} *message)`, () =>
    c.line(`return (${type}) ${raw}_new((int32_t) (uintptr_t) message->ptr, (int32_t) message->len);`),
  );
  c.blank();
  c.block(`void ${snake}_error_context_debug_message(${type} ctx, ${string} *ret)`, () =>
    // The built-in writes (pointer, length) where a string's (ptr, len) fields are: the layouts match.
    c.line(`${raw}_debug_message((int32_t) ctx, (int32_t) (uintptr_t) ret);`),
  );
  c.blank();
  c.block(`void ${snake}_error_context_drop(${type} ctx)`, () => c.line(`${raw}_drop((int32_t) ctx);`));
}
