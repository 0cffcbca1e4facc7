//! [[Get]], [[Set]], [[HasProperty]], [[Delete]] with accessors and prototype chains, and the
//! [[Call]] / [[Construct]] dispatch.

use crate::vm::object::{attr, class, flag, PropDesc, PropKey};
use crate::vm::shape::PropIc;
use crate::vm::{JsResult, Throw, Value, Vm, A, I};
use super::proxy::PROXY_PROTO;

/// Arguments of a native call: the callee, `this` and the arguments sit on the value stack
/// at `base`, `base + 1`, `base + 2..`.
#[derive(Clone, Copy)]
pub struct Args {
    pub base: usize,
    pub argc: usize,
    /// `undefined` for a call, the new.target for a construct.
    pub new_target: Value,
}

impl Args {
    pub fn this(&self, vm: &Vm) -> Value {
        vm.stack[self.base + 1]
    }
    pub fn callee(&self, vm: &Vm) -> Value {
        vm.stack[self.base]
    }
    pub fn get(&self, vm: &Vm, i: usize) -> Value {
        if i < self.argc {
            vm.stack[self.base + 2 + i]
        } else {
            Value::UNDEFINED
        }
    }
    pub fn all(&self, vm: &Vm) -> Vec<Value> {
        vm.stack[self.base + 2..self.base + 2 + self.argc].to_vec()
    }
    pub fn is_construct(&self) -> bool {
        !self.new_target.is_undefined()
    }
}

pub type NativeFn = fn(&mut Vm, &Args) -> JsResult<Value>;

impl Vm {
    /// [[Get]] on an object with a receiver.
    pub fn get(&mut self, o: Value, k: PropKey, receiver: Value) -> JsResult<Value> {
        self.check_interrupt()?;
        let mut cur = o;
        loop {
            if let PropKey::Index(i) = k {
                if let Some(v) = self.elem_fast(cur, i) {
                    return Ok(v);
                }
            }
            // a proxy has no own properties of its own: it is found at the end of the walk
            if let Some(p) = self.get_own(cur, k) {
                if p.is_accessor() {
                    if p.getter.is_undefined() {
                        return Ok(Value::UNDEFINED);
                    }
                    return self.call(p.getter, receiver, &[]);
                }
                return Ok(p.value);
            }
            if self.class_of(cur) == class::TYPED_ARRAY && crate::builtins::typedarray::is_numeric_key(self, k) {
                return Ok(Value::UNDEFINED);
            }
            let next = self.proto_of(cur);
            if !next.is_obj() {
                if next == PROXY_PROTO {
                    return super::proxy::get(self, cur, k, receiver);
                }
                return Ok(Value::UNDEFINED);
            }
            cur = next;
        }
    }

    /// GetV of a named key through an inline cache (filled on a miss).
    #[inline]
    pub fn get_ic(&mut self, o: Value, k: PropKey, ic: &PropIc) -> JsResult<Value> {
        if !o.is_obj() {
            return self.get_v(o, k);
        }
        if let Some(v) = self.ic_get(o, ic) {
            return Ok(v);
        }
        let v = self.get(o, k, o)?;
        self.ic_fill_get(o, k, ic);
        Ok(v)
    }

    /// PutValue of a named key through an inline cache (filled on a miss).
    #[inline]
    pub fn put_ic(&mut self, o: Value, k: PropKey, v: Value, strict: bool, ic: &PropIc) -> JsResult<()> {
        if !o.is_obj() {
            return self.put_value(o, k, v, strict);
        }
        if self.ic_set(o, v, ic) {
            return Ok(());
        }
        let before = self.shape_before_set(o);
        self.put_value(o, k, v, strict)?;
        self.ic_fill_set(o, k, ic, before);
        Ok(())
    }

