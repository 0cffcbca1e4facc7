// array push: a fresh array grown by push, then its length read
// iterations: 20000
function bench() {
  var a = [];
  for (var i = 0; i < 20000; i++) {
    a.push(i);
  }
  return a.length + a[19999]; // 39999
}
