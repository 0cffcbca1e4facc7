"use strict";
// db.transaction: a throw rolls back every record, index and association it touched; nesting.
const db = require("ken/model");

const Acct = db.model("Acct", { owner: { type: "string", unique: true }, balance: { type: "number", min: 0 } });
const Entry = db.model("Entry", { acct: { ref: "Acct" }, amount: "number" });

function transfer(from, to, amount) {
  return db.transaction(() => {
    Entry.create({ acct: from, amount: -amount });
    Entry.create({ acct: to, amount });
    to.balance += amount;
    from.balance -= amount;   // fails validation (min 0) when it would go negative
  });
}

test("a transaction commits all of its changes and returns fn's result", () => {
  const a = Acct.create({ owner: "ann", balance: 100 }), b = Acct.create({ owner: "bob", balance: 0 });
  eq(db.transaction(() => { transfer(a, b, 30); return "done"; }), "done");
  eq([a.balance, b.balance, Entry.count()], [70, 30, 2]);
});

test("a throw rolls back records, indexes and ids", () => {
  const a = Acct.findBy({ owner: "ann" }), b = Acct.findBy({ owner: "bob" });
  const n = Entry.count();
  const e = throws(() => transfer(a, b, 1000), "ValidationError");
  eq(codes(e), ["balance:min"]);
  eq([a.balance, b.balance, Entry.count()], [70, 30, n]);
  eq(Entry.where({ acct: b }).count(), 1);
  throws(() => db.transaction(() => {
    Acct.create({ owner: "cid", balance: 1 });
    a.owner = "ann2";
    b.destroy();
    throw new Error("abort");
  }), { message: "abort" });
  eq(Acct.findBy({ owner: "cid" }), null);
  eq(Acct.findBy({ owner: "ann" }) === a, true);
  eq(Acct.findBy({ owner: "ann2" }), null);
  eq([b.isDestroyed, Acct.get(b.id) === b, b.balance], [false, true, 30]);
  eq(Entry.where({ acct: b }).count(), 1, "the nullified entries came back too");
  const c = Acct.create({ owner: "cid", balance: 1 });
  eq(c.id, b.id + 1, "the ids of rolled-back records are reused");
  c.destroy();
});

test("nested transactions: an inner throw caught by the outer rolls back only the inner part", () => {
  const a = Acct.findBy({ owner: "ann" });
  db.transaction(() => {
    a.balance = 1;
    try {
      db.transaction(() => { a.balance = 2; Acct.create({ owner: "inner" }); throw new Error("inner"); });
    } catch (e) { eq(e.message, "inner"); }
    eq(a.balance, 1);
    eq(Acct.findBy({ owner: "inner" }), null);
    db.transaction(() => { Acct.create({ owner: "kept" }); });
  });
  eq(a.balance, 1);
  eq(Acct.findBy({ owner: "kept" }) !== null, true);
  // an outer throw rolls back the committed inner transaction too
  throws(() => db.transaction(() => {
    db.transaction(() => { a.balance = 5; });
    throw new Error("outer");
  }));
  eq(a.balance, 1);
});

test("a unique violation inside a transaction rolls back the earlier steps", () => {
  const n = Acct.count();
  throws(() => db.transaction(() => { Acct.create({ owner: "new1" }); Acct.create({ owner: "ann" }); }), "UniqueError");
  eq(Acct.count(), n);
  eq(Acct.findBy({ owner: "new1" }), null);
});

test("model definitions and listeners inside a failed transaction are undone", () => {
  throws(() => db.transaction(() => { db.model("Temp", { a: "integer" }); throw new Error("x"); }));
  throws(() => db.model("Temp"), "NotFoundError");
  const calls = [];
  throws(() => db.transaction(() => { Acct.on("insert", () => calls.push(1)); throw new Error("x"); }));
  Acct.create({ owner: "after" });
  eq(calls, []);
});

test("transaction needs a function", () => {
  throws(() => db.transaction(5), "TypeError");
  eq(db.inTransaction, false);
});
