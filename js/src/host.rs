//! Host turns: the runtime's side of the event loop. A timer firing, a message delivery and a
//! batch of acknowledgements are each one turn through `Runtime::run_body` and
//! `Runtime::finish_turn`, the path REPL inputs take (commit on success, rollback on failure,
//! output held back until the commit).
//! The state they work on is the heap's host object (see `builtins::host`); the transport
//! (UDP, datagrams, retransmission) is the embedder's.

use crate::builtins::host::{self as h, get, get_num, host_part};
use crate::runtime::{Runtime, Uncaught};
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Throw, Value, Vm, I};

/// One peer's unacknowledged messages: sequence numbers `head .. next`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutQueue {
    pub addr: String,
    pub head: u64,
    pub next: u64,
}

/// What became of an incoming message.
#[derive(Debug)]
pub enum Delivery {
    /// Not deliverable now (a gap in the sequence, a stale session, a payload that is not
    /// JSON): dropped without a turn and without an acknowledgement.
    Dropped(&'static str),
    /// Delivered before: acknowledge `ack` again; no turn runs.
    Duplicate { ack: u64 },
    /// Delivered in a committed turn (`receive` ran, or the message waits in the inbox until
    /// one is defined); acknowledge `ack`. `result` is the turn's uncaught exception, if any:
    /// the message still counts as delivered (its bookkeeping committed in a turn of its own).
    Delivered { ack: u64, result: Result<(), Uncaught> },
}

impl Runtime {
    /// This heap's messaging incarnation (fixed when the realm was created).
    pub fn session_id(&mut self) -> u64 {
        let s = host_part(&mut self.vm, "session");
        let text = if s.is_str() { self.vm.string_lossy(s) } else { String::new() };
        u64::from_str_radix(&text, 16).unwrap_or(0)
    }

    fn timer_ids(&mut self) -> Vec<(u32, Value)> {
        let timers = host_part(&mut self.vm, "timers");
        if !timers.is_obj() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for k in self.vm.own_keys(timers) {
            if let PropKey::Index(id) = k {
                if let Some(p) = self.vm.get_own(timers, k) {
                    out.push((id, p.value));
                }
            }
        }
        out
    }

    /// How many timers are set (an interval counts until it is cleared).
    pub fn pending_timers(&mut self) -> usize {
        self.timer_ids().len()
    }

    /// The earliest due time (ms since the Unix epoch) of the timers, with its id.
    fn earliest_timer(&mut self) -> Option<(u32, f64)> {
        let mut best: Option<(u32, f64)> = None;
        for (id, rec) in self.timer_ids() {
            let due = get_num(&mut self.vm, rec, "due");
            if best.map_or(true, |(_, d)| due < d) {
                best = Some((id, due));
            }
        }
        best
    }

    /// When the next timer is due (ms since the Unix epoch).
    pub fn next_timer_due(&mut self) -> Option<f64> {
        self.earliest_timer().map(|(_, d)| d)
    }

    /// Fires the earliest timer if it is due at `now` (ms since the epoch), as one turn: the
    /// timer is removed (a timeout) or moved to its next period (an interval) in the same
    /// turn that calls it, so it fires once per due time whatever crashes. If the callback
    /// throws, the turn is rolled back and the timer's bookkeeping alone is committed.
    pub fn fire_due_timer(&mut self, now: f64) -> Option<Result<(), Uncaught>> {
        let (id, due) = self.earliest_timer()?;
        if due > now {
            return None;
        }
        let r = self.run_body(|vm| {
            let (f, args) = advance_timer(vm, id, now);
            vm.call(f, Value::UNDEFINED, &args)
        });
        Some(match self.finish_turn(r) {
            Ok(_) => Ok(()),
            Err(e) => {
                if self.is_persistent() {
                    let r = self.run_body(|vm| {
                        advance_timer(vm, id, now);
                        Ok(Value::UNDEFINED)
                    });
                    let _ = self.finish_turn(r);
                }
                Err(e)
            }
        })
    }

    /// The peers with unacknowledged messages.
    pub fn outgoing(&mut self) -> Vec<OutQueue> {
        let vm = &mut self.vm;
        let out = host_part(vm, "out");
        let mut r = Vec::new();
        if !out.is_obj() {
            return r;
        }
        for k in vm.own_keys(out) {
            let PropKey::Key(kv) = k else { continue };
            let Some(rec) = vm.get_own(out, k).map(|p| p.value) else { continue };
            let head = get_num(vm, rec, "head") as u64;
            let next = get_num(vm, rec, "next") as u64;
            if head < next {
                r.push(OutQueue { addr: vm.string_lossy(kv), head, next });
            }
        }
        r
    }

