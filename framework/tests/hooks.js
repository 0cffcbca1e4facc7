"use strict";
// Lifecycle hooks, change listeners (after commit) and dirty tracking.
const db = require("ken/model");

const log = [];
const Note = db.model("Note", { text: { type: "string", required: true }, slug: "string", n: "integer" }, {
  hooks: {
    beforeValidate(rec, draft) { log.push("beforeValidate"); if (typeof draft.text === "string") draft.text = draft.text.trim(); },
    beforeSave(rec, draft) { log.push("beforeSave"); draft.slug = String(draft.text).toLowerCase().replace(/ /g, "-"); },
    afterSave(rec, changes) { log.push("afterSave:" + (changes ? Object.keys(changes).join(",") : "new")); },
    beforeDestroy(rec) { log.push("beforeDestroy"); if (rec.text === "keep") throw new Error("keep me"); },
    afterDestroy(rec) { log.push("afterDestroy:" + rec.id); },
  },
});

test("hooks run in order and may change the draft", () => {
  log.length = 0;
  const n = Note.create({ text: "  Hello World " });
  eq(log, ["beforeValidate", "beforeSave", "afterSave:new"]);
  eq([n.text, n.slug], ["Hello World", "hello-world"]);
  log.length = 0;
  n.text = "Bye Now";
  eq(log, ["beforeValidate", "beforeSave", "afterSave:text,slug"]);
  eq(n.slug, "bye-now");
  log.length = 0;
  n.destroy();
  eq(log, ["beforeDestroy", `afterDestroy:${n.id}`]);
});

test("a hook that throws cancels the operation", () => {
  const k = Note.create({ text: "keep" });
  throws(() => k.destroy(), { message: "keep me" });
  eq(k.isDestroyed, false);
  eq(Note.get(k.id) === k, true);
  const Strict = db.model("Strict", { v: "integer" }, { beforeSave(rec, d) { if (d.v > 10) throw new RangeError("too big"); } });
  throws(() => Strict.create({ v: 11 }), "RangeError");
  eq(Strict.count(), 0);
  const s = Strict.create({ v: 1 });
  throws(() => { s.v = 12; }, "RangeError");
  eq(s.v, 1);
});

test("hooks can be added later with Model.hook", () => {
  const H = db.model("H", { v: "integer" });
  const seen = [];
  H.hook("afterSave", (r) => seen.push(r.v));
  H.create({ v: 1 });
  H.create({ v: 2 });
  eq(seen, [1, 2]);
  throws(() => H.hook("afterLunch", () => 1), "TypeError");
  throws(() => H.hook("afterSave", 5), "TypeError");
});

test("model listeners get insert, update with the changed fields, and delete", () => {
  const L = db.model("Listened", { a: "integer", b: "string" });
  const evs = [];
  const stop = L.on("change", (e) => evs.push([e.type, e.id, e.fields || null]));
  const r = L.create({ a: 1, b: "x" });
  r.a = 2;
  r.update({ a: 3, b: "y" });
  r.update({ a: 3 });   // no change, no event
  r.destroy();
  eq(evs, [["insert", r.id, null], ["update", r.id, ["a"]], ["update", r.id, ["a", "b"]], ["delete", r.id, null]]);
  stop();
  L.create({ a: 9 });
  eq(evs.length, 4);
  const ups = [];
  L.on("update", (e) => ups.push(e.changes));
  const r2 = L.create({ a: 1 });
  r2.a = 5;
  eq(ups, [{ a: { from: 1, to: 5 } }]);
  throws(() => L.on("explode", () => 1), "TypeError");
});

test("record listeners", () => {
  const L = db.model("Watched", { a: "integer" });
  const r = L.create({ a: 1 }), other = L.create({ a: 1 });
  const evs = [];
  r.on("update", (e) => evs.push(e.changes.a.to));
  r.on("delete", (e) => evs.push("gone " + e.id));
  r.a = 2;
  other.a = 3;
  r.destroy();
  eq(evs, [2, "gone " + r.id]);
});

test("events are delivered after the outermost transaction commits, never for rolled-back changes", () => {
  const L = db.model("Committed", { a: "integer" });
  const evs = [];
  L.on("change", (e) => evs.push(e.type + ":" + e.record.a + ":" + db.inTransaction));
  db.transaction(() => {
    L.create({ a: 1 });
    eq(evs, [], "nothing delivered inside the transaction");
    try { db.transaction(() => { L.create({ a: 2 }); throw new Error("inner"); }); } catch (e) { /* inner rolled back */ }
    L.create({ a: 3 });
  });
  eq(evs, ["insert:1:false", "insert:3:false"]);
  evs.length = 0;
  throws(() => db.transaction(() => { L.create({ a: 4 }); throw new Error("outer"); }));
  eq(evs, []);
});

test("a listener that throws does not undo the change", () => {
  const L = db.model("Noisy", { a: "integer" });
  const evs = [];
  L.on("insert", () => { throw new Error("listener bug"); });
  L.on("insert", (e) => evs.push(e.id));
  const r = L.create({ a: 1 });
  eq(L.get(r.id) === r, true);
  eq(evs, [r.id]);
});

test("dirty tracking: changes() with previous values", () => {
  const D = db.model("Dirty", { a: "integer", b: "string" });
  const r = D.create({ a: 1, b: "x" });
  eq(r.changes(), {});
  eq(r.isDirty(), false);
  r.a = 2;
  r.a = 3;
  r.b = "y";
  eq(r.changes(), { a: { from: 1, to: 3 }, b: { from: "x", to: "y" } });
  eq([r.isDirty("a"), r.isDirty()], [true, true]);
  r.b = "x";
  eq(r.changes(), { a: { from: 1, to: 3 } });
  throws(() => db.transaction(() => { r.a = 10; throw new Error("x"); }));
  eq(r.changes(), { a: { from: 1, to: 3 } });
  r.clearChanges();
  eq(r.changes(), {});
  r.a = 4;
  eq(r.changes(), { a: { from: 3, to: 4 } });
});
