// global variable read: a top-level `var` (a property of the global object) read in a loop
// iterations: 20000
var g = 1;
function bench() {
  var s = 0;
  for (var i = 0; i < 20000; i++) {
    s += g;
  }
  return s; // 20000
}
