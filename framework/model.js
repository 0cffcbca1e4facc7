"use strict";
// ken/model: an ActiveRecord-style data layer for objects in the persistent heap.
// Loaded once per heap by `require("ken/model")`; everything here (models, records, indexes,
// listeners, this code) lives in the heap and survives restarts. See framework/README.md.

const DATA = Symbol("ken.model.record");   // per-record hidden state
const TYPES = ["string", "number", "integer", "boolean", "date", "array", "object", "any", "ref"];
const FIELD_OPTS = ["type", "required", "default", "enum", "min", "max", "minLength", "maxLength",
  "length", "pattern", "validate", "unique", "index", "ref", "belongsTo", "message"];
const HOOKS = ["beforeValidate", "beforeSave", "afterSave", "beforeDestroy", "afterDestroy"];
const EVENTS = ["insert", "update", "delete", "change"];
const OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "startsWith", "endsWith",
  "contains", "match", "exists", "between"];
const OP_ALIASES = { "=": "eq", "==": "eq", "===": "eq", "!=": "ne", "!==": "ne", ">": "gt",
  ">=": "gte", "<": "lt", "<=": "lte" };

const models = Object.create(null);   // name -> Model

// ----- errors -------------------------------------------------------------------------------

class ModelError extends Error {
  constructor(message, props) {
    super(message);
    if (props) Object.assign(this, props);
  }
}
ModelError.prototype.name = "ModelError";

// `errors` lists every failing field: { field, code, message } (code is machine-readable).
class ValidationError extends ModelError {
  constructor(model, errors) {
    super(`${model} validation failed: ` + errors.map((e) => e.message).join("; "),
      { code: "validation", model, errors });
  }
}
ValidationError.prototype.name = "ValidationError";

class UniqueError extends ModelError {
  constructor(model, fields, value, existing) {
    const f = fields.join(", ");
    super(`${model}: another record (id ${existing}) already has ${f} = ${show(value)}`,
      { code: "unique", model, fields, value, existingId: existing,
        errors: [{ field: fields.length === 1 ? fields[0] : fields, code: "unique",
          message: `${f} must be unique (${show(value)} is taken by id ${existing})` }] });
  }
}
UniqueError.prototype.name = "UniqueError";

class NotFoundError extends ModelError {
  constructor(model, id) { super(`${model} with id ${show(id)} not found`, { code: "not_found", model, id }); }
}
NotFoundError.prototype.name = "NotFoundError";

class RestrictError extends ModelError {
  constructor(model, id, assoc, count) {
    super(`cannot destroy ${model} ${id}: ${count} dependent record(s) in ${assoc} (dependent: "restrict")`,
      { code: "restrict", model, id, association: assoc, count });
  }
}
RestrictError.prototype.name = "RestrictError";

class MigrationError extends ModelError {
  constructor(model, from, to, id, cause) {
    super(`${model}: migration from version ${from} to ${to} failed` +
      (id === undefined ? "" : ` at record ${id}`) + `: ${cause && cause.message}; nothing was changed`,
      { code: "migration", model, fromVersion: from, toVersion: to, id, cause });
  }
}
MigrationError.prototype.name = "MigrationError";

function show(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Date) return v.toISOString();
  if (isRecord(v)) return `${v[DATA].m.name}#${v[DATA].v.id}`;
  if (Array.isArray(v)) return "[" + v.map(show).join(", ") + "]";
  return String(v);
}
function fail(msg) { throw new ModelError(msg, { code: "definition" }); }
function isRecord(v) { return v !== null && typeof v === "object" && v[DATA] !== undefined; }
function isPlain(v) {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === null || p === Object.prototype;
}

// ----- transactions: an undo log and the events waiting for the outermost commit -----------

const tx = { frames: [] };

function logUndo(fn) {
  const n = tx.frames.length;
  if (n) tx.frames[n - 1].undo.push(fn);
}
function atomic(fn) {
  const frame = { undo: [], events: [] };
  tx.frames.push(frame);
  let result;
  try {
    result = fn();
  } catch (e) {
    tx.frames.pop();
    for (let i = frame.undo.length - 1; i >= 0; i--) frame.undo[i]();
    throw e;
  }
  tx.frames.pop();
  const n = tx.frames.length;
  if (n) {
    const parent = tx.frames[n - 1];
    for (const u of frame.undo) parent.undo.push(u);
    for (const e of frame.events) parent.events.push(e);
  } else {
    deliver(frame.events);
  }
  return result;
}
function transaction(fn) {
  if (typeof fn !== "function") throw new TypeError("db.transaction(fn): fn must be a function");
  return atomic(fn);
}
// Listeners run after the outermost transaction committed; one that throws is reported and
// does not undo the change (it has been committed) nor stop the others.
function deliver(events) {
  for (const ev of events) {
    const st = ev.record[DATA];
    const lists = [st.m.listeners[ev.type], st.m.listeners.change, st.ls && st.ls[ev.type], st.ls && st.ls.change];
    for (const l of lists) {
      if (!l) continue;
      for (const fn of l.slice()) {
        try { fn(ev); } catch (e) { console.error(`ken/model: ${st.m.name} ${ev.type} listener threw: ${e && e.message}`); }
      }
    }
  }
}
function emit(type, record, changes) {
  const m = record[DATA].m;
  const st = record[DATA];
  if (!m.listeners[type] && !m.listeners.change && !(st.ls && (st.ls[type] || st.ls.change))) return;
  const ev = { type, model: m.name, id: st.v.id, record };
  if (changes) { ev.changes = changes; ev.fields = Object.keys(changes); }
  tx.frames[tx.frames.length - 1].events.push(ev);
}

// ----- keys and ordered indexes -------------------------------------------------------------

