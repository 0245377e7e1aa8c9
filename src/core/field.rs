//! `Field<T>`: one member of a JSON object as the module reads it, absent,
//! of the wrong type, or given.
//!
//! Every derived struct that reads foreign data (server answers, options,
//! credentials) is made of these. A member of the wrong type is a value of
//! its own, never a serde error: the caller decides what it means (a server's
//! mistyped user field is `null`, a mistyped option is `invalid_argument`
//! naming it). That keeps serde's error paths, which format the offending
//! value (a numeric password, a float), out of every message and out of the
//! wasm. The visitor accepts any value, so it works the same on
//! serde-wasm-bindgen's deserializer and on `serde_json::Value`.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A member of a JSON object.
#[derive(Clone, PartialEq, Debug, Default)]
pub enum Field<T> {
    #[default]
    Absent,
    /// Present, but not a `T` (`null` included).
    Mistyped,
    Given(T),
}

impl<T> Field<T> {
    pub fn given(self) -> Option<T> {
        match self {
            Field::Given(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Absent => Field::Absent,
            Field::Mistyped => Field::Mistyped,
            Field::Given(v) => Field::Given(v),
        }
    }

    fn fitting(value: Option<T>) -> Self {
        value.map_or(Field::Mistyped, Field::Given)
    }
}

impl<T: AsRef<str>> Field<T> {
    /// The string, when given and not empty.
    pub fn text(&self) -> Option<&str> {
        match self {
            Field::Given(s) if !s.as_ref().is_empty() => Some(s.as_ref()),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Field::Given(s) => Some(s.as_ref()),
            _ => None,
        }
    }
}

/// What JSON values a `T` is read from. Each method answers `None` (the
/// member is mistyped) unless `T` takes that kind of value.
pub trait Shape: Sized {
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_number(_: f64) -> Option<Self> {
        None
    }
    fn from_string(mut s: String) -> Option<Self> {
        // It may be a password given where another type was expected.
        wipe(&mut s);
        None
    }
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Option<Self>, A::Error> {
        skip_seq(seq).map(|_| None)
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        skip_map(map).map(|_| None)
    }
}

/// Reads the rest of a sequence: a deserializer over owned values (such as
/// `serde_json::Value`) refuses a visitor that leaves items unread.
fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

impl Shape for String {
    fn from_string(s: String) -> Option<Self> {
        Some(s)
    }
}

impl Shape for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl Shape for f64 {
    fn from_number(n: f64) -> Option<Self> {
        Some(n)
    }
}

/// The string items of an array; items of other types are left out.
impl Shape for Vec<String> {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Field<String>>()? {
            items.extend(item.given());
        }
        Ok(Some(items))
    }
}

/// An object's members in their order, each value read as a `Field<T>`.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Members<T>(pub Vec<(String, Field<T>)>);

impl<T: Shape> Shape for Members<T> {
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Field<T>>()? {
            members.push((key, value));
        }
        Ok(Some(Members(members)))
    }
}

/// An object whose members are all strings, in their order (a device's
/// `settings`). It reads only as such: anything else is an error.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct StringMap(pub Vec<(String, String)>);

impl serde::Serialize for StringMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for StringMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(StringMapVisitor)
    }
}

/// Strict, unlike `Field`: a `StringMap` is only read back from our own
/// record, where anything else is tampering.
struct StringMapVisitor;

impl<'de> Visitor<'de> for StringMapVisitor {
    type Value = StringMap;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StringMap, A::Error> {
        let mut members = Vec::new();
        while let Some(entry) = map.next_entry::<String, String>()? {
            members.push(entry);
        }
        Ok(StringMap(members))
    }
}

/// A caller's object (options, credentials) that keeps its own member
/// names, so that unknown ones can be refused: serde reads only the members
/// a struct declares.
pub trait Named {
    fn set_names(&mut self, names: Vec<String>);
}

use super::error::Scalar;

impl Shape for Scalar {
    fn from_number(n: f64) -> Option<Self> {
        Some(Scalar::Num(n))
    }
    fn from_string(s: String) -> Option<Self> {
        Some(Scalar::Str(s))
    }
}

/// A derived struct read from a JSON object (and from nothing else: an
/// array is not a struct here, whatever serde's tuple form allows).
#[macro_export]
macro_rules! object_shape {
    ($($t:ty),*) => {$(
        impl $crate::core::field::Shape for $t {
            fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
                <$t as serde::Deserialize>::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
            }
        }
    )*};
}

impl<'de, T: Shape> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor(PhantomData))
    }
}

struct FieldVisitor<T>(PhantomData<T>);

impl<'de, T: Shape> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Field::fitting(T::from_bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Field::fitting(T::from_number(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Field::fitting(T::from_number(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Field::fitting(T::from_number(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Field::fitting(T::from_string(v.to_owned())))
    }
    // Owned, so that a password moves into the field instead of leaving an
    // unwiped copy behind.
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Field::fitting(T::from_string(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Mistyped)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Mistyped)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::from_seq(seq).map(Field::fitting)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::from_map(map).map(Field::fitting)
    }
}

/// A string that is wiped when dropped: what credentials are read into.
#[derive(Default, PartialEq)]
pub struct Secret(String);

impl Shape for Secret {
    fn from_string(s: String) -> Option<Self> {
        Some(Secret(s))
    }
}

impl AsRef<str> for Secret {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("<secret>")
    }
}

/// Overwrites a string's bytes with zeros before it is freed (a password, a
/// body that carried one).
pub fn wipe(s: &mut str) {
    // Safety: zero bytes are valid UTF-8, so the string stays valid.
    unsafe { s.as_bytes_mut() }.fill(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default, Debug)]
    #[serde(default)]
    struct Sample {
        a: Field<String>,
        n: Field<f64>,
        list: Field<Vec<String>>,
        map: Field<Members<String>>,
        inner: Field<Inner>,
    }

    #[derive(serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(default)]
    struct Inner {
        b: Field<bool>,
    }
    object_shape!(Inner);

    fn read(text: &str) -> Sample {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        Sample::deserialize(&v).unwrap()
    }

    #[test]
    fn every_member_reads_as_absent_mistyped_or_given() {
        let s = read(
            r#"{"a":"x","n":1.5,"list":["p",1,null,"q"],"map":{"k":"v","z":2},"inner":{"b":true,"c":[1]}}"#,
        );
        assert_eq!(s.a, Field::Given("x".into()));
        assert_eq!(s.n, Field::Given(1.5));
        assert_eq!(s.list, Field::Given(vec!["p".into(), "q".into()]));
        assert_eq!(
            s.map,
            Field::Given(Members(vec![
                ("k".into(), Field::Given("v".into())),
                ("z".into(), Field::Mistyped)
            ]))
        );
        assert_eq!(
            s.inner,
            Field::Given(Inner {
                b: Field::Given(true)
            })
        );
        let s = read(r#"{"a":null,"n":"1","list":{"0":"p"},"map":[["k","v"]],"inner":[null]}"#);
        assert_eq!(
            (s.a, s.n, s.list, s.map, s.inner),
            (
                Field::Mistyped,
                Field::Mistyped,
                Field::Mistyped,
                Field::Mistyped,
                Field::Mistyped
            )
        );
        let s = read("{}");
        assert_eq!((s.a, s.inner), (Field::Absent, Field::Absent));
    }

    #[test]
    fn wipe_leaves_zeros() {
        let mut s = String::from("hunter2");
        wipe(&mut s);
        assert_eq!(s.as_bytes(), [0; 7]);
    }
}