    /// How many messages wait for an acknowledgement, over all peers.
    pub fn outgoing_count(&mut self) -> u64 {
        self.outgoing().iter().map(|q| q.next - q.head).sum()
    }

    /// The payload (JSON text, UTF-8) of the message `seq` queued for `addr`.
    pub fn outgoing_payload(&mut self, addr: &str, seq: u64) -> Option<Vec<u8>> {
        let out = host_part(&mut self.vm, "out");
        let rec = get(&mut self.vm, out, addr);
        if !rec.is_obj() {
            return None;
        }
        let p = h::queue_get(&mut self.vm, rec, seq);
        if !p.is_str() {
            return None;
        }
        Some(String::from_utf16_lossy(self.vm.units(p)).into_bytes())
    }

    /// Applies cumulative acknowledgements ("delivered up to seq") in one turn; those that
    /// change nothing (stale, duplicate, beyond what was sent) cost no turn.
    pub fn apply_acks(&mut self, acks: &[(String, u64)]) -> Result<(), Uncaught> {
        let useful: Vec<(String, u64)> = self
            .outgoing()
            .into_iter()
            .filter_map(|q| {
                let best = acks.iter().filter(|(a, s)| *a == q.addr && *s >= q.head && *s < q.next).map(|(_, s)| *s).max()?;
                Some((q.addr, best))
            })
            .collect();
        if useful.is_empty() {
            return Ok(());
        }
        let r = self.run_body(|vm| {
            let out = host_part(vm, "out");
            for (addr, seq) in &useful {
                let rec = get(vm, out, addr);
                h::queue_drop_through(vm, rec, *seq)?;
            }
            Ok(Value::UNDEFINED)
        });
        self.finish_turn(r).map(|_| ())
    }

    /// Messages that arrived while no `receive` was defined.
    pub fn inbox_len(&mut self) -> u64 {
        let inbox = host_part(&mut self.vm, "inbox");
        if !inbox.is_obj() {
            return 0;
        }
        (get_num(&mut self.vm, inbox, "next") - get_num(&mut self.vm, inbox, "head")) as u64
    }

    /// Delivers message `seq` of `from` (session `session`) exactly once: the turn that runs
    /// `receive(from, value)` (or files the message in the inbox) also records `seq` as the
    /// last delivered, so a retransmission after any crash is recognised as a duplicate.
    pub fn deliver(&mut self, from: &str, session: u64, seq: u64, payload: &[u8]) -> Delivery {
        let known = self.last_delivered(from);
        match known {
            Some((s, last)) if s == session => {
                if seq <= last {
                    return Delivery::Duplicate { ack: last };
                }
                if seq != last + 1 {
                    return Delivery::Dropped("a gap in the sequence");
                }
            }
            // an older incarnation of a sender we know: a replay
            Some((s, _)) if session < s => return Delivery::Dropped("a stale session"),
            // a new sender, or a new incarnation of one: its sequence starts at 1
            _ if seq != 1 => return Delivery::Dropped("not the start of a session"),
            _ => {}
        }
        let Ok(text) = std::str::from_utf8(payload) else { return Delivery::Dropped("the payload is not UTF-8") };
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut bad_payload = false;
        let r = self.run_body(|vm| {
            let value = match h::decode(vm, &units) {
                None => {
                    bad_payload = true;
                    return Err(Throw::Exception);
                }
                Some(r) => r?,
            };
            vm.stack.push(value);
            record_delivered(vm, from, session, seq)?;
            let from_v = vm.str_from(from)?;
            vm.stack.push(from_v);
            match receive_fn(vm) {
                Some(f) => vm.call(f, Value::UNDEFINED, &[from_v, value]),
                None => file_in_inbox(vm, from_v, value).map(|_| Value::UNDEFINED),
            }
        });
        let r = self.finish_turn(r);
        if bad_payload {
            return Delivery::Dropped("the payload is not JSON");
        }
        let result = match r {
            Ok(_) => Ok(()),
            Err(e) => {
                // receive() threw (or was interrupted): the message counts as delivered, and
                // its bookkeeping alone is committed; if even that cannot commit (disk full),
                // there is no acknowledgement and the sender tries again later
                if self.is_persistent() {
                    let r = self.run_body(|vm| record_delivered(vm, from, session, seq).map(|_| Value::UNDEFINED));
                    if self.finish_turn(r).is_err() {
                        return Delivery::Dropped("the delivery could not be committed");
                    }
                }
                Err(e)
            }
        };
        Delivery::Delivered { ack: seq, result }
    }