// The index key of a field value: dates by time, records by id, missing as null.
function keyOf(v) {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.getTime();
  if (isRecord(v)) return v[DATA].v.id;
  if (typeof v === "object") return JSON.stringify(v);
  return v;
}
const TYPE_RANK = { object: 0, boolean: 1, number: 2, string: 3 };
function cmp(a, b) {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const ta = typeof a, tb = typeof b;
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  if (a !== a) return b !== b ? 0 : -1;   // NaN first among numbers
  if (b !== b) return 1;
  return a < b ? -1 : 1;
}
// compound keys (arrays) compare on the bound's length, so a prefix bounds all its extensions
function cmpKey(a, b) {
  if (!Array.isArray(b)) return cmp(a, b);
  for (let i = 0; i < b.length; i++) {
    const c = cmp(a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

const CHUNK = 128;
// The distinct keys of an index in order, in chunks of at most 2*CHUNK keys: an insert or a
// delete costs a binary search and a splice of one small chunk. The records of each key are
// in the index's hash map, so only a new or a vanished key touches this structure.
class Ordered {
  constructor() { this.chunks = []; }
  // the chunk that holds k or where it belongs
  chunkFor(k) {
    const cs = this.chunks;
    let lo = 0, hi = cs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1, ks = cs[mid];
      if (cmpKey(ks[ks.length - 1], k) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  static pos(ks, k) {
    let lo = 0, hi = ks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpKey(ks[mid], k) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  insert(k) {
    const cs = this.chunks;
    if (!cs.length) { cs.push([k]); return; }
    const last = cs[cs.length - 1];
    if (cmpKey(last[last.length - 1], k) < 0) {   // appending (ids, serials, timestamps)
      last.push(k);
      if (last.length > 2 * CHUNK) cs.push(last.splice(CHUNK));
      return;
    }
    const ci = this.chunkFor(k), ks = cs[ci];
    const p = Ordered.pos(ks, k);
    if (p < ks.length && cmpKey(ks[p], k) === 0 && cmpKey(k, ks[p]) === 0) return;
    ks.splice(p, 0, k);
    if (ks.length > 2 * CHUNK) this.chunks.splice(ci + 1, 0, ks.splice(CHUNK));
  }
  remove(k) {
    if (!this.chunks.length) return;
    const ci = this.chunkFor(k), ks = this.chunks[ci];
    const p = Ordered.pos(ks, k);
    if (p >= ks.length || cmpKey(ks[p], k) !== 0 || cmpKey(k, ks[p]) !== 0) return;
    ks.splice(p, 1);
    if (!ks.length) this.chunks.splice(ci, 1);
  }
  // calls each(key) for the keys with lo (<|<=) key (<|<=) hi, in order; a missing bound is open
  range(lo, loIncl, hi, hiIncl, each) {
    const cs = this.chunks;
    const below = (k) => { const c = cmpKey(k, lo); return c < 0 || (c === 0 && !loIncl); };
    let ci = 0, p = 0;
    if (lo !== undefined) {
      let a = 0, b = cs.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (below(cs[mid][cs[mid].length - 1])) a = mid + 1; else b = mid;
      }
      ci = a;
      if (ci < cs.length) {
        const ks = cs[ci];
        let x = 0, y = ks.length;
        while (x < y) {
          const mid = (x + y) >> 1;
          if (below(ks[mid])) x = mid + 1; else y = mid;
        }
        p = x;
      }
    }
    for (; ci < cs.length; ci++, p = 0) {
      const ks = cs[ci];
      for (; p < ks.length; p++) {
        if (hi !== undefined) {
          const c = cmpKey(ks[p], hi);
          if (c > 0 || (c === 0 && !hiIncl)) return;
        }
        each(ks[p]);
      }
    }
  }
}

function hasNull(k) { return k === null || (Array.isArray(k) && k.includes(null)); }

// A hash map from key to its record (unique index, key without nulls) or to a Set of records;
// ordered indexes also keep their keys in an Ordered.
class Index {
  constructor(model, fields, unique, ordered) {
    this.model = model;
    this.fields = fields;
    this.unique = unique;
    this.name = fields.join("+");
    this.map = new Map();
    this.sorted = ordered ? new Ordered() : null;
  }
  keyFor(vals) {
    const fs = this.fields;
    if (fs.length === 1) return keyOf(vals[fs[0]]);
    const k = new Array(fs.length);
    for (let i = 0; i < fs.length; i++) k[i] = keyOf(vals[fs[i]]);
    return k;
  }
  hashKey(k) { return Array.isArray(k) ? JSON.stringify(k) : k; }
  // the record holding key k in a unique index, if it is not `self` (keys with nulls never collide)
  conflict(k, self) {
    if (!this.unique || hasNull(k)) return undefined;
    const r = this.map.get(this.hashKey(k));
    return r !== undefined && r !== self ? r : undefined;
  }
  add(k, rec) {
    const h = this.hashKey(k), cur = this.map.get(h);
    if (this.unique && !hasNull(k)) {
      this.map.set(h, rec);
    } else if (cur) {
      cur.add(rec);
      return;
    } else {
      const set = new Set();
      set.add(rec);
      this.map.set(h, set);
    }
    if (this.sorted && cur === undefined) this.sorted.insert(k);
  }
  remove(k, rec) {
    const h = this.hashKey(k), cur = this.map.get(h);
    if (cur === undefined) return;
    if (cur instanceof Set) {
      cur.delete(rec);
      if (cur.size) return;
    } else if (cur !== rec) return;
    this.map.delete(h);
    if (this.sorted) this.sorted.remove(k);
  }
  lookup(k) {
    const r = this.map.get(this.hashKey(k));
    if (r === undefined) return [];
    return r instanceof Set ? Array.from(r) : [r];
  }
  range(lo, loIncl, hi, hiIncl) {
    const out = [];
    this.sorted.range(lo, loIncl, hi, hiIncl, (k) => {
      const r = this.map.get(this.hashKey(k));
      if (r instanceof Set) { for (const x of r) out.push(x); } else if (r !== undefined) out.push(r);
    });
    return out;
  }
  describe() { return `${this.model}(${this.fields.join(", ")})${this.unique ? " unique" : ""}${this.sorted ? " ordered" : ""}`; }
}

// ----- schemas ------------------------------------------------------------------------------

function compileField(model, name, spec) {
  if (typeof spec === "string") spec = { type: spec };
  else if (Array.isArray(spec)) spec = { enum: spec };
  if (!isPlain(spec)) fail(`${model}.${name}: a field is a type name or an options object`);
  for (const k of Object.keys(spec)) {
    if (!FIELD_OPTS.includes(k)) fail(`${model}.${name}: unknown field option "${k}" (known: ${FIELD_OPTS.join(", ")})`);
  }
  const f = Object.assign({ name }, spec);
  const ref = spec.ref || spec.belongsTo;
  if (ref !== undefined) {
    if (typeof ref !== "string") fail(`${model}.${name}: ref must be a model name`);
    f.type = "ref";
    f.ref = ref;
  } else if (spec.type === undefined) {
    f.type = spec.enum ? "any" : "any";
  } else if (typeof spec.type === "string" && !TYPES.includes(spec.type)) {
    if (/^[A-Z]/.test(spec.type)) { f.ref = spec.type; f.type = "ref"; }
    else fail(`${model}.${name}: unknown type "${spec.type}" (known: ${TYPES.join(", ")}, or a model name)`);
  }
  if (f.type === "ref" && !f.ref) fail(`${model}.${name}: type "ref" needs ref: "ModelName"`);
  if (f.enum !== undefined && !Array.isArray(f.enum)) fail(`${model}.${name}: enum must be an array`);
  if (f.pattern !== undefined && !(f.pattern instanceof RegExp)) fail(`${model}.${name}: pattern must be a RegExp`);
  if (f.validate !== undefined && typeof f.validate !== "function") fail(`${model}.${name}: validate must be a function`);
  if (f.default !== undefined && typeof f.default !== "function" && f.default !== null && typeof f.default === "object") {
    fail(`${model}.${name}: an object or array default must be a function returning a fresh value (default: () => [])`);
  }
  return f;
}

function typeOk(f, v) {
  switch (f.type) {
    case "string": return typeof v === "string";
    case "number": return typeof v === "number" && v === v;
    case "integer": return Number.isInteger(v);
    case "boolean": return typeof v === "boolean";
    case "date": return v instanceof Date && v.getTime() === v.getTime();
    case "array": return Array.isArray(v);
    case "object": return v !== null && typeof v === "object" && !Array.isArray(v);
    case "ref": return isRecord(v) && v[DATA].m.name === f.ref && !v[DATA].dead;
    default: return true;
  }
}
const A_OR_AN = { integer: "an integer", object: "an object", array: "an array", any: "anything" };

// every failing check of one field value, pushed to errs
function bad(errs, f, v, code, message) {
  errs.push({ field: f.name, code, message: f.message || message, value: v });
}
function checkField(m, f, v, errs) {
  const name = f.name;
  if (v === undefined || v === null) {
    if (f.required) bad(errs, f, v, "required", `${name} is required`);
    return;
  }
  if (!typeOk(f, v)) {
    if (f.type === "ref") {
      bad(errs, f, v, isRecord(v) && v[DATA].dead ? "destroyed" : "type",
        isRecord(v) && v[DATA].dead ? `${name} refers to a destroyed ${f.ref}` : `${name} must be a ${f.ref} record`);
    } else bad(errs, f, v, "type", `${name} must be ${A_OR_AN[f.type] || "a " + f.type} (got ${show(v)})`);
    return;
  }
  if (f.enum && !f.enum.includes(v)) bad(errs, f, v, "enum", `${name} must be one of ${f.enum.map(show).join(", ")} (got ${show(v)})`);
  const mag = v instanceof Date ? v.getTime() : v;
  if (f.min !== undefined && typeof mag === "number" && mag < keyOf(f.min)) bad(errs, f, v, "min", `${name} must be at least ${show(f.min)} (got ${show(v)})`);
  if (f.max !== undefined && typeof mag === "number" && mag > keyOf(f.max)) bad(errs, f, v, "max", `${name} must be at most ${show(f.max)} (got ${show(v)})`);
  if (typeof v === "string" || Array.isArray(v)) {
    const unit = typeof v === "string" ? "characters" : "items";
    if (f.length !== undefined && v.length !== f.length) bad(errs, f, v, "length", `${name} must have exactly ${f.length} ${unit} (has ${v.length})`);
    if (f.minLength !== undefined && v.length < f.minLength) bad(errs, f, v, "minLength", `${name} must have at least ${f.minLength} ${unit} (has ${v.length})`);
    if (f.maxLength !== undefined && v.length > f.maxLength) bad(errs, f, v, "maxLength", `${name} must have at most ${f.maxLength} ${unit} (has ${v.length})`);
  }
  if (f.pattern && typeof v === "string") {
    f.pattern.lastIndex = 0;
    if (!f.pattern.test(v)) bad(errs, f, v, "pattern", `${name} must match ${f.pattern} (got ${show(v)})`);
  }
  if (f.validate) {
    const r = f.validate(v);
    if (r === false) bad(errs, f, v, "custom", `${name} is invalid (got ${show(v)})`);
    else if (typeof r === "string") bad(errs, f, v, "custom", r);
  }
}

// ----- records ------------------------------------------------------------------------------

// Shared by every record (model prototypes inherit from it).
const RecordProto = {
  update(attrs) {
    if (!isPlain(attrs)) throw new TypeError(`${this[DATA].m.name}#update: expects an object of field values`);
    write(this, attrs);
    return this;
  },
  set(field, value) { write(this, { [field]: value }); return this; },
  destroy() { destroy(this); return this; },
  get isDestroyed() { return this[DATA].dead; },
  // fields changed since the record was created or last cleared: { field: { from, to } }
  changes() {
    const ch = this[DATA].ch, out = {};
    if (ch) for (const k of Object.keys(ch)) out[k] = { from: ch[k], to: this[DATA].v[k] };
    return out;
  },
  isDirty(field) {
    const ch = this[DATA].ch;
    return !!ch && (field === undefined ? Object.keys(ch).length > 0 : field in ch);
  },
  clearChanges() {
    const st = this[DATA], old = st.ch;
    st.ch = null;
    logUndo(() => { st.ch = old; });
    return this;
  },
  toJSON() {
    const st = this[DATA], out = { id: st.v.id };
    for (const f of st.m.fieldList) {
      const v = st.v[f.name];
      out[f.name] = isRecord(v) ? v.id : v;
    }
    return out;
  },
  toObject() { return this.toJSON(); },
  toString() { return `${this[DATA].m.name}#${this[DATA].v.id}`; },
  on(type, fn) { return listen(this[DATA].m, this[DATA], type, fn, this.toString()); },
  off(type, fn) { return unlisten(this[DATA], type, fn); },
};

function listen(m, holder, type, fn, who) {
  if (!EVENTS.includes(type)) throw new TypeError(`${who}.on: unknown event "${type}" (known: ${EVENTS.join(", ")})`);
  if (typeof fn !== "function") throw new TypeError(`${who}.on("${type}", fn): fn must be a function`);
  const key = holder === m ? "listeners" : "ls";
  if (!holder[key]) holder[key] = {};
  const l = holder[key][type] || (holder[key][type] = []);
  l.push(fn);
  logUndo(() => { const i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); });
  return () => unlisten(holder, type, fn);
}
function unlisten(holder, type, fn) {
  const l = (holder.listeners || holder.ls || {})[type];
  const i = l ? l.indexOf(fn) : -1;
  if (i < 0) return false;
  l.splice(i, 1);
  logUndo(() => l.splice(i, 0, fn));
  return true;
}

function runHook(m, name, rec, arg) {
  const h = m.hooks[name];
  if (h) for (const fn of h) fn.call(rec, rec, arg);
}

// The proposed values of a write: the current values with `attrs` over them.
function draftOf(m, st, attrs, isNew) {
  const draft = Object.create(null);
  const errs = [];
  for (const k of Object.keys(attrs)) {
    if (k === "id") { errs.push({ field: "id", code: "readonly", message: "id is assigned by the model and read-only" }); continue; }
    if (!(k in m.fields)) {
      errs.push({ field: k, code: "unknown", message: `${k} is not a field of ${m.name} (fields: ${m.fieldList.map((f) => f.name).join(", ")})` });
    }
  }
  if (errs.length) throw new ValidationError(m.name, errs);
  for (const f of m.fieldList) {
    const n = f.name;
    if (n in attrs) draft[n] = attrs[n];
    else if (!isNew) draft[n] = st.v[n];
    else if (f.default !== undefined) draft[n] = typeof f.default === "function" ? f.default() : f.default;
    else draft[n] = null;
  }
  return draft;
}

function validate(m, draft, only) {
  const errs = [];
  for (const f of m.fieldList) {
    if (only && !(f.name in only)) continue;
    const v = draft[f.name];
    if (v === undefined) draft[f.name] = null;
    checkField(m, f, v, errs);
  }
  for (const fn of m.validators) {
    const r = fn(draft);
    if (typeof r === "string") errs.push({ field: null, code: "custom", message: r });
    else if (Array.isArray(r)) for (const e of r) errs.push(e);
    else if (r && typeof r === "object") {
      for (const k of Object.keys(r)) errs.push({ field: k, code: "custom", message: r[k] });
    }
  }
  if (errs.length) throw new ValidationError(m.name, errs);
}

function create(m, attrs) {
  if (attrs === undefined) attrs = {};
  if (!isPlain(attrs)) throw new TypeError(`${m.name}.create: expects an object of field values`);
  return atomic(() => {
    const draft = draftOf(m, null, attrs, true);
    const rec = Object.create(m.Model.prototype);
    const st = { m, v: draft, ch: null, dead: false, destroying: false, ls: null };
    Object.defineProperty(rec, DATA, { value: st });
    if (m.hooks.beforeValidate) runHook(m, "beforeValidate", rec, draft);
    validate(m, draft);
    if (m.hooks.beforeSave) { runHook(m, "beforeSave", rec, draft); validate(m, draft); }
    for (const ix of m.indexes) {
      const k = ix.keyFor(draft), c = ix.conflict(k, rec);
      if (c) throw new UniqueError(m.name, ix.fields, k, c[DATA].v.id);
    }
    draft.id = m.nextId++;
    // the id is an own read-only property: the shell shows it (Book { id: 1 })
    Object.defineProperty(rec, "id", { value: draft.id, enumerable: true });
    Object.preventExtensions(rec);
    ken.loudSets(rec);   // so `rec.unknown = 1` throws in sloppy code too
    m.records.set(draft.id, rec);
    for (const ix of m.indexes) ix.add(ix.keyFor(draft), rec);
    logUndo(() => {
      for (const ix of m.indexes) ix.remove(ix.keyFor(draft), rec);
      m.records.delete(draft.id);
      m.nextId = draft.id;
      st.dead = true;
    });
    if (m.hooks.afterSave) runHook(m, "afterSave", rec, null);
    emit("insert", rec, null);
    return rec;
  });
}

// Validates and applies a change of some fields; indexes and dirty state follow.
function write(rec, attrs) {
  const st = rec[DATA], m = st.m;
  if (st.dead) throw new ModelError(`${rec} has been destroyed`, { code: "destroyed", model: m.name, id: st.v.id });
  return atomic(() => {
    const draft = draftOf(m, st, attrs, false);
    if (m.hooks.beforeValidate) runHook(m, "beforeValidate", rec, draft);
    validate(m, draft, m.hooks.beforeValidate || m.validators.length ? null : attrs);
    if (m.hooks.beforeSave) { runHook(m, "beforeSave", rec, draft); validate(m, draft); }
    const old = st.v, changes = {};
    let changed = false;
    for (const f of m.fieldList) {
      const n = f.name;
      if (!sameValue(old[n], draft[n])) { changes[n] = { from: old[n], to: draft[n] }; changed = true; }
    }
    if (!changed) return rec;
    draft.id = old.id;
    const touched = m.indexes.filter((ix) => ix.fields.some((f) => f in changes));
    const moves = [];
    for (const ix of touched) {
      const k = ix.keyFor(draft), c = ix.conflict(k, rec);
      if (c) throw new UniqueError(m.name, ix.fields, k, c[DATA].v.id);
      moves.push([ix, ix.keyFor(old), k]);
    }
    const swap = (fromVals, toVals, fromKeyAt, toKeyAt) => {
      for (const mv of moves) mv[0].remove(mv[fromKeyAt], rec);
      for (const mv of moves) mv[0].add(mv[toKeyAt], rec);
      st.v = toVals;
    };
    swap(old, draft, 1, 2);
    const oldCh = st.ch;
    const ch = Object.assign(Object.create(null), oldCh);
    for (const n of Object.keys(changes)) {
      if (!(n in ch)) ch[n] = changes[n].from;
      else if (sameValue(ch[n], draft[n])) delete ch[n];
    }
    st.ch = ch;
    logUndo(() => { swap(draft, old, 2, 1); st.ch = oldCh; });
    if (m.hooks.afterSave) runHook(m, "afterSave", rec, changes);
    emit("update", rec, changes);
    return rec;
  });
}
function sameValue(a, b) {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b || (a !== a && b !== b);
}

function destroy(rec) {
  const st = rec[DATA], m = st.m;
  if (st.dead || st.destroying) return;   // a dependent cycle reaches a record twice
  st.destroying = true;
  try {
    atomic(() => destroyNow(rec, st, m));
  } finally {
    st.destroying = false;
  }
}
function destroyNow(rec, st, m) {
  {
    runHook(m, "beforeDestroy", rec, null);
    // records of any model that refer to this one: the declared hasMany decides, else nullify
    for (const dep of m.dependents) {
      const other = models[dep.model];
      if (!other) continue;
      const om = other[META];
      const refs = om.indexByField[dep.field].lookup(st.v.id).filter((r) => r[DATA].v[dep.field] === rec);
      if (!refs.length) continue;
      const how = dep.dependent || "nullify";
      if (how === "restrict") throw new RestrictError(m.name, st.v.id, dep.name || `${dep.model}.${dep.field}`, refs.length);
      for (const r of refs) {
        if (how === "destroy") destroy(r);
        else write(r, { [dep.field]: null });
      }
    }
    for (const a of m.manyToMany) {
      const set = a.links.get(rec);
      if (!set || !set.size) continue;
      if (a.dependent === "restrict") throw new RestrictError(m.name, st.v.id, a.name, set.size);
      for (const other of Array.from(set)) {
        if (a.dependent === "destroy") destroy(other);
        else unlink(a, rec, other);
      }
    }
    if (st.dead) return;
    for (const ix of m.indexes) ix.remove(ix.keyFor(st.v), rec);
    m.records.delete(st.v.id);
    st.dead = true;
    logUndo(() => {
      st.dead = false;
      m.records.set(st.v.id, rec);
      m.idOrder = false;   // re-inserted at the end of the map
      for (const ix of m.indexes) ix.add(ix.keyFor(st.v), rec);
    });
    runHook(m, "afterDestroy", rec, null);
    emit("delete", rec, null);
  }
}

// ----- many-to-many -------------------------------------------------------------------------

function link(a, x, y) {
  const b = a.inverseAssoc();
  let sx = a.links.get(x);
  if (sx && sx.has(y)) return;
  if (!sx) a.links.set(x, (sx = new Set()));
  let sy = b.links.get(y);
  if (!sy) b.links.set(y, (sy = new Set()));
  sx.add(y);
  sy.add(x);
  logUndo(() => { sx.delete(y); sy.delete(x); });
}
function unlink(a, x, y) {
  const b = a.inverseAssoc();
  const sx = a.links.get(x), sy = b.links.get(y);
  if (!sx || !sx.has(y)) return;
  sx.delete(y);
  if (sy) sy.delete(x);
  logUndo(() => { sx.add(y); if (sy) sy.add(x); });
}
class Collection {
  constructor(assoc, owner) {
    Object.defineProperty(this, "assoc", { value: assoc });
    Object.defineProperty(this, "owner", { value: owner });
  }
  check(r) {
    if (!isRecord(r) || r[DATA].m.name !== this.assoc.model || r[DATA].dead) {
      throw new TypeError(`${this.owner}.${this.assoc.name}: expects a live ${this.assoc.model} record (got ${show(r)})`);
    }
    if (this.owner[DATA].dead) throw new ModelError(`${this.owner} has been destroyed`, { code: "destroyed" });
  }
  add(...rs) { atomic(() => { for (const r of rs) { this.check(r); link(this.assoc, this.owner, r); } }); return this; }
  remove(...rs) { atomic(() => { for (const r of rs) { this.check(r); unlink(this.assoc, this.owner, r); } }); return this; }
  has(r) { const s = this.assoc.links.get(this.owner); return !!s && s.has(r); }
  toArray() { const s = this.assoc.links.get(this.owner); return s ? Array.from(s).sort((a, b) => a.id - b.id) : []; }
  count() { const s = this.assoc.links.get(this.owner); return s ? s.size : 0; }
  get size() { return this.count(); }
  [Symbol.iterator]() { return this.toArray()[Symbol.iterator](); }
  where(...a) { return this.query().where(...a); }
  query() { const ids = this.toArray(); return new Query(models[this.assoc.model], { within: ids }); }
}

// ----- queries ------------------------------------------------------------------------------

function normCond(field, op, value) {
  if (typeof field !== "string") throw new TypeError(`where: the field must be a string (got ${show(field)})`);
  const o = OP_ALIASES[op] || op;
  if (!OPS.includes(o)) throw new TypeError(`where: unknown operator "${op}" (known: ${OPS.join(", ")}, =, !=, <, <=, >, >=)`);
  if ((o === "in" || o === "nin") && !Array.isArray(value)) throw new TypeError(`where: "${o}" needs an array`);
  if (o === "between" && !(Array.isArray(value) && value.length === 2)) throw new TypeError(`where: "between" needs [low, high]`);
  if (o === "match" && !(value instanceof RegExp)) throw new TypeError(`where: "match" needs a RegExp`);
  return { field, op: o, value, key: o === "in" || o === "nin" ? value.map(keyOf) : o === "between" ? value.map(keyOf) : keyOf(value) };
}
function testCond(c, rec) {
  const v = c.field === "id" ? rec[DATA].v.id : rec[DATA].v[c.field];
  const k = keyOf(v);
  switch (c.op) {
    case "eq": return k === c.key;
    case "ne": return k !== c.key;
    case "gt": return k !== null && cmp(k, c.key) > 0;
    case "gte": return k !== null && cmp(k, c.key) >= 0;
    case "lt": return k !== null && cmp(k, c.key) < 0;
    case "lte": return k !== null && cmp(k, c.key) <= 0;
    case "between": return k !== null && cmp(k, c.key[0]) >= 0 && cmp(k, c.key[1]) <= 0;
    case "in": return c.key.includes(k);
    case "nin": return !c.key.includes(k);
    case "startsWith": return typeof v === "string" && v.startsWith(c.value);
    case "endsWith": return typeof v === "string" && v.endsWith(c.value);
    case "contains": return (typeof v === "string" || Array.isArray(v)) && v.includes(c.value);
    case "match": c.value.lastIndex = 0; return typeof v === "string" && c.value.test(v);
    case "exists": return (v !== null && v !== undefined) === !!c.value;
  }
  return false;
}
const RANGE_OPS = { gt: 1, gte: 1, lt: 1, lte: 1, between: 1, startsWith: 1 };

class Query {
  constructor(model, parts) {
    this.model = model;
    this.conds = [];
    this.preds = [];
    this.order = [];
    this.skip = 0;
    this.take = Infinity;
    this.noIndex = false;
    this.within = null;
    this.scope = null;
    if (parts) Object.assign(this, parts);
  }
  clone(extra) {
    const q = new Query(this.model, { conds: this.conds.slice(), preds: this.preds.slice(), order: this.order.slice(),
      skip: this.skip, take: this.take, noIndex: this.noIndex, within: this.within, scope: this.scope });
    return Object.assign(q, extra || {});
  }
  // where({ field: value | { op: value } }), where(field, op, value), where(field, value), where(fn)
  where(a, op, value) {
    const q = this.clone();
    const m = this.model[META];
    const known = (f) => {
      if (f !== "id" && !(f in m.fields)) throw new TypeError(`where: ${f} is not a field of ${m.name}`);
      return f;
    };
    if (typeof a === "function") q.preds.push(a);
    else if (typeof a === "string") {
      if (arguments.length === 2) q.conds.push(normCond(known(a), "eq", op));
      else q.conds.push(normCond(known(a), op, value));
    } else if (isPlain(a)) {
      for (const f of Object.keys(a)) {
        const v = a[f];
        if (isPlain(v)) for (const o of Object.keys(v)) q.conds.push(normCond(known(f), o, v[o]));
        else q.conds.push(normCond(known(f), "eq", v));
      }
    } else throw new TypeError("where: expects an object of conditions, (field, op, value) or a function");
    return q;
  }
  orderBy(field, dir) {
    const d = dir === undefined ? "asc" : String(dir).toLowerCase();
    if (d !== "asc" && d !== "desc") throw new TypeError(`orderBy: direction must be "asc" or "desc" (got ${show(dir)})`);
    if (field !== "id" && !(field in this.model[META].fields)) throw new TypeError(`orderBy: ${field} is not a field of ${this.model[META].name}`);
    return this.clone({ order: this.order.concat([[field, d === "desc" ? -1 : 1]]) });
  }
  offset(n) { if (!(Number.isInteger(n) && n >= 0)) throw new RangeError("offset: expects a non-negative integer"); return this.clone({ skip: n }); }
  limit(n) { if (!(Number.isInteger(n) && n >= 0)) throw new RangeError("limit: expects a non-negative integer"); return this.clone({ take: n }); }
  scan() { return this.clone({ noIndex: true }); }
  filter(fn) { return this.where(fn); }

  // the access path: { type: "hash" | "range" | "in" | "scan" | "id", index, ... }
  plan() {
    const m = this.model[META];
    if (this.within) return { type: "list", ix: null, size: this.within.length };
    if (this.noIndex) return { type: "scan", ix: null };
    const eq = Object.create(null);
    for (const c of this.conds) if (c.op === "eq") eq[c.field] = c;
    if (eq.id) return { type: "id", ix: null, key: eq.id.key };
    let best = null;
    for (const ix of m.indexes) {
      if (ix.fields.every((f) => f in eq && (!ix.unique || eq[f].key !== null)) && (!best || ix.unique && !best.unique || ix.fields.length > best.fields.length)) best = ix;
    }
    const hash = best && { type: "hash", ix: best, key: best.fields.length === 1 ? eq[best.fields[0]].key : best.fields.map((f) => eq[f].key) };
    if (best && best.unique) return hash;
    const range = this.rangePlan(m, eq);
    // a range over more fields of a compound index beats an equality on fewer
    if (range && (!hash || range.used > best.fields.length)) return range;
    if (hash) return hash;
    for (const c of this.conds) {
      if (c.op !== "in") continue;
      const ix = m.indexes.find((x) => x.fields.length === 1 && x.fields[0] === c.field);
      if (ix) return { type: "in", ix, keys: c.key };
    }
    return { type: "scan", ix: null };
  }
  rangePlan(m, eq) {
    let bestPlan = null;
    for (const ix of m.indexes) {
      if (!ix.sorted) continue;
      let n = 0;
      while (n < ix.fields.length - 1 && ix.fields[n] in eq) n++;
      const f = ix.fields[n];
      const rs = this.conds.filter((c) => c.field === f && RANGE_OPS[c.op]);
      if (!rs.length && n === 0) continue;
      const prefix = ix.fields.slice(0, n).map((x) => eq[x].key);
      let lo, loIncl = true, hi, hiIncl = true;
      const tighten = (b, incl, isLo) => {
        const cur = isLo ? lo : hi;
        const c = cur === undefined ? 0 : cmp(b, cur);
        if (cur === undefined || (isLo ? c > 0 || (c === 0 && !incl) : c < 0 || (c === 0 && !incl))) {
          if (isLo) { lo = b; loIncl = incl; } else { hi = b; hiIncl = incl; }
        }
      };
      for (const c of rs) {
        if (c.op === "gt") tighten(c.key, false, true);
        else if (c.op === "gte") tighten(c.key, true, true);
        else if (c.op === "lt") tighten(c.key, false, false);
        else if (c.op === "lte") tighten(c.key, true, false);
        else if (c.op === "between") { tighten(c.key[0], true, true); tighten(c.key[1], true, false); }
        else if (c.op === "startsWith" && typeof c.value === "string") { tighten(c.value, true, true); tighten(c.value + "\uffff", true, false); }
      }
      const wrap = (b) => (ix.fields.length === 1 ? b : prefix.concat([b]));
      const lob = lo === undefined ? (n ? prefix : undefined) : wrap(lo);
      const hib = hi === undefined ? (n ? prefix : undefined) : wrap(hi);
      const plan = { type: "range", ix, used: n + (rs.length ? 1 : 0), lo: lob, loIncl: lo === undefined || loIncl, hi: hib, hiIncl: hi === undefined || hiIncl };
      if (!bestPlan || plan.used > bestPlan.used) bestPlan = plan;
    }
    return bestPlan;
  }
  explain() {
    const p = this.plan();
    const out = { model: this.model[META].name, type: p.type, index: p.type === "id" ? "id" : p.ix ? p.ix.describe() : null,
      conditions: this.conds.map((c) => `${c.field} ${c.op} ${show(c.value)}`).concat(this.preds.map(() => "<function>")),
      order: this.order.map(([f, d]) => `${f} ${d < 0 ? "desc" : "asc"}`), offset: this.skip,
      limit: this.take === Infinity ? null : this.take };
    const cand = this.candidates(p);
    out.candidates = cand === null ? this.model[META].records.size : cand.length;
    return out;
  }
  candidates(p) {
    const m = this.model[META];
    switch (p.type) {
      case "list": return this.within;
      case "id": { const r = m.records.get(p.key); return r ? [r] : []; }
      case "hash": return p.ix.lookup(p.key);
      case "range": return p.ix.range(p.lo, p.loIncl, p.hi, p.hiIncl);
      case "in": { const out = new Set(); for (const k of p.keys) for (const r of p.ix.lookup(k)) out.add(r); return Array.from(out); }
    }
    return null;   // scan
  }
  matches(r) {
    if (r[DATA].dead) return false;
    for (const c of this.conds) if (!testCond(c, r)) return false;
    for (const p of this.preds) if (!p(r)) return false;
    return true;
  }
  // runs the query: the matching records in order, after offset and limit
  toArray() {
    const m = this.model[META];
    const p = this.plan();
    const cand = this.candidates(p);
    let out = [];
    // without orderBy, results come in id (creation) order
    const inIdOrder = cand === null && m.idOrder;
    if (cand === null) {
      const stopAt = this.order.length || !inIdOrder ? Infinity : this.skip + this.take;
      for (const r of m.records.values()) {
        if (this.matches(r)) { out.push(r); if (out.length >= stopAt) break; }
      }
    } else {
      for (const r of cand) if (this.matches(r)) out.push(r);
    }
    if (this.order.length) {
      const ord = this.order;
      out.sort((a, b) => {
        for (const [f, d] of ord) {
          const c = cmp(keyOf(f === "id" ? a.id : a[DATA].v[f]), keyOf(f === "id" ? b.id : b[DATA].v[f]));
          if (c) return c * d;
        }
        return a[DATA].v.id - b[DATA].v.id;
      });
    } else if (!inIdOrder && out.length > 1) {
      out.sort((a, b) => a[DATA].v.id - b[DATA].v.id);
    }
    if (this.skip || this.take !== Infinity) out = out.slice(this.skip, this.skip + this.take);
    return out;
  }
  all() { return this.toArray(); }
  count() {
    if (this.skip || this.take !== Infinity) return this.toArray().length;
    const p = this.plan();
    const cand = this.candidates(p);
    let n = 0;
    if (cand === null) { for (const r of this.model[META].records.values()) if (this.matches(r)) n++; }
    else for (const r of cand) if (this.matches(r)) n++;
    return n;
  }
  first() { const r = this.limit(1).toArray(); return r.length ? r[0] : null; }
  last() { const a = this.toArray(); return a.length ? a[a.length - 1] : null; }
  exists() { return this.first() !== null; }
  pluck(...fields) {
    const a = this.toArray();
    if (fields.length === 1) return a.map((r) => r[fields[0]]);
    return a.map((r) => fields.map((f) => r[f]));
  }
  map(fn) { return this.toArray().map(fn); }
  forEach(fn) { this.toArray().forEach(fn); }
  numbers(field, what) {
    if (field !== "id" && !(field in this.model[META].fields)) throw new TypeError(`${what}: ${field} is not a field of ${this.model[META].name}`);
    const out = [];
    for (const r of this.toArray()) {
      const v = r[field];
      if (v === null || v === undefined) continue;
      const n = v instanceof Date ? v.getTime() : v;
      if (typeof n !== "number") throw new TypeError(`${what}(${field}): ${show(v)} of ${r} is not a number`);
      out.push(n);
    }
    return out;
  }
  sum(field) { let s = 0; for (const n of this.numbers(field, "sum")) s += n; return s; }
  avg(field) { const a = this.numbers(field, "avg"); if (!a.length) return null; let s = 0; for (const n of a) s += n; return s / a.length; }
  min(field) { const a = this.numbers(field, "min"); return a.length ? Math.min(...a) : null; }
  max(field) { const a = this.numbers(field, "max"); return a.length ? Math.max(...a) : null; }
  // a Map from each value of `field` to its records (or to fn(records) when given)
  groupBy(field, fn) {
    if (field !== "id" && !(field in this.model[META].fields)) throw new TypeError(`groupBy: ${field} is not a field of ${this.model[META].name}`);
    const g = new Map();
    for (const r of this.toArray()) {
      const v = r[field], k = v === undefined ? null : v;
      let l = g.get(k);
      if (!l) g.set(k, (l = []));
      l.push(r);
    }
    if (fn !== undefined) {
      if (typeof fn !== "function") throw new TypeError("groupBy(field, fn): fn must be a function");
      for (const [k, l] of g) g.set(k, fn(l));
    }
    return g;
  }
  update(attrs) { return atomic(() => { const a = this.toArray(); for (const r of a) write(r, attrs); return a.length; }); }
  destroyAll() { return atomic(() => { const a = this.toArray(); for (const r of a) destroy(r); return a.length; }); }
  create(attrs) { return create(this.model[META], Object.assign({}, attrs, this.scope || {})); }
  // for-of: the results, computed when the iteration starts
  [Symbol.iterator]() {
    let a = null, i = 0;
    const q = this;
    return { next() { if (a === null) a = q.toArray(); return i < a.length ? { value: a[i++], done: false } : { value: undefined, done: true }; },
      [Symbol.iterator]() { return this; } };
  }
}

// ----- models -------------------------------------------------------------------------------

const META = Symbol("ken.model.meta");

// The statics every model has (Book.create, Book.where, ...).
const ModelStatics = {
  create(attrs) { return create(this[META], attrs); },
  find(id) {
    const r = this[META].records.get(id);
    if (!r) throw new NotFoundError(this[META].name, id);
    return r;
  },
  get(id) { return this[META].records.get(id) || null; },
  findBy(conds) { return this.query().where(conds).first(); },
  query() { return new Query(this); },
  all() { return new Query(this); },
  where(...a) { return new Query(this).where(...a); },
  orderBy(...a) { return new Query(this).orderBy(...a); },
  limit(n) { return new Query(this).limit(n); },
  offset(n) { return new Query(this).offset(n); },
  count() { return this[META].records.size; },
  first() { return new Query(this).first(); },
  pluck(...f) { return new Query(this).pluck(...f); },
  sum(f) { return new Query(this).sum(f); },
  min(f) { return new Query(this).min(f); },
  max(f) { return new Query(this).max(f); },
  avg(f) { return new Query(this).avg(f); },
  groupBy(f, fn) { return new Query(this).groupBy(f, fn); },
  update(id, attrs) { return this.find(id).update(attrs); },
  destroy(id) { return this.find(id).destroy(); },
  destroyAll() { return new Query(this).destroyAll(); },
  on(type, fn) { return listen(this[META], this[META], type, fn, this[META].name); },
  off(type, fn) { return unlisten(this[META], type, fn); },
  hook(name, fn) {
    const m = this[META];
    if (!HOOKS.includes(name)) throw new TypeError(`${m.name}.hook: unknown hook "${name}" (known: ${HOOKS.join(", ")})`);
    if (typeof fn !== "function") throw new TypeError(`${m.name}.hook("${name}", fn): fn must be a function`);
    const l = m.hooks[name] || (m.hooks[name] = []);
    l.push(fn);
    logUndo(() => { l.splice(l.indexOf(fn), 1); if (!l.length) delete m.hooks[name]; });
    return this;
  },
  get indexes() { return this[META].indexes.map((ix) => ix.describe()); },
  get version() { return this[META].version; },
  get fields() { return this[META].fieldList.map((f) => f.name); },
  [Symbol.iterator]() { return new Query(this)[Symbol.iterator](); },
};

function compileSchema(name, schema, opts) {
  if (!isPlain(schema)) fail(`db.model("${name}", schema): the schema must be an object of fields`);
  const fields = Object.create(null), fieldList = [];
  for (const k of Object.keys(schema)) {
    if (k === "id") fail(`${name}: "id" is reserved (every record gets an integer id)`);
    if (k in RecordProto || k === "constructor") fail(`${name}: the field name "${k}" would hide a record method`);
    const f = compileField(name, k, schema[k]);
    fields[k] = f;
    fieldList.push(f);
  }
  const known = ["version", "migrate", "indexes", "index", "hooks", "validate", "hasMany", "manyToMany", "methods"].concat(HOOKS);
  for (const k of Object.keys(opts)) if (!known.includes(k)) fail(`${name}: unknown model option "${k}" (known: ${known.join(", ")})`);
  const ixSpecs = [];
  for (const f of fieldList) {
    if (f.unique) ixSpecs.push({ fields: [f.name], unique: true });
    else if (f.index) ixSpecs.push({ fields: [f.name], unique: false, ordered: f.index !== "hash" });
  }
  for (const s of [].concat(opts.indexes || [], opts.index || [])) {
    const spec = typeof s === "string" ? { fields: [s] } : Array.isArray(s) ? { fields: s } : s;
    if (!spec || !Array.isArray(spec.fields) || !spec.fields.length) fail(`${name}: an index is a field name, an array of field names or { fields, unique }`);
    for (const f of spec.fields) if (!(f in fields)) fail(`${name}: index on unknown field "${f}"`);
    ixSpecs.push({ fields: spec.fields, unique: !!spec.unique, ordered: spec.ordered !== false });
  }
  for (const f of fieldList) {
    if (f.type === "ref" && !ixSpecs.some((s) => s.fields.length === 1 && s.fields[0] === f.name)) ixSpecs.push({ fields: [f.name], unique: false, ordered: false, auto: true });
  }
  return { fields, fieldList, ixSpecs };
}

function signature(schema, opts) {
  const plain = (v) => (v instanceof RegExp ? String(v) : typeof v === "function" ? "fn" : v);
  return JSON.stringify({ schema, indexes: opts.indexes || opts.index || null, hasMany: opts.hasMany || null, manyToMany: opts.manyToMany || null }, (k, v) => plain(v));
}

function installAccessors(m) {
  const proto = m.Model.prototype;
  for (const k of Object.getOwnPropertyNames(proto)) if (k !== "constructor") delete proto[k];
  for (const f of m.fieldList) {
    const n = f.name;
    Object.defineProperty(proto, n, {
      get() { return this[DATA].v[n]; },
      set(v) { write(this, { [n]: v }); },
      enumerable: true, configurable: true,
    });
  }
  for (const a of m.hasMany) {
    Object.defineProperty(proto, a.name, {
      get() { return new Query(models[a.model], { scope: { [a.foreignKey]: this } }).where(a.foreignKey, "eq", this); },
      set() { throw new TypeError(`${m.name}.${a.name} is a hasMany association: set ${a.model}.${a.foreignKey} instead`); },
      configurable: true,
    });
  }
  for (const a of m.manyToMany) {
    Object.defineProperty(proto, a.name, {
      get() { return new Collection(a, this); },
      set() { throw new TypeError(`${m.name}.${a.name} is a manyToMany association: use .add() / .remove()`); },
      configurable: true,
    });
  }
  const methods = m.methods || {};
  for (const k of Object.keys(methods)) {
    if (k in m.fields) fail(`${m.name}: method "${k}" has the name of a field`);
    Object.defineProperty(proto, k, { value: methods[k], writable: true, configurable: true });
  }
  Object.defineProperty(proto, "constructor", { value: m.Model, writable: true, configurable: true });
}

// Each model's dependents: who refers to it (hasMany or a bare belongsTo), and many-to-many sides.
function relink() {
  for (const n of Object.keys(models)) models[n][META].dependents = [];
  for (const n of Object.keys(models)) {
    const m = models[n][META];
    for (const f of m.fieldList) {
      if (f.type !== "ref" || !models[f.ref]) continue;
      const target = models[f.ref][META];
      const hm = target.hasMany.find((a) => a.model === n && a.foreignKey === f.name);
      target.dependents.push({ model: n, field: f.name, dependent: hm ? hm.dependent : "nullify", name: hm ? `${target.name}.${hm.name}` : null });
    }
  }
  for (const n of Object.keys(models)) {
    const m = models[n][META];
    for (const a of m.manyToMany) {
      const other = models[a.model];
      if (!other || a.inverse === undefined) continue;
      const om = other[META];
      if (!om.manyToMany.some((b) => b.name === a.inverse)) {
        const b = { name: a.inverse, model: n, inverse: a.name, dependent: "nullify", links: new Map(), inverseAssoc: null };
        om.manyToMany.push(b);
        installAccessors(om);
      }
    }
  }
  for (const n of Object.keys(models)) {
    const m = models[n][META];
    for (const a of m.manyToMany) {
      const owner = n;
      a.inverseAssoc = function () {
        const om = models[a.model] && models[a.model][META];
        const b = om && om.manyToMany.find((x) => x.name === a.inverse && x.model === owner);
        if (!b) throw new ModelError(`${owner}.${a.name}: the model ${a.model} is not defined yet`, { code: "definition" });
        return b;
      };
    }
  }
}

function buildAssocs(name, opts, fields, prev) {
  const hasMany = [];
  for (const [an, spec] of Object.entries(opts.hasMany || {})) {
    const s = typeof spec === "string" ? { model: spec } : spec;
    if (!s || typeof s.model !== "string") fail(`${name}.hasMany.${an}: needs { model: "Name", foreignKey: "field" }`);
    const dep = s.dependent || "nullify";
    if (!["destroy", "nullify", "restrict"].includes(dep)) fail(`${name}.hasMany.${an}: dependent must be "destroy", "nullify" or "restrict"`);
    const fk = s.foreignKey || name[0].toLowerCase() + name.slice(1);
    if (an in fields) fail(`${name}: association "${an}" has the name of a field`);
    hasMany.push({ name: an, model: s.model, foreignKey: fk, dependent: dep });
  }
  const m2m = [];
  for (const [an, spec] of Object.entries(opts.manyToMany || {})) {
    const s = typeof spec === "string" ? { model: spec } : spec;
    if (!s || typeof s.model !== "string") fail(`${name}.manyToMany.${an}: needs { model: "Name", inverse: "name" }`);
    const dep = s.dependent || "nullify";
    if (!["destroy", "nullify", "restrict"].includes(dep)) fail(`${name}.manyToMany.${an}: dependent must be "destroy", "nullify" or "restrict"`);
    if (an in fields) fail(`${name}: association "${an}" has the name of a field`);
    const old = prev && prev.manyToMany.find((a) => a.name === an);
    m2m.push({ name: an, model: s.model, inverse: s.inverse || name[0].toLowerCase() + name.slice(1) + "s", dependent: dep, links: old ? old.links : new Map(), inverseAssoc: null });
  }
  if (prev) for (const a of prev.manyToMany) if (!m2m.some((b) => b.name === a.name)) m2m.push(a);   // inverse sides
  return { hasMany, m2m };
}

function hooksOf(opts) {
  const hooks = Object.create(null);
  const src = Object.assign({}, opts.hooks || {});
  for (const h of HOOKS) if (opts[h]) src[h] = opts[h];
  for (const h of Object.keys(src)) {
    if (!HOOKS.includes(h)) fail(`unknown hook "${h}" (known: ${HOOKS.join(", ")})`);
    const l = [].concat(src[h]);
    for (const fn of l) if (typeof fn !== "function") fail(`hook ${h} must be a function`);
    hooks[h] = l;
  }
  return hooks;
}

function model(name, schema, opts) {
  if (typeof name !== "string" || !/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError(`db.model: the model name must be an identifier (got ${show(name)})`);
  if (schema === undefined) {
    if (!models[name]) throw new NotFoundError("model", name);
    return models[name];
  }
  opts = opts || {};
  if (!isPlain(opts)) fail(`db.model("${name}", schema, options): options must be an object`);
  const version = opts.version === undefined ? 1 : opts.version;
  if (!Number.isInteger(version) || version < 1) fail(`${name}: version must be a positive integer`);
  if (opts.migrate !== undefined && typeof opts.migrate !== "function") fail(`${name}: migrate must be a function (old, rec)`);
  const c = compileSchema(name, schema, opts);
  const validators = [].concat(opts.validate || []);
  for (const v of validators) if (typeof v !== "function") fail(`${name}: validate must be a function (draft) returning errors`);
  const hooks = hooksOf(opts);
  const existing = models[name];
  const sig = signature(schema, opts);
  return atomic(() => {
    if (!existing) {
      const Model = function () { throw new TypeError(`use ${name}.create(attrs) to make a ${name}`); };
      Object.defineProperty(Model, "name", { value: name });
      Object.setPrototypeOf(Model, ModelStatics);
      Model.prototype = Object.create(RecordProto);
      const { hasMany, m2m } = buildAssocs(name, opts, c.fields, null);
      const m = { name, Model, version, sig, fields: c.fields, fieldList: c.fieldList, records: new Map(), idOrder: true, nextId: 1,
        indexes: [], indexByField: Object.create(null), hooks, validators, listeners: {}, hasMany, manyToMany: m2m,
        dependents: [], methods: opts.methods || null };
      Object.defineProperty(Model, META, { value: m });
      makeIndexes(m, c.ixSpecs);
      models[name] = Model;
      logUndo(() => { delete models[name]; relink(); });
      installAccessors(m);
      relink();
      return Model;
    }
    const m = existing[META];
    if (version < m.version) fail(`${name}: version ${version} is older than the stored version ${m.version}`);
    if (version === m.version) {
      if (sig !== m.sig) fail(`${name} version ${version} is already defined with a different schema; declare version: ${version + 1} with a migrate function to change it`);
      // same schema: new function values (hooks, validators, methods) replace the old ones
      const old = { hooks: m.hooks, validators: m.validators, fields: m.fields, fieldList: m.fieldList, methods: m.methods };
      m.hooks = hooks; m.validators = validators; m.fields = c.fields; m.fieldList = c.fieldList; m.methods = opts.methods || null;
      logUndo(() => { Object.assign(m, old); installAccessors(m); });
      installAccessors(m);
      return existing;
    }
    migrateModel(m, version, c, opts, hooks, validators, sig);
    return existing;
  });
}

function makeIndexes(m, specs) {
  m.indexes = [];
  m.indexByField = Object.create(null);
  for (const s of specs) {
    const ix = new Index(m.name, s.fields, s.unique, s.ordered !== false);
    m.indexes.push(ix);
    if (s.fields.length === 1 && !m.indexByField[s.fields[0]]) m.indexByField[s.fields[0]] = ix;
  }
}

// Computes every record's new values first; only when all migrated, validated and unique does
// it swap them in, so a failure leaves the old version intact.
function migrateModel(m, version, c, opts, hooks, validators, sig) {
  const from = m.version;
  const tmp = { name: m.name, fields: c.fields, fieldList: c.fieldList, validators };
  const next = new Map();
  let id;
  try {
    for (const [rid, rec] of m.records) {
      id = rid;
      const old = Object.freeze(Object.assign({}, rec[DATA].v));
      const draft = Object.create(null);
      for (const f of c.fieldList) {
        if (f.name in old) draft[f.name] = old[f.name];
        else draft[f.name] = f.default === undefined ? null : typeof f.default === "function" ? f.default() : f.default;
      }
      const r = opts.migrate ? opts.migrate(old, draft) : undefined;
      let vals = draft;
      if (r !== undefined && r !== draft) {
        if (!isPlain(r)) throw new TypeError("migrate must return undefined (after changing rec) or an object of field values");
        vals = Object.create(null);
        for (const f of c.fieldList) vals[f.name] = f.name in r ? r[f.name] : draft[f.name];
        for (const k of Object.keys(r)) if (k !== "id" && !(k in c.fields)) throw new ValidationError(m.name, [{ field: k, code: "unknown", message: `${k} is not a field of ${m.name} version ${version}` }]);
      }
      for (const k of Object.keys(vals)) if (!(k in c.fields)) delete vals[k];
      validate(tmp, vals);
      vals.id = rid;
      next.set(rec, vals);
    }
    id = undefined;
    const probe = c.ixSpecs.map((s) => new Index(m.name, s.fields, s.unique, false));
    for (const [rec, vals] of next) {
      for (const ix of probe) {
        const k = ix.keyFor(vals), cf = ix.conflict(k, rec);
        if (cf) throw new UniqueError(m.name, ix.fields, k, next.get(cf).id);
        ix.add(k, rec);
      }
    }
  } catch (e) {
    throw new MigrationError(m.name, from, version, id, e);
  }
  const saved = { version: m.version, sig: m.sig, fields: m.fields, fieldList: m.fieldList, indexes: m.indexes,
    indexByField: m.indexByField, hooks: m.hooks, validators: m.validators, methods: m.methods, hasMany: m.hasMany, manyToMany: m.manyToMany };
  const oldVals = new Map();
  for (const [rec, vals] of next) { oldVals.set(rec, rec[DATA].v); rec[DATA].v = vals; rec[DATA].ch = null; }
  const { hasMany, m2m } = buildAssocs(m.name, opts, c.fields, m);
  Object.assign(m, { version, sig, fields: c.fields, fieldList: c.fieldList, hooks, validators, methods: opts.methods || null, hasMany, manyToMany: m2m });
  makeIndexes(m, c.ixSpecs);
  for (const rec of m.records.values()) for (const ix of m.indexes) ix.add(ix.keyFor(rec[DATA].v), rec);
  installAccessors(m);
  relink();
  logUndo(() => {
    for (const [rec, v] of oldVals) rec[DATA].v = v;
    Object.assign(m, saved);
    installAccessors(m);
    relink();
  });
}

function dropModel(name) {
  const M = models[name];
  if (!M) throw new NotFoundError("model", name);
  const m = M[META];
  for (const n of Object.keys(models)) {
    if (n !== name && models[n][META].fieldList.some((f) => f.ref === name)) throw new ModelError(`cannot drop ${name}: ${n} refers to it`, { code: "restrict" });
  }
  atomic(() => {
    for (const r of Array.from(m.records.values())) destroy(r);
    delete models[name];
    logUndo(() => { models[name] = M; relink(); });
    relink();
  });
}

module.exports = {
  model,
  transaction,
  get models() { return Object.assign({}, models); },
  drop: dropModel,
  isRecord,
  get inTransaction() { return tx.frames.length > 0; },
  ModelError, ValidationError, UniqueError, NotFoundError, RestrictError, MigrationError,
  Query,
  version: "1.0",
};
