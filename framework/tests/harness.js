// The framework tests' harness: test(name, fn) registers a test; the runner (tests/framework.rs
// at the workspace root) runs each in its own turn and reports it by name.
var __tests = [];
function test(name, fn) { __tests.push({ name, fn }); }
function __show(v) {
  try { return JSON.stringify(v, (k, x) => (x instanceof Map ? { Map: Array.from(x) } : x === undefined ? "<undefined>" : x)); }
  catch (e) { return String(v); }
}
function assert(cond, msg) { if (!cond) throw new Error("assertion failed: " + (msg || "")); }
function eq(actual, expected, msg) {
  const a = __show(actual), e = __show(expected);
  if (a !== e) throw new Error((msg ? msg + ": " : "") + "expected " + e + ", got " + a);
}
// runs fn, which must throw; `check` is an error name, or an object of properties the error has
function throws(fn, check) {
  let err;
  try { fn(); } catch (e) { err = e; }
  if (err === undefined) throw new Error("expected an exception" + (check ? " " + __show(check) : ""));
  if (typeof check === "string" && err.name !== check) throw new Error(`expected ${check}, got ${err.name}: ${err.message}`);
  if (check && typeof check === "object") {
    for (const k of Object.keys(check)) {
      if (__show(err[k]) !== __show(check[k])) throw new Error(`expected error.${k} = ${__show(check[k])}, got ${__show(err[k])} (${err.name}: ${err.message})`);
    }
  }
  return err;
}
// the failing fields and codes of a ValidationError, sorted: ["title:required", ...]
function codes(err) { return (err.errors || []).map((e) => `${e.field}:${e.code}`).sort(); }
function __runTest(i) {
  const t = __tests[i];
  try { t.fn(); return JSON.stringify({ name: t.name, ok: true }); }
  catch (e) { return JSON.stringify({ name: t.name, ok: false, message: (e && e.name) + ": " + (e && e.message) }); }
}
