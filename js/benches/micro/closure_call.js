// closure call: a function value that captures one variable of its maker, called in a loop
function makeAdder(k) {
  return function (x) { return x + k; };
}
var inc = makeAdder(1);
function bench() {
  var s = 0;
  for (var i = 0; i < 20000; i++) {
    s = inc(s);
  }
  return s; // 20000
}
