// ken/model on 100,000 records: create, indexed point lookup, indexed range query, full scan
// with a filter, update; and the ratio of an indexed lookup to a scan of the same query.
// Run: cargo bench --bench framework   (or: ken-shell --ephemeral benches/framework.js)
"use strict";
var db = require("ken/model");
var N = 100000;
var Item = db.model("Item", {
  serial: { type: "integer", unique: true },
  year: { type: "integer", index: true },
  pages: "integer",
  title: "string",
});

function time(fn) { const t0 = Date.now(); const r = fn(); return [Date.now() - t0, r]; }
function perOp(ms, n) { return (ms * 1000 / n).toFixed(1) + " us/op"; }
// a fixed pseudo-random sequence
var seed = 42;
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; }

var [createMs] = time(() => { for (let i = 0; i < N; i++) Item.create({ serial: i, year: 1900 + (i % 100), pages: i % 1000, title: "t" + i }); });
print(`create            ${N} records: ${createMs} ms (${perOp(createMs, N)})`);

// indexed point lookup vs the same query as a scan
var L = 20000, S = 5;
var [lookMs, found] = time(() => { let n = 0; for (let i = 0; i < L; i++) n += Item.where({ serial: rnd(N) }).toArray().length; return n; });
var [scanMs, found2] = time(() => { let n = 0; for (let i = 0; i < S; i++) n += Item.where({ serial: rnd(N) }).scan().toArray().length; return n; });
if (found !== L || found2 !== S) throw new Error("lookups missed");
var lookup = lookMs / L, scan = scanMs / S;
print(`point lookup      indexed: ${perOp(lookMs, L)} (${Item.where({ serial: 1 }).explain().type}); same query as a scan: ${perOp(scanMs, S)}`);

// indexed range query (1% of the records) vs the same as a scan
var R = 200;
var [rangeMs, rn] = time(() => { let n = 0; for (let i = 0; i < R; i++) { const y = 1900 + rnd(100); n += Item.where({ year: { gte: y, lt: y + 1 } }).count(); } return n; });
var [rscanMs, rsn] = time(() => { let n = 0; for (let i = 0; i < S; i++) { const y = 1900 + rnd(100); n += Item.where({ year: { gte: y, lt: y + 1 } }).scan().count(); } return n; });
if (rn !== R * 1000 || rsn !== S * 1000) throw new Error("range counts wrong: " + rn + " " + rsn);
print(`range query       1,000 of ${N}: indexed ${perOp(rangeMs, R)} (${Item.where({ year: { gte: 1950, lt: 1951 } }).explain().type}); as a scan ${perOp(rscanMs, S)}`);

// full scan with a filter on a field without an index
var [fscanMs, fn] = time(() => { let n = 0; for (let i = 0; i < S; i++) n += Item.where({ pages: { lt: 10 } }).count(); return n; });
if (fn !== S * 1000) throw new Error("scan count wrong " + fn);
print(`full scan+filter  ${N} records: ${perOp(fscanMs, S)} (${Item.where({ pages: { lt: 10 } }).explain().type})`);

// update: direct writes of an indexed field (validated, indexes moved)
var U = 20000;
var [updMs] = time(() => { for (let i = 0; i < U; i++) { const r = Item.find(1 + rnd(N)); r.year = 1900 + ((r.year - 1899) % 100); } });
print(`update            ${U} direct writes of an indexed field: ${perOp(updMs, U)}`);
var consistent = Item.where({ year: 1950 }).count() === Item.where({ year: 1950 }).scan().count();

var ratio = scan / lookup, rangeRatio = (rscanMs / S) / (rangeMs / R);
print(`ratio             indexed lookup is ${ratio.toFixed(0)}x faster than the same query as a scan; range ${rangeRatio.toFixed(1)}x; indexes consistent: ${consistent}`);
if (ratio < 100) throw new Error(`indexed lookup only ${ratio.toFixed(1)}x faster than a scan (need >= 100x)`);
if (!consistent) throw new Error("an index disagrees with a scan after the updates");
