// method call through the prototype: a class method found on the prototype, reading `this`
// iterations: 20000
class Counter {
  constructor() { this.n = 0; }
  add(k) { this.n += k; return this; }
}
function bench() {
  var c = new Counter();
  for (var i = 0; i < 20000; i++) {
    c.add(1);
  }
  return c.n; // 20000
}
