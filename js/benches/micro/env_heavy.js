// environment-heavy: nested closures and block scopes reading variables captured one, two and
// three levels out (a slot-resolved variable is a (depth, index) pair instead of a name lookup)
// iterations: 5000
function outer(a) {
  let b = a + 1;
  function mid(c) {
    const d = c + b;
    function inner(e) {
      return a + b + d + e;
    }
    return inner(d);
  }
  return mid(a);
}
function bench() {
  let total = 0;
  for (let i = 0; i < 5000; i++) {
    total += outer(i);
  }
  return total; // sum of (a + (a+1) + (2a+1) + (2a+1)) = sum of (6a + 3) for a < 5000
}