    /// (session, last delivered seq) recorded for sender `from`.
    fn last_delivered(&mut self, from: &str) -> Option<(u64, u64)> {
        let inn = host_part(&mut self.vm, "in");
        let rec = get(&mut self.vm, inn, from);
        if !rec.is_obj() {
            return None;
        }
        let s = get(&mut self.vm, rec, "session");
        let s = if s.is_str() { u64::from_str_radix(&self.vm.string_lossy(s), 16).ok()? } else { return None };
        Some((s, get_num(&mut self.vm, rec, "last") as u64))
    }

    /// Runs the oldest message of the inbox through `receive`, once one is defined, as one
    /// turn (the message leaves the inbox in that turn). None: nothing to do.
    pub fn deliver_inbox(&mut self) -> Option<Result<(), Uncaught>> {
        if self.inbox_len() == 0 {
            return None;
        }
        let f = receive_fn(&mut self.vm)?;
        let r = self.run_body(|vm| {
            let (from, value) = take_from_inbox(vm);
            vm.call(f, Value::UNDEFINED, &[from, value])
        });
        Some(match self.finish_turn(r) {
            Ok(_) => Ok(()),
            Err(e) => {
                if self.is_persistent() {
                    let r = self.run_body(|vm| {
                        take_from_inbox(vm);
                        Ok(Value::UNDEFINED)
                    });
                    let _ = self.finish_turn(r);
                }
                Err(e)
            }
        })
    }

    /// Whether the heap's host state exists (a realm made by this build always has it).
    pub fn has_host_state(&self) -> bool {
        self.vm.i(I::Host).is_obj()
    }
}

/// Removes or reschedules timer `id`; returns its callback and arguments.
fn advance_timer(vm: &mut Vm, id: u32, now: f64) -> (Value, Vec<Value>) {
    let timers = host_part(vm, "timers");
    let Some(rec) = vm.get_own(timers, PropKey::Index(id)).map(|p| p.value) else {
        return (Value::UNDEFINED, Vec::new());
    };
    let f = get(vm, rec, "fn");
    let args = get(vm, rec, "args");
    let period = get_num(vm, rec, "period");
    if period < 0.0 {
        vm.delete_own(timers, PropKey::Index(id));
    } else {
        let due = get_num(vm, rec, "due");
        // an interval keeps its period; after a long stop it fires once, not once per
        // missed period
        let mut next = due + period;
        if next <= now {
            next = now + period;
        }
        let _ = vm.put_str(rec, "due", Value::num(next), attr::WEC);
    }
    let n = if args.is_obj() { vm.array_len(args) } else { 0 };
    let argv = (0..n).map(|i| vm.get_own(args, PropKey::Index(i)).map(|p| p.value).unwrap_or(Value::UNDEFINED)).collect();
    (f, argv)
}

/// The global `receive`, if it is a function (read without running any code).
fn receive_fn(vm: &mut Vm) -> Option<Value> {
    let g = vm.global();
    let f = get(vm, g, "receive");
    vm.is_callable(f).then_some(f)
}

/// Records `seq` as the last message of `from` (session `session`) delivered.
fn record_delivered(vm: &mut Vm, from: &str, session: u64, seq: u64) -> JsResult<()> {
    let inn = host_part(vm, "in");
    let mut rec = get(vm, inn, from);
    if !rec.is_obj() {
        rec = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
        vm.put_str(inn, from, rec, attr::WEC)?;
    }
    let s = vm.str_from(&format!("{session:016x}"))?;
    vm.put_str(rec, "session", s, attr::WEC)?;
    vm.put_str(rec, "last", Value::num(seq as f64), attr::WEC)
}

/// Files a message for a `receive` defined later (`from` and `value` are rooted by the caller).
fn file_in_inbox(vm: &mut Vm, from: Value, value: Value) -> JsResult<()> {
    let e = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
    vm.put_str(e, "from", from, attr::WEC)?;
    vm.put_str(e, "value", value, attr::WEC)?;
    let inbox = host_part(vm, "inbox");
    h::queue_push(vm, inbox, e).map(|_| ())
}

/// Takes the oldest inbox message out: (from, value).
fn take_from_inbox(vm: &mut Vm) -> (Value, Value) {
    let inbox = host_part(vm, "inbox");
    let head = get_num(vm, inbox, "head") as u64;
    let e = h::queue_get(vm, inbox, head);
    let _ = h::queue_drop_through(vm, inbox, head);
    if !e.is_obj() {
        return (Value::UNDEFINED, Value::UNDEFINED);
    }
    (get(vm, e, "from"), get(vm, e, "value"))
}
