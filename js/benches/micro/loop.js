// baseline: the counting loop the other cases run, with a local `s += 1` as its body
// iterations: 20000
function bench() {
  var s = 0;
  for (var i = 0; i < 20000; i++) {
    s += 1;
  }
  return s; // 20000
}
