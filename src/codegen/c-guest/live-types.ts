/**
 * The types a scope needs, dependencies first (like wit-parser's LiveTypes):
 * every type an interface declares plus everything its functions mention.
 */
import type { Func, Resolve, Type, TypeId } from '../../wit/model.js';

export class LiveTypes {
  private readonly seen = new Set<TypeId>();
  readonly order: TypeId[] = [];

  constructor(
    private readonly resolve: Resolve,
    /** Names the item being walked in error messages. */
    private readonly where: () => string,
  ) {}

  addType(type: Type): void {
    if (typeof type === 'string') return;
    this.addTypeId(type);
  }

  addTypeId(id: TypeId): void {
    if (this.seen.has(id)) return;
    const def = this.resolve.types[id];
    if (def === undefined) throw new Error(`type id ${id} is not in the Resolve`);
    const kind = def.kind;
    switch (kind.kind) {
      case 'type':
      case 'option':
        this.addType(kind.type);
        break;
      case 'list':
        this.addType(kind.element);
        break;
      case 'handle':
        this.addTypeId(kind.resource);
        break;
      case 'record':
        for (const field of kind.fields) this.addType(field.type);
        break;
      case 'tuple':
        for (const type of kind.types) this.addType(type);
        break;
      case 'variant':
        for (const c of kind.cases) if (c.type !== null) this.addType(c.type);
        break;
      case 'result':
        if (kind.ok !== null) this.addType(kind.ok);
        if (kind.err !== null) this.addType(kind.err);
        break;
      case 'flags':
      case 'enum':
      case 'resource':
        break;
      case 'future':
      case 'stream':
        if (kind.type !== null) this.addType(kind.type);
        break;
      case 'fixed-length-list':
        this.addType(kind.element);
        break;
      case 'map':
        this.addType(kind.key);
        this.addType(kind.value);
        break;
    }
    this.seen.add(id);
    this.order.push(id);
  }

  addFunction(func: Func): void {
    for (const param of func.params) this.addType(param.type);
    if (func.result !== null) this.addType(func.result);
  }

  has(id: TypeId): boolean {
    return this.seen.has(id);
  }
}
