//! Type conversions and operators (ECMA-262 §7.1, §7.2, §13).

use crate::builtins::numconv;
use crate::vm::object::{class, PropKey};
use crate::vm::{JsResult, Throw, Value, Vm, A, I};

pub fn to_int32(n: f64) -> i32 {
    to_uint32(n) as i32
}

pub fn to_uint32(n: f64) -> u32 {
    if !n.is_finite() {
        return 0;
    }
    if n >= 0.0 && n < 4294967296.0 {
        return n as u32;
    }
    let t = n.trunc();
    let m = t.rem_euclid(4294967296.0);
    m as u32
}

pub fn to_integer_or_infinity(n: f64) -> f64 {
    if n.is_nan() {
        0.0
    } else if n.is_infinite() {
        n
    } else {
        n.trunc() + 0.0
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Default,
    Number,
    String,
}

impl Vm {
    // ----- errors -------------------------------------------------------------------------

    /// Creates an error object of the given prototype and message, sets it as the pending
    /// exception and returns `Throw::Exception`.
    pub fn throw_error(&mut self, proto: I, msg: &str) -> Throw {
        match self.make_error(proto, msg) {
            Ok(e) => {
                self.exception = e;
                Throw::Exception
            }
            Err(t) => t,
        }
    }
    pub fn make_error(&mut self, proto: I, msg: &str) -> JsResult<Value> {
        let p = self.i(proto);
        let e = self.new_object_with(class::ERROR, p, 0)?;
        let m = self.str_from(msg)?;
        let k = self.key_atom(A::message);
        self.put(e, k, m, crate::vm::object::attr::WC)?;
        self.add_stack_property(e)?;
        Ok(e)
    }
    pub fn throw_type(&mut self, msg: &str) -> Throw {
        self.throw_error(I::TypeErrorProto, msg)
    }
    pub fn throw_range(&mut self, msg: &str) -> Throw {
        self.throw_error(I::RangeErrorProto, msg)
    }
    pub fn throw_ref(&mut self, msg: &str) -> Throw {
        self.throw_error(I::ReferenceErrorProto, msg)
    }
    pub fn throw_syntax(&mut self, msg: &str) -> Throw {
        self.throw_error(I::SyntaxErrorProto, msg)
    }
    pub fn throw_value(&mut self, v: Value) -> Throw {
        self.exception = v;
        Throw::Exception
    }

    // ----- type tests -------------------------------------------------------------------------

    pub fn type_of(&self, v: Value) -> A {
        if v.is_num() {
            A::number
        } else if v.is_str() {
            A::string
        } else if v.is_obj() {
            if self.is_callable(v) {
                A::function
            } else {
                A::object
            }
        } else if v.is_sym() {
            A::symbol
        } else if v.is_bigint() {
            A::bigint
        } else if v.is_bool() {
            A::boolean
        } else if v.is_null() {
            A::object
        } else {
            A::undefined
        }
    }

    #[inline]
    pub fn to_boolean(&self, v: Value) -> bool {
        if v == Value::TRUE {
            return true;
        }
        if v == Value::FALSE {
            return false;
        }
        if v.is_num() {
            let n = v.as_num();
            return !(n == 0.0 || n.is_nan());
        }
        if v.is_str() {
            return self.str_len(v) > 0;
        }
        if v == Value::TRUE {
            return true;
        }
        if v == Value::FALSE || v.is_nullish() {
            return false;
        }
        if v.is_bigint() {
            return !self.bigint_is_zero(v);
        }
        true
    }

    pub fn to_number(&mut self, v: Value) -> JsResult<f64> {
        if v.is_num() {
            return Ok(v.as_num());
        }
        if v.is_str() {
            return Ok(numconv::string_to_number(self.units(v)));
        }
        if v == Value::TRUE {
            return Ok(1.0);
        }
        if v == Value::FALSE || v.is_null() {
            return Ok(0.0);
        }
        if v.is_undefined() {
            return Ok(f64::NAN);
        }
        if v.is_sym() {
            return Err(self.throw_type("Cannot convert a Symbol value to a number"));
        }
        if v.is_bigint() {
            return Err(self.throw_type("Cannot convert a BigInt value to a number"));
        }
        if v.is_obj() {
            let p = self.to_primitive(v, Hint::Number)?;
            return self.to_number(p);
        }
        Err(self.throw_type("Cannot convert value to a number"))
    }

    /// ToNumeric: a Number value or a BigInt value.
    pub fn to_numeric(&mut self, v: Value) -> JsResult<Value> {
        if v.is_num() || v.is_bigint() {
            return Ok(v);
        }
        let p = self.to_primitive(v, Hint::Number)?;
        if p.is_bigint() {
            return Ok(p);
        }
        Ok(Value::num(self.to_number(p)?))
    }

    pub fn to_int32(&mut self, v: Value) -> JsResult<i32> {
        Ok(to_int32(self.to_number(v)?))
    }
    pub fn to_uint32(&mut self, v: Value) -> JsResult<u32> {
        Ok(to_uint32(self.to_number(v)?))
    }
    pub fn to_integer(&mut self, v: Value) -> JsResult<f64> {
        Ok(to_integer_or_infinity(self.to_number(v)?))
    }
    /// ToLength.
    pub fn to_length(&mut self, v: Value) -> JsResult<f64> {
        let n = self.to_integer(v)?;
        Ok(n.clamp(0.0, 9007199254740991.0))
    }

    /// ToString, returning a string value.
    pub fn to_string(&mut self, v: Value) -> JsResult<Value> {
        if v.is_str() {
            return Ok(v);
        }
        if v.is_num() {
            return self.number_to_string_value(v.as_num());
        }
        if v.is_bigint() {
            return self.bigint_to_string_value(v, 10);
        }
        if v.is_sym() {
            return Err(self.throw_type("Cannot convert a Symbol value to a string"));
        }
        if v.is_obj() {
            let p = self.to_primitive(v, Hint::String)?;
            return self.to_string(p);
        }
        let a = if v == Value::TRUE {
            A::true_
        } else if v == Value::FALSE {
            A::false_
        } else if v.is_null() {
            A::null
        } else {
            A::undefined
        };
        Ok(self.a(a))
    }

    pub fn number_to_string_value(&mut self, n: f64) -> JsResult<Value> {
        if n == 0.0 {
            return self.intern_str("0");
        }
        if n >= 0.0 && n < 1e9 && n.fract() == 0.0 {
            let s = (n as u64).to_string();
            return self.str_from(&s);
        }
        let s = numconv::number_to_string(n);
        self.str_from(&s)
    }

    /// ToString as Rust text (for messages and printing).
    pub fn to_rust_string(&mut self, v: Value) -> JsResult<String> {
        let s = self.to_string(v)?;
        Ok(self.string_lossy(s))
    }

    pub fn to_primitive(&mut self, v: Value, hint: Hint) -> JsResult<Value> {
        if !v.is_obj() {
            return Ok(v);
        }
        let tp = self.i(I::SymToPrimitive);
        let ex = self.get_v(v, PropKey::Key(tp))?;
        if !ex.is_nullish() {
            if !self.is_callable(ex) {
                return Err(self.throw_type("Symbol.toPrimitive is not a function"));
            }
            let h = match hint {
                Hint::Default => self.a(A::default),
                Hint::Number => self.a(A::number),
                Hint::String => self.a(A::string),
            };
            let r = self.call(ex, v, &[h])?;
            if r.is_obj() {
                return Err(self.throw_type("Cannot convert object to primitive value"));
            }
            return Ok(r);
        }
        let order = if hint == Hint::String { [A::toString, A::valueOf] } else { [A::valueOf, A::toString] };
        self.stack.push(v);
        for which in order {
            let k = self.key_atom(which);
            let f = self.get_v(v, k)?;
            if self.is_callable(f) {
                let r = self.call(f, v, &[])?;
                if !r.is_obj() {
                    self.stack.pop();
                    return Ok(r);
                }
            }
        }
        self.stack.pop();
        Err(self.throw_type("Cannot convert object to primitive value"))
    }

    pub fn to_object(&mut self, v: Value) -> JsResult<Value> {
        if v.is_obj() {
            return Ok(v);
        }
        if v.is_nullish() {
            return Err(self.throw_type(&format!("Cannot convert {} to object", if v.is_null() { "null" } else { "undefined" })));
        }
        let (cls, proto) = if v.is_str() {
            (class::STRING, I::StringProto)
        } else if v.is_num() {
            (class::NUMBER, I::NumberProto)
        } else if v.is_bool() {
            (class::BOOLEAN, I::BooleanProto)
        } else if v.is_bigint() {
            (class::BIGINT, I::BigIntProto)
        } else {
            (class::SYMBOL, I::SymbolProto)
        };
        let p = self.i(proto);
        let o = self.new_object_with(cls, p, 1)?;
        self.set_slot(o, 0, v);
        Ok(o)
    }

    pub fn to_property_key(&mut self, v: Value) -> JsResult<PropKey> {
        if v.is_num() {
            let n = v.as_num();
            if n >= 0.0 && n < 4294967295.0 && n.fract() == 0.0 && !(n == 0.0 && n.is_sign_negative()) {
                return Ok(PropKey::Index(n as u32));
            }
        }
        if v.is_sym() {
            return Ok(PropKey::Key(v));
        }
        let p = if v.is_obj() { self.to_primitive(v, Hint::String)? } else { v };
        if p.is_sym() {
            return Ok(PropKey::Key(p));
        }
        let s = self.to_string(p)?;
        Ok(self.key_from_string(s)?)
    }

    // ----- equality and comparison ---------------------------------------------------------------

    #[inline]
    pub fn strict_eq(&self, a: Value, b: Value) -> bool {
        if a.is_num() && b.is_num() {
            return a.as_num() == b.as_num();
        }
        if a.is_str() && b.is_str() {
            return self.str_eq(a, b);
        }
        if a.is_bigint() && b.is_bigint() {
            return self.bigint_eq(a, b);
        }
        a == b
    }

    pub fn same_value_zero(&self, a: Value, b: Value) -> bool {
        if a.is_num() && b.is_num() {
            let (x, y) = (a.as_num(), b.as_num());
            return x == y || (x.is_nan() && y.is_nan());
        }
        self.strict_eq(a, b)
    }

    pub fn loose_eq(&mut self, a: Value, b: Value) -> JsResult<bool> {
        if a.is_num() && b.is_num() || a.is_str() && b.is_str() {
            return Ok(self.strict_eq(a, b));
        }
        if a.is_nullish() && b.is_nullish() {
            return Ok(true);
        }
        if a.is_nullish() || b.is_nullish() {
            return Ok(false);
        }
        if a.is_bigint() || b.is_bigint() {
            if let Some(r) = self.loose_eq_bigint(a, b) {
                return Ok(r);
            }
        }
        if a.tag() == b.tag() && !a.is_num() {
            return Ok(a == b);
        }
        if a.is_num() && b.is_str() {
            let n = self.to_number(b)?;
            return Ok(a.as_num() == n);
        }
        if a.is_str() && b.is_num() {
            let n = self.to_number(a)?;
            return Ok(n == b.as_num());
        }
        if a.is_bool() {
            let n = Value::num(self.to_number(a)?);
            return self.loose_eq(n, b);
        }
        if b.is_bool() {
            let n = Value::num(self.to_number(b)?);
            return self.loose_eq(a, n);
        }
        if (a.is_num() || a.is_str() || a.is_sym() || a.is_bigint()) && b.is_obj() {
            self.stack.push(a);
            let p = self.to_primitive(b, Hint::Default);
            self.stack.pop();
            let p = p?;
            return self.loose_eq(a, p);
        }
        if a.is_obj() && (b.is_num() || b.is_str() || b.is_sym() || b.is_bigint()) {
            self.stack.push(b);
            let p = self.to_primitive(a, Hint::Default);
            self.stack.pop();
            let p = p?;
            return self.loose_eq(p, b);
        }
        Ok(false)
    }

    /// IsLooselyEqual when one side is a BigInt and the other a primitive that is not a
    /// boolean (None: go on with the general steps).
    fn loose_eq_bigint(&self, a: Value, b: Value) -> Option<bool> {
        let (x, y) = if a.is_bigint() { (a, b) } else { (b, a) };
        if y.is_bigint() {
            return Some(self.bigint_eq(x, y));
        }
        if y.is_num() {
            return Some(self.bigint_cmp_number(x, y.as_num()) == Some(std::cmp::Ordering::Equal));
        }
        if y.is_str() {
            return Some(self.bigint_cmp_string(x, y) == Some(std::cmp::Ordering::Equal));
        }
        if y.is_sym() {
            return Some(false);
        }
        None
    }

    /// Abstract relational comparison `a < b`: Some(bool), or None for undefined (NaN).
    pub fn less_than(&mut self, a: Value, b: Value, left_first: bool) -> JsResult<Option<bool>> {
        let (pa, pb) = if left_first {
            self.stack.push(b);
            let pa = self.to_primitive(a, Hint::Number);
            self.stack.pop();
            let pa = pa?;
            self.stack.push(pa);
            let pb = self.to_primitive(b, Hint::Number);
            self.stack.pop();
            (pa, pb?)
        } else {
            self.stack.push(a);
            let pb = self.to_primitive(b, Hint::Number);
            self.stack.pop();
            let pb = pb?;
            self.stack.push(pb);
            let pa = self.to_primitive(a, Hint::Number);
            self.stack.pop();
            (pa?, pb)
        };
        if pa.is_str() && pb.is_str() {
            return Ok(Some(self.units(pa) < self.units(pb)));
        }
        use std::cmp::Ordering;
        if pa.is_bigint() && pb.is_str() {
            return Ok(self.bigint_cmp_string(pa, pb).map(|o| o == Ordering::Less));
        }
        if pa.is_str() && pb.is_bigint() {
            return Ok(self.bigint_cmp_string(pb, pa).map(|o| o == Ordering::Greater));
        }
        self.stack.push(pb);
        let nx = self.to_numeric(pa);
        self.stack.pop();
        let nx = nx?;
        self.stack.push(nx);
        let ny = self.to_numeric(pb);
        self.stack.pop();
        let ny = ny?;
        match (nx.is_bigint(), ny.is_bigint()) {
            (true, true) => Ok(Some(self.bigint_value(nx) < self.bigint_value(ny))),
            (true, false) => Ok(self.bigint_cmp_number(nx, ny.as_num()).map(|o| o == Ordering::Less)),
            (false, true) => Ok(self.bigint_cmp_number(ny, nx.as_num()).map(|o| o == Ordering::Greater)),
            (false, false) => {
                let (x, y) = (nx.as_num(), ny.as_num());
                if x.is_nan() || y.is_nan() {
                    return Ok(None);
                }
                Ok(Some(x < y))
            }
        }
    }

    /// The `+` operator.
    pub fn add(&mut self, a: Value, b: Value) -> JsResult<Value> {
        if a.is_num() && b.is_num() {
            return Ok(Value::num(a.as_num() + b.as_num()));
        }
        if a.is_str() && b.is_str() {
            return self.concat(a, b);
        }
        self.stack.push(b);
        let pa = self.to_primitive(a, Hint::Default);
        self.stack.pop();
        let pa = pa?;
        self.stack.push(pa);
        let pb = self.to_primitive(b, Hint::Default);
        let pb = match pb {
            Ok(p) => p,
            Err(e) => {
                self.stack.pop();
                return Err(e);
            }
        };
        self.stack.push(pb);
        let r = (|| {
            if pa.is_str() || pb.is_str() {
                let sa = self.to_string(pa)?;
                self.stack.push(sa);
                let sb = self.to_string(pb)?;
                self.stack.pop();
                return self.concat(sa, sb);
            }
            let x = self.to_numeric(pa)?;
            self.stack.push(x);
            let y = self.to_numeric(pb);
            self.stack.pop();
            self.numeric_binary(crate::ast::BinOp::Add, x, y?)
        })();
        self.stack.pop();
        self.stack.pop();
        r
    }

    /// An arithmetic operator on two ToNumeric results: both BigInts, both Numbers, or a
    /// TypeError for a mix.
    pub fn numeric_binary(&mut self, op: crate::ast::BinOp, x: Value, y: Value) -> JsResult<Value> {
        match (x.is_bigint(), y.is_bigint()) {
            (true, true) => self.bigint_binary(op, x, y),
            (false, false) => Ok(crate::interp::eval::number_binary(op, x.as_num(), y.as_num())),
            _ => Err(self.throw_type("Cannot mix BigInt and other types, use explicit conversions")),
        }
    }

    pub fn instance_of(&mut self, v: Value, target: Value) -> JsResult<bool> {
        if !target.is_obj() {
            return Err(self.throw_type("Right-hand side of 'instanceof' is not an object"));
        }
        let hi = self.i(I::SymHasInstance);
        let h = self.get_v(target, PropKey::Key(hi))?;
        if !h.is_nullish() {
            let r = self.call(h, target, &[v])?;
            return Ok(self.to_boolean(r));
        }
        if !self.is_callable(target) {
            return Err(self.throw_type("Right-hand side of 'instanceof' is not callable"));
        }
        self.ordinary_has_instance(target, v)
    }

    pub fn ordinary_has_instance(&mut self, c: Value, v: Value) -> JsResult<bool> {
        if !self.is_callable(c) {
            return Ok(false);
        }
        if self.class_of(c) == class::BOUND {
            let t = self.slot(c, 0);
            return self.instance_of(v, t);
        }
        if !v.is_obj() {
            return Ok(false);
        }
        let k = self.key_atom(A::prototype);
        let p = self.get_v(c, k)?;
        if !p.is_obj() {
            return Err(self.throw_type("Function has non-object prototype in instanceof check"));
        }
        let base = self.stack.len();
        self.stack.push(p);
        let r = (|| {
            let mut o = self.get_prototype_of(v)?;
            let mut steps = 0;
            while o.is_obj() {
                if o == p {
                    return Ok(true);
                }
                if self.is_proxy(o) {
                    super::proxy::walk_step(self, &mut steps)?;
                }
                self.stack.push(o);
                o = self.get_prototype_of(o)?;
            }
            Ok(false)
        })();
        self.stack.truncate(base);
        r
    }
}