    /// GetV: [[Get]] on any value (primitives read through their prototype).
    pub fn get_v(&mut self, v: Value, k: PropKey) -> JsResult<Value> {
        if v.is_obj() {
            return self.get(v, k, v);
        }
        if v.is_str() {
            match k {
                PropKey::Index(i) => {
                    if (i as usize) < self.str_len(v) {
                        let c = self.units(v)[i as usize];
                        return Ok(self.new_string(&[c])?);
                    }
                }
                _ if k == self.key_atom(A::length) => return Ok(Value::num(self.str_len(v) as f64)),
                _ => {}
            }
        }
        let proto = if v.is_str() {
            I::StringProto
        } else if v.is_num() {
            I::NumberProto
        } else if v.is_bool() {
            I::BooleanProto
        } else if v.is_sym() {
            I::SymbolProto
        } else if v.is_bigint() {
            I::BigIntProto
        } else {
            let what = if v.is_null() { "null" } else { "undefined" };
            let kn = self.key_display(k);
            return Err(self.throw_type(&format!("Cannot read properties of {what} (reading '{kn}')")));
        };
        let p = self.i(proto);
        self.get(p, k, v)
    }

    pub fn get_str(&mut self, v: Value, name: &str) -> JsResult<Value> {
        let k = self.key_from_str(name)?;
        self.get_v(v, k)
    }

    /// A printable form of a key, for messages.
    pub fn key_display(&mut self, k: PropKey) -> String {
        match k {
            PropKey::Index(i) => i.to_string(),
            PropKey::Key(v) if v.is_str() => self.string_lossy(v),
            PropKey::Key(v) => {
                let d = self.word(v.off(), 1);
                if d.is_str() {
                    format!("Symbol({})", self.string_lossy(d))
                } else {
                    "Symbol()".into()
                }
            }
        }
    }

    /// [[Set]] on `o` with `receiver`. Ok(false) when refused.
    pub fn set(&mut self, o: Value, k: PropKey, v: Value, receiver: Value) -> JsResult<bool> {
        let mut cur = o;
        let own = loop {
            if self.class_of(cur) == class::TYPED_ARRAY {
                if let Some(r) = crate::builtins::typedarray::set_hook(self, cur, k, v, receiver)? {
                    return Ok(r);
                }
            }
            if let Some(p) = self.get_own(cur, k) {
                break Some(p);
            }
            let p = self.proto_of(cur);
            if !p.is_obj() {
                if p == PROXY_PROTO {
                    return super::proxy::set(self, cur, k, v, receiver);
                }
                break None;
            }
            cur = p;
        };
        self.set_with_own(cur, own, k, v, receiver)
    }

    /// OrdinarySetWithOwnDescriptor, once the walk found `own` on `holder` (or nothing at the
    /// end of the chain).
    pub fn set_with_own(&mut self, holder: Value, own: Option<crate::vm::object::Prop>, k: PropKey, v: Value, receiver: Value) -> JsResult<bool> {
        match own {
            Some(p) if p.is_accessor() => {
                if p.setter.is_undefined() {
                    return Ok(false);
                }
                self.call(p.setter, receiver, &[v])?;
                Ok(true)
            }
            Some(p) if !p.writable() => Ok(false),
            _ => {
                if !receiver.is_obj() {
                    return Ok(false);
                }
                if holder == receiver && own.is_some() {
                    return self.define_own(receiver, k, PropDesc { value: Some(v), ..Default::default() });
                }
                let existing = match self.get_own(receiver, k) {
                    None if self.class_of(receiver) == class::PROXY => self.get_own_property(receiver, k)?,
                    e => e,
                };
                match existing {
                    Some(e) if e.is_accessor() || !e.writable() => Ok(false),
                    Some(_) => self.define_own(receiver, k, PropDesc { value: Some(v), ..Default::default() }),
                    None => self.define_own(receiver, k, PropDesc::data(v, attr::WEC)),
                }
            }
        }
    }

