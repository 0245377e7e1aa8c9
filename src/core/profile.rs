//! The normalised user: what every dialect's login or profile answer
//! becomes, and the back end's own data kept as the JSON text it came as.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::field::StringMap;

/// JSON kept as the text it arrived as: `user.raw` and a device's
/// `preferences`, the back end's own data, with its key order and numbers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// `None` unless `text` is one JSON object.
    pub fn object(text: String) -> Option<RawJson> {
        let raw = RawValue::from_string(text).ok()?;
        raw.get().starts_with('{').then_some(RawJson(raw))
    }

    pub fn empty_object() -> RawJson {
        RawJson::object("{}".to_owned()).unwrap_or_else(|| unreachable!())
    }

    pub fn text(&self) -> &str {
        self.0.get()
    }

    fn is_object(&self) -> bool {
        self.text().starts_with('{')
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
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
