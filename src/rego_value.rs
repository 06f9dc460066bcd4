//! Rego input documents built straight from Rust values: a serde `Serializer` whose
//! output is a `regorus::Value`, so an input goes from the resolved model to the
//! evaluator in one pass (no `serde_json::Value` tree in between, no JSON text).

use regorus::Value;
use serde::ser::{self, Serialize};
use std::collections::BTreeMap;

/// Nesting beyond which a value is cut off (`null`): inputs come from bounded parsers,
/// and this keeps the recursion bounded whatever they produce.
pub const MAX_DEPTH: usize = 512;

/// Any serializable value as a regorus value: structs and maps become objects, enums
/// are tagged as serde_json tags them, numbers keep their integer or float type.
pub fn to_rego<T: Serialize + ?Sized>(v: &T) -> Value {
    CONVERTING.with(|c| c.set(c.get() + 1));
    let out = v.serialize(ToRego { depth: 0 }).unwrap_or(Value::Null);
    CONVERTING.with(|c| c.set(c.get() - 1));
    out
}

thread_local! {
    /// How many [`to_rego`] conversions are under way on this thread (values are
    /// handed over ready-built only then).
    static CONVERTING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// A value's Rego form, set by [`ready_built`] for the serializer that takes it
    /// next (see [`READY`]).
    static READY_VALUE: std::cell::Cell<Option<Value>> = const { std::cell::Cell::new(None) };
    /// The keys every location object shares.
    static LOC_PARTS: std::cell::RefCell<Option<LocParts>> = const { std::cell::RefCell::new(None) };
}

struct LocParts {
    /// `col`, `end`, `end_col`, `end_line`, `file`, `line`, `start`: sorted.
    keys: [Value; 7],
}

/// The newtype name under which a value whose Rego form is ready presents itself to a
/// serializer: this module's takes that form, any other writes the value's fields.
const READY: &str = "$mcp_audit::ReadyBuilt";

/// Serialize `fields` into `s`, except that while a Rego input is being built on this
/// thread, the Rego form `rego()` is handed over instead (`fields` are still what any
/// other serializer writes). For values that are cheaper to build directly than through
/// serde (a location) or that are converted once and shared (a [`SharedDoc`]).
pub fn ready_built<S: ser::Serializer, T: Serialize + ?Sized>(
    s: S,
    rego: impl FnOnce() -> Value,
    fields: &T,
) -> std::result::Result<S::Ok, S::Error> {
    if CONVERTING.with(std::cell::Cell::get) == 0 {
        return fields.serialize(s);
    }
    let v = rego();
    READY_VALUE.with(|c| c.set(Some(v)));
    s.serialize_newtype_struct(READY, fields)
}

/// The Rego object of `loc`, built directly: its keys in their sorted order, its file
/// name the location's own shared string (a Rego string is the same `Arc<str>`).
/// Locations are most of an input's objects (every mapping has one, and one per key):
/// through the generic path, each took seven key lookups, a copy of its file name and
/// a sort.
pub fn loc_value(loc: &crate::source::Loc) -> Value {
    let entries = LOC_PARTS.with(|parts| {
        let mut parts = parts.borrow_mut();
        let parts = parts.get_or_insert_with(|| LocParts {
            keys: ["col", "end", "end_col", "end_line", "file", "line", "start"]
                .map(|k| Value::String(key(k))),
        });
        let n = |x: usize| Value::from(x as u64);
        let [col, end, end_col, end_line, file_key, line, start] = parts.keys.clone();
        vec![
            (col, n(loc.col)),
            (end, n(loc.end)),
            (end_col, n(loc.end_col)),
            (end_line, n(loc.end_line)),
            (file_key, Value::String(loc.file.clone())),
            (line, n(loc.line)),
            (start, n(loc.start)),
        ]
    });
    Value::from(regorus::value::Object::from_sorted_entries(entries))
}

/// Object keys repeat in every input (`loc`, `file`, `line`…): share one allocation
/// per key and thread (at most `MAX_KEYS`; rarer keys are allocated each time). The
/// table is looked up for every key of every input, hence a fast hash (the keys are
/// field names and the scanned files' keys, bounded in number).
pub fn key(k: &str) -> regorus::Rc<str> {
    const MAX_KEYS: usize = 4096;
    type Table = std::collections::HashMap<String, regorus::Rc<str>, foldhash::fast::RandomState>;
    thread_local! {
        static KEYS: std::cell::RefCell<Table> = std::cell::RefCell::new(Table::default());
    }
    KEYS.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(rc) = t.get(k) {
            return rc.clone();
        }
        let rc: regorus::Rc<str> = k.into();
        if t.len() < MAX_KEYS {
            t.insert(k.to_string(), rc.clone());
        }
        rc
    })
}

