//! The normalised user: what every dialect's login or profile answer
//! becomes, and the back end's own data kept as the JSON text it came as.

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use super::field::StringMap;

/// JSON kept as the text it arrived as: `user.raw` and a device's
/// `preferences`, the back end's own data, with its key order and numbers.
///
/// The text always comes from a JSON writer (the browser's `JSON.stringify`
/// in the web layer, serde_json natively), so the wasm never parses it:
/// serde_json's `RawValue` would, and its parser would be in the wasm for
/// that alone (docs/size.md).
#[derive(Clone, Debug, PartialEq)]
pub struct RawJson(String);

/// serde_json's name for text written and read verbatim (its `RawValue`
/// protocol: a struct of this name, with one member of this name).
const RAW_VALUE: &str = "$serde_json::private::RawValue";

impl RawJson {
    /// `None` unless `text` is one JSON object. Natively the text is also
    /// checked to be JSON; the wasm's texts are all `JSON.stringify`'s.
    pub fn object(text: String) -> Option<RawJson> {
        #[cfg(not(target_arch = "wasm32"))]
        serde_json::from_str::<IgnoredAny>(&text).ok()?;
        text.starts_with('{').then_some(RawJson(text))
    }

    pub fn empty_object() -> RawJson {
        RawJson::object("{}".to_owned()).unwrap_or_else(|| unreachable!())
    }

    pub fn text(&self) -> &str {
        &self.0
    }

    fn is_object(&self) -> bool {
        self.text().starts_with('{')
    }
}

/// Written verbatim by serde_json.
impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut raw = s.serialize_struct(RAW_VALUE, 1)?;
        raw.serialize_field(RAW_VALUE, self.text())?;
        raw.end()
    }
}

/// Read from serde_json as the text it was (its `RawValue` protocol), or,
/// in the wasm, from a record `JSON.parse` read, where `js/json.js`'s
/// `parseRecord` left the member as its JSON text. Whether it is an object
/// is the record's check (`UserProfile::is_sound`), as before.
impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE, RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawJson;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON text")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawJson, A::Error> {
        map.next_key::<IgnoredAny>()?
            .ok_or_else(|| de::Error::custom("no JSON text"))?;
        map.next_value().map(RawJson)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<RawJson, D::Error> {
        String::deserialize(d).map(RawJson)
    }
}

/// The `UserProfile` of docs/API.md. `R` is how the back end's own data is held:
/// as text here and in storage, as JavaScript values on the way out.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile<R = RawJson> {
    pub id: Option<String>,
    pub user_name: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub rights: Vec<String>,
    pub role: Option<i64>,
    pub device: Option<Device<R>>,
    pub raw: R,
}

/// A PORTOS cash register.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device<R = RawJson> {
    pub name: String,
    pub env_name: Option<String>,
    pub description: Option<String>,
    pub settings: StringMap,
    pub preferences: R,
}

impl UserProfile {
    /// The profile with its back-end data in another form.
    pub fn map_raw<R>(&self, mut convert: impl FnMut(&RawJson) -> R) -> UserProfile<R> {
        UserProfile {
            id: self.id.clone(),
            user_name: self.user_name.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            rights: self.rights.clone(),
            role: self.role,
            device: self.device.as_ref().map(|d| Device {
                name: d.name.clone(),
                env_name: d.env_name.clone(),
                description: d.description.clone(),
                settings: d.settings.clone(),
                preferences: convert(&d.preferences),
            }),
            raw: convert(&self.raw),
        }
    }

    /// The shape a stored profile must have beyond its types.
    pub fn is_sound(&self) -> bool {
        self.raw.is_object()
            && self
                .device
                .as_ref()
                .is_none_or(|d| d.preferences.is_object())
    }
}

impl UserProfile {
    /// The profile of a session whose answer had no user.
    pub fn empty() -> UserProfile {
        UserProfile {
            id: None,
            user_name: None,
            name: None,
            email: None,
            rights: Vec::new(),
            role: None,
            device: None,
            raw: RawJson::empty_object(),
        }
    }
}