    /// PutValue on a property reference: `base[k] = v` (a TypeError in strict code when refused).
    pub fn put_value(&mut self, base: Value, k: PropKey, v: Value, strict: bool) -> JsResult<()> {
        if base.is_obj() {
            let ok = self.set(base, k, v, base)?;
            if !ok && (strict || self.flags(base) & crate::vm::object::flag::LOUD_SETS != 0) {
                let kn = self.key_display(k);
                let msg = if !self.is_extensible(base) && !self.has_property(base, k)? {
                    format!("Cannot add property '{kn}', object is not extensible")
                } else {
                    format!("Cannot assign to read only property '{kn}' of object")
                };
                return Err(self.throw_type(&msg));
            }
            return Ok(());
        }
        if base.is_nullish() {
            let kn = self.key_display(k);
            let what = if base.is_null() { "null" } else { "undefined" };
            return Err(self.throw_type(&format!("Cannot set properties of {what} (setting '{kn}')")));
        }
        let w = self.to_object(base)?;
        let ok = self.set(w, k, v, base)?;
        if !ok && strict {
            let kn = self.key_display(k);
            return Err(self.throw_type(&format!("Cannot create property '{kn}' on primitive")));
        }
        Ok(())
    }

    pub fn set_str(&mut self, o: Value, name: &str, v: Value) -> JsResult<()> {
        let k = self.key_from_str(name)?;
        self.put_value(o, k, v, true)
    }

    pub fn has_property(&mut self, o: Value, k: PropKey) -> JsResult<bool> {
        self.check_interrupt()?;
        let mut cur = o;
        loop {
            if self.get_own(cur, k).is_some() {
                return Ok(true);
            }
            if self.class_of(cur) == class::TYPED_ARRAY && crate::builtins::typedarray::is_numeric_key(self, k) {
                return Ok(false);
            }
            let next = self.proto_of(cur);
            if !next.is_obj() {
                if next == PROXY_PROTO {
                    return super::proxy::has(self, cur, k);
                }
                return Ok(false);
            }
            cur = next;
        }
    }

    /// HasOwnProperty of an ordinary object (see `has_own_property` for any object).
    pub fn has_own(&mut self, o: Value, k: PropKey) -> bool {
        self.get_own(o, k).is_some()
    }

    /// HasOwnProperty: [[GetOwnProperty]], which a proxy traps.
    pub fn has_own_property(&mut self, o: Value, k: PropKey) -> JsResult<bool> {
        Ok(self.get_own_property(o, k)?.is_some())
    }

    /// CreateDataProperty.
    pub fn create_data_property(&mut self, o: Value, k: PropKey, v: Value) -> JsResult<bool> {
        self.define_own(o, k, PropDesc::data(v, attr::WEC))
    }
    pub fn create_data_property_or_throw(&mut self, o: Value, k: PropKey, v: Value) -> JsResult<()> {
        if !self.create_data_property(o, k, v)? {
            let kn = self.key_display(k);
            return Err(self.throw_type(&format!("Cannot define property {kn}")));
        }
        Ok(())
    }
    pub fn define_or_throw(&mut self, o: Value, k: PropKey, d: PropDesc) -> JsResult<()> {
        if !self.define_own(o, k, d)? {
            let kn = self.key_display(k);
            return Err(self.throw_type(&format!("Cannot redefine property: {kn}")));
        }
        Ok(())
    }

    /// GetMethod: undefined/null -> None; not callable -> TypeError.
    pub fn get_method(&mut self, v: Value, k: PropKey) -> JsResult<Option<Value>> {
        let f = self.get_v(v, k)?;
        if f.is_nullish() {
            return Ok(None);
        }
        if !self.is_callable(f) {
            let kn = self.key_display(k);
            return Err(self.throw_type(&format!("{kn} is not a function")));
        }
        Ok(Some(f))
    }

    /// LengthOfArrayLike.
    pub fn length_of(&mut self, o: Value) -> JsResult<f64> {
        if self.is_array(o) {
            return Ok(self.array_len(o) as f64);
        }
        let k = self.key_atom(A::length);
        let l = self.get_v(o, k)?;
        self.to_length(l)
    }

    // ----- calls ---------------------------------------------------------------------------

    /// Calls `f` with `this` and `args`.
    pub fn call(&mut self, f: Value, this: Value, args: &[Value]) -> JsResult<Value> {
        let base = self.stack.len();
        self.stack.push(f);
        self.stack.push(this);
        self.stack.extend_from_slice(args);
        let r = self.call_at(base, args.len(), Value::UNDEFINED);
        self.stack.truncate(base);
        r
    }

