// property get: four own data properties of one (local) object read in a loop
// iterations: 20000
function bench() {
  var o = { a: 1, b: 2, c: 3, d: 4 };
  var s = 0;
  for (var i = 0; i < 20000; i++) {
    s += o.a + o.b + o.c + o.d;
  }
  return s; // 200000
}
