"use strict";
// Unique, non-unique, compound and ordered indexes, kept correct under every change.
const db = require("ken/model");

const Person = db.model("Person", {
  email: { type: "string", unique: true },
  name: "string",
  city: { type: "string", index: true },
  age: { type: "integer", index: true },
}, { indexes: [["city", "age"]] });

// every index agrees with a scan of the same query
function consistent() {
  for (const p of Person.all().scan()) {
    eq(Person.where({ email: p.email }).toArray().filter((x) => x === p).length, p.email === null ? 1 : 1, "email index");
    assert(Person.where({ city: p.city }).toArray().includes(p), "city index has " + p);
    assert(Person.where({ age: p.age }).toArray().includes(p), "age index has " + p);
    assert(Person.where({ city: p.city, age: p.age }).toArray().includes(p), "compound index has " + p);
  }
  for (const city of ["Ghent", "Paris", "Oslo", null]) {
    for (const age of [20, 30, 40, null]) {
      eq(Person.where({ city, age }).pluck("id"), Person.where({ city, age }).scan().pluck("id"), `city ${city} age ${age}`);
    }
    eq(Person.where({ city }).pluck("id"), Person.where({ city }).scan().pluck("id"), `city ${city}`);
    eq(Person.where({ city, age: { gte: 25 } }).pluck("id"), Person.where({ city, age: { gte: 25 } }).scan().pluck("id"), `range in ${city}`);
  }
  eq(Person.where({ age: { gt: 20, lte: 40 } }).pluck("id"), Person.where({ age: { gt: 20, lte: 40 } }).scan().pluck("id"), "age range");
}

test("the indexes the schema declares", () => {
  eq(Person.indexes, ["Person(email) unique ordered", "Person(city) ordered", "Person(age) ordered", "Person(city, age) ordered"]);
  eq(Person.where({ city: "Ghent", age: 30 }).explain().index, "Person(city, age) ordered");
  eq(Person.where({ city: "Ghent", age: { gt: 3 } }).explain().type, "range");
});

test("unique violation is a structured error and changes nothing", () => {
  const a = Person.create({ email: "a@x", name: "A", city: "Ghent", age: 30 });
  const e = throws(() => Person.create({ email: "a@x", name: "B", city: "Oslo", age: 20 }), "UniqueError");
  eq([e.code, e.model, e.fields, e.value, e.existingId], ["unique", "Person", ["email"], "a@x", a.id]);
  eq(e.errors[0].code, "unique");
  assert(e instanceof db.UniqueError, "instanceof");
  eq(Person.count(), 1);
  eq(Person.where({ city: "Oslo" }).count(), 0);
  const b = Person.create({ email: "b@x", name: "B", city: "Oslo", age: 20 });
  throws(() => { b.email = "a@x"; }, { name: "UniqueError", existingId: a.id });
  eq(b.email, "b@x");
  eq(Person.where({ email: "a@x" }).first() === a, true);
  eq(Person.where({ email: "b@x" }).first() === b, true);
  throws(() => b.update({ email: "a@x", city: "Paris" }), "UniqueError");
  eq(b.city, "Oslo");
  eq(Person.where({ city: "Paris" }).count(), 0);
  consistent();
});

test("nulls do not collide in a unique index", () => {
  Person.create({ name: "no mail 1", city: "Paris", age: 40 });
  Person.create({ name: "no mail 2", city: "Paris", age: 40 });
  eq(Person.where({ email: null }).count(), 2);
  consistent();
});

test("indexes follow create, update, direct writes and destroy", () => {
  const p = Person.create({ email: "c@x", city: "Ghent", age: 20 });
  p.city = "Oslo";
  p.age = 40;
  eq(Person.where({ city: "Ghent", age: 20 }).toArray().includes(p), false);
  eq(Person.where({ city: "Oslo", age: 40 }).first() === p, true);
  p.update({ city: null, age: 30 });
  eq(Person.where({ city: null }).first() === p, true);
  consistent();
  p.destroy();
  eq(Person.where({ email: "c@x" }).count(), 0);
  eq(Person.where({ email: "c@x" }).explain().candidates, 0);
  consistent();
});