    /// Calls the function at `stack[base]` with this = `stack[base+1]` and `argc` arguments
    /// after it. The caller truncates the stack afterwards.
    pub fn call_at(&mut self, base: usize, argc: usize, new_target: Value) -> JsResult<Value> {
        let f = self.stack[base];
        if !self.is_callable(f) {
            return Err(self.throw_type("value is not a function"));
        }
        match self.class_of(f) {
            class::CLOSURE => self.call_closure(base, argc, new_target),
            class::NATIVE => {
                if self.depth > self.max_depth {
                    return Err(self.throw_range("Maximum call stack size exceeded"));
                }
                let id = self.slot(f, 0).payload() as usize;
                let nf = crate::builtins::native(id);
                self.depth += 1;
                let r = nf(self, &Args { base, argc, new_target });
                self.depth -= 1;
                r
            }
            class::BOUND => {
                let target = self.slot(f, 0);
                let bthis = self.slot(f, 1);
                let bargs = self.list_items(self.slot(f, 2));
                let args: Vec<Value> = self.stack[base + 2..base + 2 + argc].to_vec();
                let nb = self.stack.len();
                self.stack.push(target);
                self.stack.push(bthis);
                self.stack.extend_from_slice(&bargs);
                self.stack.extend_from_slice(&args);
                let nt = if new_target.is_undefined() {
                    Value::UNDEFINED
                } else if new_target == f {
                    target
                } else {
                    new_target
                };
                let r = if nt.is_undefined() { self.call_at(nb, bargs.len() + argc, nt) } else { self.construct_at(nb, bargs.len() + argc, nt) };
                self.stack.truncate(nb);
                r
            }
            class::PROXY => super::proxy::call(self, base, argc, new_target),
            _ => Err(self.throw_type("value is not a function")),
        }
    }

    /// `new f(...args)` with new.target.
    pub fn construct(&mut self, f: Value, args: &[Value], new_target: Value) -> JsResult<Value> {
        let base = self.stack.len();
        self.stack.push(f);
        self.stack.push(Value::UNDEFINED);
        self.stack.extend_from_slice(args);
        let r = self.construct_at(base, args.len(), new_target);
        self.stack.truncate(base);
        r
    }

    pub fn construct_at(&mut self, base: usize, argc: usize, new_target: Value) -> JsResult<Value> {
        let f = self.stack[base];
        if !self.is_constructor(f) {
            return Err(self.throw_type("value is not a constructor"));
        }
        match self.class_of(f) {
            class::CLOSURE => self.construct_closure(base, argc, new_target),
            _ => self.call_at(base, argc, new_target),
        }
    }

    /// OrdinaryCreateFromConstructor: the prototype for an object made by `new_target`.
    pub fn proto_from_ctor(&mut self, new_target: Value, fallback: I) -> JsResult<Value> {
        if new_target.is_obj() {
            let k = self.key_atom(A::prototype);
            let p = self.get(new_target, k, new_target)?;
            if p.is_obj() {
                return Ok(p);
            }
            // GetFunctionRealm: a revoked proxy has none
            let mut c = new_target;
            while self.is_proxy(c) {
                if !self.slot(c, super::proxy::HANDLER).is_obj() {
                    return Err(self.throw_type("Cannot get the realm of a revoked proxy"));
                }
                c = self.slot(c, super::proxy::TARGET);
            }
        }
        Ok(self.i(fallback))
    }

    /// Throws unless `v` is an object.
    pub fn require_object(&mut self, v: Value, what: &str) -> JsResult<Value> {
        if v.is_obj() {
            Ok(v)
        } else {
            Err(self.throw_type(&format!("{what} is not an object")))
        }
    }

    /// Throws the TypeError for calling a non-function, naming the expression.
    pub fn not_a_function(&mut self, what: &str) -> Throw {
        self.throw_type(&format!("{what} is not a function"))
    }

    pub fn is_class_ctor(&self, f: Value) -> bool {
        self.flags(f) & flag::CLASS_CTOR != 0
    }
}
