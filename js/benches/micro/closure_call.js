// closure call: a function value that captures one variable of its maker, called in a loop
// iterations: 20000
function makeAdder(k) {
  return function (x) { return x + k; };
}
function bench() {
  var inc = makeAdder(1);
  var s = 0;
  for (var i = 0; i < 20000; i++) {
    s = inc(s);
  }
  return s; // 20000
}
