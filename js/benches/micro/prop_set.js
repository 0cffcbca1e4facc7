// property set: two existing own data properties written in a loop
// iterations: 20000
function bench() {
  var o = { x: 0, y: 0 };
  for (var i = 0; i < 20000; i++) {
    o.x = i;
    o.y = i + 1;
  }
  return o.x + o.y; // 39999
}
