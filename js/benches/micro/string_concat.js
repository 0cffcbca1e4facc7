// string concatenation: a string grown by += of short pieces (one of them a number), then read
// iterations: 5000
function bench() {
  var s = '';
  for (var i = 0; i < 5000; i++) {
    s += 'ab' + (i % 10);
  }
  return s.length + s.charCodeAt(14999); // 15000 + 57
}