test("ordered range queries on many records", () => {
  const N = db.model("Num", { v: { type: "number", index: true }, s: { type: "string", index: true } });
  const vals = [];
  for (let i = 0; i < 3000; i++) {
    const v = (i * 7919) % 3001;
    vals.push(v);
    N.create({ v, s: "k" + (v % 100) });
  }
  eq(N.where({ v: { gte: 100, lt: 200 } }).count(), 100);
  eq(N.where({ v: { gte: 100, lt: 200 } }).explain().candidates, 100);
  eq(N.where({ v: { gt: 2990 } }).pluck("v").sort((a, b) => a - b), vals.filter((v) => v > 2990).sort((a, b) => a - b));
  // delete every other record, then the ranges still agree with a scan
  let i = 0;
  for (const r of N.all().toArray()) if (i++ % 2) r.destroy();
  for (const [lo, hi] of [[0, 50], [1000, 1500], [2900, 3100], [-5, 0]]) {
    eq(N.where("v", "between", [lo, hi]).pluck("id"), N.where("v", "between", [lo, hi]).scan().pluck("id"), `between ${lo} ${hi}`);
  }
  eq(N.where("s", "startsWith", "k9").explain().type, "range");
  eq(N.where("s", "startsWith", "k9").pluck("id"), N.where("s", "startsWith", "k9").scan().pluck("id"));
  for (const r of N.where({ v: { lt: 1500 } })) r.v = r.v + 10000;
  eq(N.where({ v: { gte: 10000 } }).count(), N.where({ v: { gte: 10000 } }).scan().count());
  eq(N.where({ v: { lt: 1500 } }).count(), 0);
});

test("indexes are kept correct under rollback", () => {
  const before = Person.all().pluck("id");
  const p = Person.all().first();
  const oldCity = p.city;
  throws(() => db.transaction(() => {
    Person.create({ email: "tx@x", city: "Ghent", age: 20 });
    p.city = "Lima";
    Person.all().toArray()[1].destroy();
    throw new Error("abort");
  }), { message: "abort" });
  eq(Person.all().pluck("id"), before);
  eq(p.city, oldCity);
  eq(Person.where({ city: "Lima" }).count(), 0);
  eq(Person.where({ email: "tx@x" }).count(), 0);
  consistent();
});

test("an index on a bad field is refused", () => {
  throws(() => db.model("BadIx", { a: "string" }, { indexes: [["a", "b"]] }), { code: "definition" });
  throws(() => db.model("BadIx2", { a: "string" }, { indexes: [42] }), { code: "definition" });
});

test("a compound unique index: nulls never collide and stay findable", () => {
  const Seat = db.model("Seat", { row: "integer", num: "integer" }, { indexes: [{ fields: ["row", "num"], unique: true }] });
  const a = Seat.create({ row: 1, num: 1 });
  throws(() => Seat.create({ row: 1, num: 1 }), { name: "UniqueError", fields: ["row", "num"], value: [1, 1], existingId: a.id });
  const n1 = Seat.create({ row: 1, num: null }), n2 = Seat.create({ row: 1, num: null });
  Seat.create({ row: 2, num: 1 });
  eq(Seat.where({ row: 1 }).explain().type, "range");
  eq(Seat.where({ row: 1 }).pluck("id"), [a.id, n1.id, n2.id]);
  eq(Seat.where({ row: { gte: 1 } }).count(), 4);
  n1.destroy();
  eq(Seat.where({ row: 1 }).pluck("id"), [a.id, n2.id]);
  n2.num = 1 + 1;
  throws(() => { a.num = 2; }, "UniqueError");
  eq(Seat.where({ row: 1, num: 2 }).first() === n2, true);
  eq(Seat.where({ row: 1, num: 2 }).explain().type, "hash");
});