/// The value at key `k` of a Rego object (`None` for another value or a missing key;
/// the key is a shared string: no allocation).
pub fn field<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    match v {
        Value::Object(o) => o.get(&Value::String(key(k))),
        _ => None,
    }
}

/// A document that many inputs carry (the vulnerability report, a Compose project's
/// facts, a client file's server list). It is written into each input document like
/// any JSON value, but as a Rego value it is converted once, on first use, and then
/// shared: without this, every unit of a scan converted its own copy, and a 3,000-entry
/// `--vulns` report made a Dockerfile scan five times slower.
#[derive(Clone, Debug)]
pub struct SharedDoc(std::sync::Arc<SharedInner>);

#[derive(Debug)]
struct SharedInner {
    json: serde_json::Value,
    rego: std::sync::OnceLock<Value>,
}

impl SharedDoc {
    pub fn new(json: serde_json::Value) -> SharedDoc {
        SharedDoc(std::sync::Arc::new(SharedInner {
            json,
            rego: std::sync::OnceLock::new(),
        }))
    }

    pub fn json(&self) -> &serde_json::Value {
        &self.0.json
    }

    /// The document as a Rego value (converted on the first call, then shared).
    pub fn rego(&self) -> Value {
        self.0.rego.get_or_init(|| to_rego(&self.0.json)).clone()
    }
}

impl Serialize for SharedDoc {
    /// Any serializer writes the JSON; into a Rego input goes the converted value.
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        ready_built(s, || self.rego(), &self.0.json)
    }
}

/// A serialization error (only a custom `Serialize` impl can raise one).
#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Error>;

#[derive(Clone, Copy)]
struct ToRego {
    depth: usize,
}

impl ToRego {
    fn nested<T: Serialize + ?Sized>(self, v: &T) -> Result<Value> {
        if self.depth >= MAX_DEPTH {
            return Ok(Value::Null);
        }
        v.serialize(ToRego {
            depth: self.depth + 1,
        })
    }

    fn tagged(variant: &'static str, v: Value) -> Value {
        Value::from(BTreeMap::from([(Value::String(key(variant)), v)]))
    }
}

pub struct Seq {
    at: ToRego,
    items: Vec<Value>,
    /// For a tuple variant: the variant name that tags the array.
    variant: Option<&'static str>,
}

pub struct Map {
    at: ToRego,
    /// In serialization order; sorted (later duplicates winning) into the object.
    entries: Vec<(Value, Value)>,
    next_key: Option<Value>,
    /// For a struct variant: the variant name that tags the object.
    variant: Option<&'static str>,
}

