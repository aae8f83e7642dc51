// A guest for world `witgen:kinds/kinds` (guests/c/kinds/kinds.wit) in
// JavaScript, built into a component by ComponentizeJS (see ../README.md).
// It plays the part guests/c/kinds/kinds.c plays for C: `echo-*` return
// their argument, `relay-*` pass it through the host's `pass-*` import,
// `spill` returns its 17 parameters, `counters` is a guest resource, `drain`
// uses the host's `sink` resource.
//
// ComponentizeJS conventions: a world-level import function is the default
// export of a module named by its WIT name; an imported interface is a
// module named by its full name; world-level exports are the module's
// exports in camelCase, an exported interface is an exported object named by
// the interface (camelCase) holding its functions and resource classes.
import { Sink } from 'witgen:kinds/sinks@0.1.0';
import passBool from 'pass-bool';
import passU8 from 'pass-u8';
import passS8 from 'pass-s8';
import passU16 from 'pass-u16';
import passS16 from 'pass-s16';
import passU32 from 'pass-u32';
import passS32 from 'pass-s32';
import passU64 from 'pass-u64';
import passS64 from 'pass-s64';
import passF32 from 'pass-f32';
import passF64 from 'pass-f64';
import passChar from 'pass-char';
import passString from 'pass-string';
import passBytes from 'pass-bytes';
import passStrings from 'pass-strings';
import passRec from 'pass-rec';
import passVar from 'pass-var';
import passColor from 'pass-color';
import passPerms from 'pass-perms';
import passOpt from 'pass-opt';
import passOptopt from 'pass-optopt';
import passRes from 'pass-res';
import passTup from 'pass-tup';

const identity = (v) => v;

export const echoBool = identity;
export const echoU8 = identity;
export const echoS8 = identity;
export const echoU16 = identity;
export const echoS16 = identity;
export const echoU32 = identity;
export const echoS32 = identity;
export const echoU64 = identity;
export const echoS64 = identity;
export const echoF32 = identity;
export const echoF64 = identity;
export const echoChar = identity;
export const echoString = identity;
export const echoBytes = identity;
export const echoStrings = identity;
export const echoRec = identity;
export const echoVar = identity;
export const echoColor = identity;
export const echoPerms = identity;
export const echoOpt = identity;
export const echoOptopt = identity;
export const echoTup = identity;

// A `result` parameter arrives as `{ tag, val }`; as a function result, `ok`
// is the return value and `err` is thrown, its payload under `payload`.
export function echoRes(v) {
  if (v.tag === 'ok') return v.val;
  throw { payload: v.val };
}

export const relayBool = (v) => passBool(v);
export const relayU8 = (v) => passU8(v);
export const relayS8 = (v) => passS8(v);
export const relayU16 = (v) => passU16(v);
export const relayS16 = (v) => passS16(v);
export const relayU32 = (v) => passU32(v);
export const relayS32 = (v) => passS32(v);
export const relayU64 = (v) => passU64(v);
export const relayS64 = (v) => passS64(v);
export const relayF32 = (v) => passF32(v);
export const relayF64 = (v) => passF64(v);
export const relayChar = (v) => passChar(v);
export const relayString = (v) => passString(v);
export const relayBytes = (v) => passBytes(v);
export const relayStrings = (v) => passStrings(v);
export const relayRec = (v) => passRec(v);
export const relayVar = (v) => passVar(v);
export const relayColor = (v) => passColor(v);
export const relayPerms = (v) => passPerms(v);
export const relayOpt = (v) => passOpt(v);
export const relayOptopt = (v) => passOptopt(v);
// The host's `err` arrives as a thrown error carrying `payload`; rethrown, it becomes this export's `err`.
export const relayRes = (v) => passRes(v);
export const relayTup = (v) => passTup(v);

export function spill(...params) {
  return params;
}

// Bad values: what JavaScript can express of each. The bindings check values
// before they leave the guest, so most of these fail inside the guest.
export const badChar = () => '\uD800';
export const badColor = () => 'purple';
export const badVar = () => ({ tag: 'nine' });
export const badOpt = () => 42;
export const badString = () => 'ok\uD800';
export function badBounds() {
  throw new Error('bad-bounds: a JavaScript guest has no pointers to get wrong');
}

let destroyedCount = 0;

class Counter {
  #value;
  constructor(start) {
    this.#value = start;
  }
  inc(by) {
    this.#value = (this.#value + by) >>> 0;
    return this.#value;
  }
  value() {
    return this.#value;
  }
  static merge(a, b) {
    return new Counter((a.value() + b.value()) >>> 0);
  }
  [Symbol.dispose]() {
    destroyedCount++;
  }
}

export const counters = {
  Counter,
  finish(c) {
    const last = c.value();
    c[Symbol.dispose]();
    return last;
  },
  destroyed: () => destroyedCount,
};

export function drain(name, items) {
  const sink = new Sink(name);
  for (const item of items) sink.write(item);
  const written = sink.count();
  sink[Symbol.dispose]();
  return written;
}