impl ser::Serializer for ToRego {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Map;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(Value::from(i64::from(v)))
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        Ok(Value::from(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::String(v.to_string().into()))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::String(v.into()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(Value::from(
            v.iter()
                .map(|b| Value::from(u64::from(*b)))
                .collect::<Vec<_>>(),
        ))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::String(key(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<Value> {
        // (At the depth limit the fields are written, and cut off, as any value's.)
        if name == READY && self.depth < MAX_DEPTH {
            if let Some(ready) = READY_VALUE.with(std::cell::Cell::take) {
                return Ok(ready);
            }
        }
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Value> {
        Ok(Self::tagged(variant, self.nested(v)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
        Ok(Seq {
            at: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq> {
        let mut s = self.serialize_seq(Some(len))?;
        s.variant = Some(variant);
        Ok(s)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map> {
        Ok(Map {
            at: self,
            entries: Vec::new(),
            next_key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Map> {
        let mut m = self.serialize_map(Some(len))?;
        m.variant = Some(variant);
        Ok(m)
    }
}

impl Seq {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.items.push(self.at.nested(v)?);
        Ok(())
    }
    fn finish(self) -> Value {
        let array = Value::from(self.items);
        match self.variant {
            Some(variant) => ToRego::tagged(variant, array),
            None => array,
        }
    }
}

/// The four serde sequence traits, all appending to a `Seq`.
macro_rules! seq_impl {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Seq {
            type Ok = Value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
                self.push(v)
            }
            fn end(self) -> Result<Value> {
                Ok(self.finish())
            }
        }
    )*};
}

seq_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl Map {
    fn finish(self) -> Value {
        let object = Value::from(regorus::value::Object::from_entries(self.entries));
        match self.variant {
            Some(variant) => ToRego::tagged(variant, object),
            None => object,
        }
    }
}

impl ser::SerializeMap for Map {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<()> {
        self.next_key = Some(k.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let k = self
            .next_key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("map value without a key"))?;
        self.entries.push((k, self.at.nested(v)?));
        Ok(())
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, v: &T) -> Result<()> {
        self.entries
            .push((Value::String(key(name)), self.at.nested(v)?));
        Ok(())
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for Map {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, v: &T) -> Result<()> {
        ser::SerializeStruct::serialize_field(self, name, v)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// Object keys: strings (shared), and numbers and booleans as their text, as in JSON.
struct KeySerializer;

impl KeySerializer {
    fn text(s: String) -> Result<Value> {
        Ok(Value::String(s.into()))
    }
}

fn key_error() -> Error {
    <Error as ser::Error>::custom("an object key must be a string")
}

impl ser::Serializer for KeySerializer {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = ser::Impossible<Value, Error>;
    type SerializeTuple = ser::Impossible<Value, Error>;
    type SerializeTupleStruct = ser::Impossible<Value, Error>;
    type SerializeTupleVariant = ser::Impossible<Value, Error>;
    type SerializeMap = ser::Impossible<Value, Error>;
    type SerializeStruct = ser::Impossible<Value, Error>;
    type SerializeStructVariant = ser::Impossible<Value, Error>;

    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::String(key(v)))
    }
    fn serialize_bool(self, v: bool) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<Value> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<Value> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        Self::text(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Value> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<Value> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::String(key(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Value> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Value> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_shared_doc_is_written_as_its_json_and_converted_once() {
        #[derive(Serialize)]
        struct Input<'a> {
            unit: &'a str,
            project: &'a SharedDoc,
            n: Option<u8>,
        }
        let project = SharedDoc::new(
            serde_json::json!({"services": ["a", "b"], "hubs": [], "x": {"y": 1.5}}),
        );
        let a = Input {
            unit: "a",
            project: &project,
            n: Some(1),
        };
        let b = Input {
            unit: "b",
            project: &project,
            n: None,
        };
        // As JSON and as a Rego value, the same as the document written out.
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["project"], *project.json());
        assert_eq!(to_rego(&a), to_rego(&json));
        // Both inputs hold the one converted value.
        let (ra, rb) = (to_rego(&a), to_rego(&b));
        let at = |v: &Value| v["project"].as_object().unwrap() as *const _;
        assert!(std::ptr::eq(at(&ra), at(&rb)));
        // A newtype struct of another name is not taken for it.
        #[derive(Serialize)]
        struct Wrapper(u8);
        assert_eq!(to_rego(&Wrapper(3)), Value::from(3u64));
    }

    use super::*;
    use serde::Serialize;

    /// A location goes into a Rego input ready-built: the same object as its fields
    /// written out (and as through JSON), its file name one string per file, and the
    /// fields cut off at the depth limit as any struct's are.
    #[test]
    fn a_location_is_the_object_of_its_fields() {
        // One shared name per file, as a `SourceFile` gives its locations.
        let names: BTreeMap<&str, std::sync::Arc<str>> = [
            "a.yaml",
            "b/Dockerfile",
            "c.json",
            "d.yaml",
            "e.yaml",
            "x",
            "z",
        ]
        .map(|f| (f, std::sync::Arc::from(f)))
        .into();
        let loc = |file: &str, line: usize| crate::source::Loc {
            file: names[file].clone(),
            line,
            col: 3,
            end_line: line + 1,
            end_col: 9,
            start: 40,
            end: 57,
        };
        let written = |l: &crate::source::Loc| {
            let mut m = BTreeMap::new();
            m.insert(Value::from("file"), Value::from(&*l.file));
            for (k, n) in [
                ("line", l.line),
                ("col", l.col),
                ("end_line", l.end_line),
                ("end_col", l.end_col),
                ("start", l.start),
                ("end", l.end),
            ] {
                m.insert(Value::from(k), Value::from(n as u64));
            }
            Value::from(m)
        };
        // Several files, each named twice, out of order.
        let files = [
            "a.yaml",
            "b/Dockerfile",
            "c.json",
            "d.yaml",
            "e.yaml",
            "a.yaml",
        ];
        let locs: Vec<_> = files
            .iter()
            .chain(files.iter().rev())
            .enumerate()
            .map(|(i, f)| loc(f, i + 1))
            .collect();
        let v = to_rego(&locs);
        let json = serde_json::to_value(&locs).unwrap();
        assert_eq!(v, to_rego(&json));
        for (i, l) in locs.iter().enumerate() {
            assert_eq!(v[i], written(l), "{l:?}");
            assert_eq!(json[i]["file"], &*l.file);
        }
        // One string for a file named by the locations in a row.
        let file_at = |i: usize| match &v[i][&Value::from("file")] {
            Value::String(s) => s.clone(),
            _ => unreachable!(),
        };
        assert!(regorus::Rc::ptr_eq(&file_at(5), &file_at(6)));
        // Outside a conversion nothing is handed over: serde_json writes the fields.
        assert_eq!(
            serde_json::to_string(&loc("x", 1)).unwrap(),
            r#"{"file":"x","line":1,"col":3,"end_line":2,"end_col":9,"start":40,"end":57}"#
        );
        // At the depth limit the location's fields are cut off, as before.
        #[derive(Serialize)]
        struct Deep {
            inner: Option<Box<Deep>>,
            loc: Option<crate::source::Loc>,
        }
        fn nest(d: usize, l: &crate::source::Loc) -> Deep {
            match d {
                0 => Deep {
                    inner: None,
                    loc: Some(l.clone()),
                },
                _ => Deep {
                    inner: Some(Box::new(nest(d - 1, l))),
                    loc: None,
                },
            }
        }
        fn innermost_loc(mut v: Value) -> Value {
            let (inner, at) = (Value::from("inner"), Value::from("loc"));
            while v[&inner] != Value::Null && v[&inner] != Value::Undefined {
                v = v[&inner].clone();
            }
            v[&at].clone()
        }
        let mut cut = 0;
        for d in (MAX_DEPTH - 4)..=(MAX_DEPTH + 1) {
            let deep = nest(d, &loc("z", 1));
            let ready = innermost_loc(to_rego(&deep));
            let generic = innermost_loc(to_rego(&serde_json::to_value(&deep).unwrap()));
            assert_eq!(ready, generic, "depth {d}");
            if ready[&Value::from("line")] == Value::Null {
                cut += 1;
            }
        }
        // (One of them is the location whose fields fall beyond the limit.)
        assert!(cut > 0);
    }

    #[derive(Serialize)]
    struct S<'a> {
        name: &'a str,
        n: Option<u32>,
        tags: Vec<&'a str>,
        kind: Kind,
        data: BTreeMap<u16, f64>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum Kind {
        UnitLike,
        #[allow(dead_code)]
        Wrapped(i8),
    }

    /// The same value as through serde_json, for typed values and for JSON trees.
    /// Objects are sorted into place from their entries (vendored
    /// `Object::from_entries`): the same object as through a `BTreeMap`, lookups by
    /// binary search work, and a repeated key keeps its last value.
    #[test]
    fn objects_from_unsorted_entries_with_a_repeated_key() {
        let s = |t: &str| Value::from(t);
        let entries = vec![
            (s("user"), s("root")),
            (s("image"), s("alpine")),
            (s("cap_add"), Value::from(1u64)),
            (s("user"), s("10001")),
            (s("build"), Value::Null),
        ];
        let mut expected = BTreeMap::new();
        for (k, v) in entries.clone() {
            expected.insert(k, v);
        }
        let object = Value::from(regorus::value::Object::from_entries(entries));
        assert_eq!(object, Value::from(expected));
        assert_eq!(object[&s("user")], s("10001"));
        assert_eq!(object[&s("build")], Value::Null);
        assert_eq!(object[&s("missing")], Value::Undefined);
        let keys: Vec<_> = object.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["build", "cap_add", "image", "user"].map(s));
        assert_eq!(
            Value::from(regorus::value::Object::from_entries(Vec::new())),
            Value::from(BTreeMap::new())
        );
    }

    /// The vendored regorus sorts and looks up string keys with an inline first-byte
    /// comparison (vendor/regorus/PATCH.md): it must agree with `Value`'s own order,
    /// for keys that share a first byte, an empty key, multibyte text, the same `Rc`
    /// and keys of every other kind.
    /// The vendored regorus compares an object, array or set with itself (the same
    /// `Rc`) without walking it (PATCH.md): the order is the same as between two
    /// equal copies, and unequal values still order by their contents.
    #[test]
    fn a_value_compares_equal_to_itself_at_once() {
        use std::cmp::Ordering;
        let doc = || {
            Value::from(BTreeMap::from([
                (
                    Value::from("a"),
                    Value::from(vec![Value::from(1u64), Value::Null]),
                ),
                (
                    Value::from("s"),
                    Value::from(std::collections::BTreeSet::from([Value::from("x")])),
                ),
            ]))
        };
        let (one, other) = (doc(), doc());
        let bigger = Value::from(BTreeMap::from([(Value::from("b"), Value::Null)]));
        for (a, b) in [(&one, &one.clone()), (&one, &other)] {
            assert_eq!(a.cmp(b), Ordering::Equal);
            assert_eq!(a, b);
            for (k, v) in a.as_object().unwrap() {
                assert_eq!(v.cmp(&b[k]), Ordering::Equal, "{k}");
            }
        }
        assert_eq!(one.cmp(&bigger), Ordering::Less);
        assert_eq!(bigger.cmp(&one), Ordering::Greater);
        // A set holding the document finds it, and iterates past it, by the same order.
        let set = Value::from(std::collections::BTreeSet::from([
            one.clone(),
            bigger.clone(),
        ]));
        let items: Vec<&Value> = set.as_set().unwrap().iter().collect();
        assert_eq!(items, [&one, &bigger]);
        assert!(set.as_set().unwrap().contains(&other));
    }

    #[test]
    fn string_key_fast_paths_agree_with_value_order() {
        let texts = [
            "", "a", "ab", "abc", "abd", "b", "B", "é", "éa", "z", "zz", "user", "users",
        ];
        let mut keys: Vec<Value> = texts.iter().map(|t| Value::from(*t)).collect();
        keys.extend([
            Value::Null,
            Value::Bool(false),
            Value::Bool(true),
            Value::from(3u64),
            Value::from(vec![Value::from("a")]),
            Value::from(BTreeMap::from([(Value::from("k"), Value::Null)])),
            Value::from(std::collections::BTreeSet::from([Value::from("s")])),
        ]);
        // Entries in a scrambled order, each key's index as its value.
        let mut entries: Vec<(Value, Value)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), Value::from(i as u64)))
            .collect();
        entries.reverse();
        entries.swap(0, 7);
        entries.swap(3, 12);
        let expected: BTreeMap<Value, Value> = entries.iter().cloned().collect();
        let object = Value::from(regorus::value::Object::from_entries(entries));
        assert_eq!(object, Value::from(expected));
        for (i, k) in keys.iter().enumerate() {
            // An equal key in another allocation, and the very same one.
            let copy = match k {
                Value::String(s) => Value::from(&**s),
                other => other.clone(),
            };
            assert_eq!(object[&copy], Value::from(i as u64), "{k}");
            assert_eq!(object[k], Value::from(i as u64), "{k}");
        }
        for probe in ["", "aa", "abe", "c", "é!", "zzz", "user_"] {
            let hits = texts.contains(&probe);
            assert_eq!(
                object[&Value::from(probe)] != Value::Undefined,
                hits,
                "{probe}"
            );
        }
    }

    #[test]
    fn same_as_through_json() {
        let s = S {
            name: "svc",
            n: None,
            tags: vec!["a", "b"],
            kind: Kind::UnitLike,
            data: BTreeMap::from([(1, 0.5), (2, -3.0)]),
        };
        let via_json = |j: serde_json::Value| Value::from_json_str(&j.to_string()).unwrap();
        assert_eq!(to_rego(&s), via_json(serde_json::to_value(&s).unwrap()));
        assert_eq!(
            to_rego(&Kind::Wrapped(-2)),
            via_json(serde_json::json!({"wrapped": -2}))
        );
        let j = serde_json::json!({"a": [1, 2.5, u64::MAX, -7, null, true], "b": {"c": "d"}});
        assert_eq!(to_rego(&j), via_json(j));
    }

    #[test]
    fn deep_values_are_cut_off() {
        let mut v = serde_json::json!(1);
        for _ in 0..(MAX_DEPTH + 10) {
            v = serde_json::json!([v]);
        }
        let mut r = &to_rego(&v);
        let mut depth = 0;
        while let Value::Array(a) = r {
            r = &a[0];
            depth += 1;
        }
        assert_eq!(*r, Value::Null);
        // The top level plus MAX_DEPTH nested levels.
        assert_eq!(depth, MAX_DEPTH + 1);
    }
}
